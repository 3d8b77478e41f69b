"""A message as the title linker reads it: normalised tokens that keep their offsets, case, quotes and brackets.

A title's case ("Up" mid-sentence), its quotes ("'Heat'") and a bracketed aside after it ("the thing
(carpenter, 1982)") are what tell a film from everyday words, so each token keeps them beside its
normalised text (:func:`whyrec.catalog.titles.normalize`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from whyrec.catalog.titles import normalize

_TOKEN = re.compile(r"\S+")
YEAR = re.compile(r"^(18[89]\d|19\d\d|20[0-3]\d)$")
DECADE = re.compile(r"(\d0|1[89]\d0|20[0-3]0)s")  # "70s", "1970s"


def decade_start(digits: int) -> int:
    """The first year of a decade written as "70" or "1970": two digits up to 30 are this century's ("20s")."""
    return digits if digits >= 100 else (2000 + digits if digits <= 30 else 1900 + digits)


def decade_of(word: str) -> int | None:
    """The first year of the decade a word names ("70s" and "1970s" are 1970, "10s" 2010); else None."""
    match = DECADE.fullmatch(word)
    return decade_start(int(match.group(1))) if match else None


ASIDE_WORDS = 4  # how far into a bracketed aside after a title its year is looked for
ASIDE_MAX = 16  # the longest aside read as describing the title before it ("(the clooney one, not the ...)")


@dataclass(frozen=True)
class Token:
    text: str  # normalised
    start: int  # character offsets in the original message
    end: int
    capitalised: bool
    quoted: bool
    opens_sentence: bool = False  # first of the message, or after a word ending a sentence (". ! ?")
    shouted: bool = False  # written in capitals ("NOTHING scary"): emphasis, not a title's capital
    opens_aside: bool = False  # written after "(": "(carpenter, 1982)"
    closes_aside: bool = False  # written before ")"


def tokenize(message: str) -> list[Token]:
    """Normalised tokens with their offsets; "sci-fi" gives "sci" and "fi" at the same offsets."""
    tokens: list[Token] = []
    quote_open, opens = False, True
    for match in _TOKEN.finditer(message):
        raw = match.group()
        sentence, opens = opens, raw.rstrip("\"'”’»)").endswith((".", "!", "?", "…"))
        quote = raw[:1] in "\"'“‘«"
        quoted = quote_open or quote
        if quote and not raw[1:].rstrip(".,!?;:").endswith(('"', "'", "”", "’", "»")):
            quote_open = True
        if raw.rstrip(".,!?;:)").endswith(('"', "”", "»")) or (quote_open and raw.rstrip(".,!?").endswith("'")):
            quote_open = False
        parts = normalize(raw).split()
        cased = re.findall(r"[^\W_]+", raw)  # the same parts with their case ("I'm" is "I" and "m")
        if len(cased) != len(parts):  # accents, symbols: only the first part keeps the word's case
            cased = ([raw.lstrip("\"'“‘«(")] + [""] * len(parts))[: len(parts)]
        bracket_opens, bracket_closes = raw.lstrip("\"'“‘«").startswith("("), ")" in raw
        for n, (part, original) in enumerate(zip(parts, cased, strict=True)):
            shouted = len(original) > 1 and original.isupper()
            tokens.append(
                Token(
                    part,
                    match.start(),
                    match.end(),
                    capitalised=original[:1].isupper(),
                    quoted=quoted,
                    opens_sentence=sentence and n == 0,
                    shouted=shouted,
                    opens_aside=bracket_opens and n == 0,
                    closes_aside=bracket_closes and n == len(parts) - 1,
                )
            )
    return tokens


def aside_year(tokens: list[Token], at: int) -> tuple[int, int] | None:
    """The token of a year near the start of the brackets opening at token ``at`` ("(carpenter, 1982)", "(the
    2002 one)", "(2016, the amy adams one with the aliens)"), if any, and the end of the brackets."""
    end = aside_end(tokens, at)
    if end is None:
        return None
    year = next((n for n in range(at, min(at + ASIDE_WORDS, end)) if YEAR.match(tokens[n].text)), None)
    return None if year is None else (year, end)


def aside_end(tokens: list[Token], at: int) -> int | None:
    """The end (exclusive) of the brackets opening at token ``at``, if they open there and close soon."""
    if not (0 <= at < len(tokens) and tokens[at].opens_aside):
        return None
    return next((n + 1 for n in range(at, min(at + ASIDE_MAX, len(tokens))) if tokens[n].closes_aside), None)


def inside_word(tokens: list[Token], first: int, last: int) -> bool:
    """Whether the span starts or ends within a word of the message (the parts of "it's" share its offsets)."""
    before = first > 0 and tokens[first - 1].start == tokens[first].start
    return before or (last < len(tokens) and tokens[last].start == tokens[last - 1].start)
