"""Titles written side by side with a film already recognised: "zodiac n prisoners", "eternal sunshine or
her", "arrival / ex machina", "seven samurai & yojimbo".

Alone, a lower-case one-word title needs evidence before it counts (:mod:`whyrec.catalog.linker`): "her"
and "up" are everyday words, "prisoners" an ordinary one, and "yojimbo" too rarely rated to be taken on
trust. Joined to a recognised film by "and", "or", "n", "&", "/" or a comma, it stands where a film
stands, and that is the evidence. An everyday word still needs the edge of its clause ("or her." ends a
sentence; "heat and her sister" does not), and the words that close a list ("and more", "or something")
never count.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from whyrec.catalog.tokens import Token

COORDINATORS = frozenset({"and", "or", "n", "nor", "plus"})
SEPARATOR = re.compile(r"[,/&+]")  # written between two titles ("heat, ronin", "arrival / ex machina")
LIST_TAILS = frozenset(
    {
        *("more", "so", "such", "stuff", "something", "anything", "everything", "whatever", "things", "etc"),
        *("it", "that", "this", "these", "those", "them", "others", "other", "all", "both", "too", "also"),
    }
)


def joined_spans(tokens: list[Token], first: int, last: int, message: str, longest: int) -> Iterator[tuple[int, int]]:
    """Token spans (first, last) that could be a title coordinated with the mention at ``first:last``:
    after it, then before it, each longest first, at most ``longest`` tokens."""
    after = last + (last < len(tokens) and tokens[last].text in COORDINATORS)
    if after < len(tokens) and _separated(message, tokens[last - 1].start, tokens[after].end, after > last):
        yield from ((after, end) for end in range(min(len(tokens), after + longest), after, -1))
    before = first - (first > 0 and tokens[first - 1].text in COORDINATORS)
    if before > 0 and _separated(message, tokens[before - 1].start, tokens[first].end, before < first):
        yield from ((start, before) for start in range(max(0, before - longest), before))


def at_clause_edge(tokens: list[Token], first: int, last: int, after: bool) -> bool:
    """Whether the span ends its clause (written after the film) or starts it (written before)."""
    if after:
        return last == len(tokens) or tokens[last].opens_sentence
    return first == 0 or tokens[first].opens_sentence


def _separated(message: str, start: int, end: int, coordinated: bool) -> bool:
    """Whether the text from one title's last word to the next title's first (both included, as a word's own
    punctuation stays with it: "heat," then "ronin") holds a separator ("arrival / ex machina"), or,
    ``coordinated``, a coordinator's token stands between them ("zodiac n prisoners")."""
    return coordinated or SEPARATOR.search(message[start:end]) is not None
