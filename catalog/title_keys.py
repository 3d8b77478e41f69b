"""The keys a film is found under: how people write its title, each key with its kind.

People write "the matrix", "Matrix, The (1999)", "godfather part 2" or "lotr". Every item is indexed
under its normalised display title, its MovieLens raw title ("matrix the"), its alternative title,
the title without a leading article, roman numerals as arabic ones, small numbers both spelled and in
digits ("oceans 11"), possessives without their apostrophe and, for "Star Wars: Episode IV",
the part before the colon, with shortened forms of long titles. :mod:`whyrec.catalog.linker` looks
message spans and title arguments up in these keys.
"""

from __future__ import annotations

import re

from whyrec.catalog.titles import ARTICLES, normalize, parse_title

MAX_SPAN = 10  # tokens in the longest title looked up
# Kinds of index keys: display title, raw/alt title, title without article, series prefix, and a
# shortened form (first words, series initials, subtitle: see ``shorthands``). An
# ambiguous span goes to the item with the most ratings, weighted by how directly its key names it
# ("lord of the rings" is The Fellowship of the Ring by prefix, not the rarely rated 1978 film).
TITLE, RAW, BARE, PREFIX, SHORT = 0, 1, 2, 3, 4
KIND_WEIGHT = {TITLE: 1.0, RAW: 1.0, BARE: 0.8, PREFIX: 0.25, SHORT: 0.25}
_ROMAN = {"ii": "2", "iii": "3", "iv": "4", "vi": "6", "vii": "7", "viii": "8"}  # "v" and "x" are too often words
_SPELLED = (  # "one" is too often a word ("the one")
    "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen",
    "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
)  # fmt: skip
_DIGITS = {word: str(n) for n, word in enumerate(_SPELLED, start=2)}
_WORDS = {digit: word for word, digit in _DIGITS.items()}
_PART = re.compile(r"\b(?:part|vol|volume|chapter) (\d+)\b")
# A subtitle of one of these and one word (an article aside) is a phrase, not a name: "in space" in "set in
# space" is no *Leprechaun 4: In Space*, nor "on the move" *Mannequin 2*; "On Stranger Tides", "The Two Towers"
# and "A New Hope" name their films.
PHRASE_OPENERS = frozenset(
    ["in", "on", "at", "of", "to", "for", "with", "from", "into", "by", "about", "under", "over"]
)
ARTICLE_WORDS = frozenset(normalize(a) for a in ARTICLES if normalize(a))


def arabic(key: str) -> str:
    """A title's roman numerals as people type them: "godfather part ii" is also "godfather part 2"."""
    return " ".join(_ROMAN.get(word, word) for word in key.split())


def unpossessive(key: str) -> str:
    """A possessive typed without its apostrophe: "ocean s eleven" is also "oceans eleven"."""
    return re.sub(r"\b([a-z]+) s\b", r"\1s", key)


def in_digits(key: str) -> str:
    """Small spelled numbers as digits: "part two" is "part 2"."""
    return " ".join(_DIGITS.get(w, w) for w in key.split())


def spelled_numbers(key: str) -> list[str]:
    """A title's small numbers written the other way: "oceans eleven" is "oceans 11", "12 angry men" is
    "twelve angry men"."""
    out = [in_digits(key), " ".join(_WORDS.get(w, w) for w in key.split())]
    return [k for k in dict.fromkeys(out) if k != key]


def title_numbers(key: str) -> set[str]:
    """The numbers in a title key, roman numerals as arabic: a sequel's number is part of its name."""
    return {word for word in arabic(key).split() if word.isdigit()}


def shorthands(keys: list[tuple[str, int]], plain: frozenset[str]) -> list[tuple[str, int]]:
    """Shortened forms people type for long titles, as SHORT keys: the first words of a title of three
    or more ("eternal sunshine", "grand budapest", "sen to chihiro" of *Spirited Away*'s original title) when
    they hold two content words and end in one, and
    the initials of a long series name ("lotr" for "lord of the rings")."""
    out: list[tuple[str, int]] = []
    for key, kind in keys:
        words = key.split()
        if kind in (TITLE, RAW, BARE) and len(words) >= 3:  # RAW: "sen to chihiro" of an alternative title
            for n in range(2, len(words)):
                content = [w for w in words[:n] if w not in plain and not w.isdigit()]
                if len(content) >= 2 and words[n - 1] in content and words[0] not in ARTICLE_WORDS:
                    out.append((" ".join(words[:n]), SHORT))
        if kind == PREFIX and len(words) >= 3:
            initials = "".join(w[0] for w in words if not w[0].isdigit())
            if len(initials) >= 3 and initials not in plain:
                out.append((initials, SHORT))
    return out


_HYPHEN = re.compile(r"(?<=[A-Za-z0-9])-(?=[A-Za-z0-9])")


def keys_of(title: str, raw: str, alt: str | None, plain: frozenset[str]) -> list[tuple[str, int]]:
    """The keys an item is found under, each with its kind: its display, raw and alternative titles, each
    also without a leading article and with arabic numerals, its series prefix, subtitles and shorthands.
    A hyphenated title is also found with its hyphens dropped: people type "spiderman", "xmen", "benhur"."""
    keys = _keys(title, raw, alt, plain)
    if _HYPHEN.search(title) or _HYPHEN.search(raw):
        joined = _keys(_HYPHEN.sub("", title), _HYPHEN.sub("", raw), alt and _HYPHEN.sub("", alt), plain)
        keys += [key for key in joined if key not in keys]
    return keys


def _keys(title: str, raw: str, alt: str | None, plain: frozenset[str]) -> list[tuple[str, int]]:
    keys = [(normalize(title), TITLE), (normalize(parse_title(raw).title), TITLE)]
    bare_raw = re.sub(r"\s*\(\d{4}[^)]*\)\s*$", "", raw)
    keys.append((normalize(bare_raw), RAW))
    if alt:
        keys.append((normalize(re.sub(r"^(a\.k\.a\.|aka)\s*", "", alt, flags=re.I)), RAW))
    if ":" in title:  # "Dr. Strangelove or: How I Learned ..." is also "Dr. Strangelove"
        keys.append((normalize(re.sub(r"[\s,]+or$", "", title.split(":")[0])), PREFIX))
        for subtitle in {title.split(":", 1)[1], title.split(" - ")[-1]}:  # "The Two Towers"
            words = normalize(subtitle).split()
            phrase = bool(words) and words[0] in PHRASE_OPENERS and len(set(words[1:]) - ARTICLE_WORDS) <= 1
            named = len(words) >= 2 and not phrase
            if named and not _PART.fullmatch(in_digits(arabic(normalize(subtitle)))):
                keys.append((normalize(subtitle), SHORT))
    articles = tuple(normalize(a) + " " for a in ARTICLES if normalize(a))
    for key, kind in list(keys):
        for article in articles:
            if key.startswith(article) and len(key) > len(article) + 3:
                keys.append((key[len(article) :], max(kind, BARE)))
    keys += [(numbered, kind) for key, kind in keys if (numbered := arabic(key)) != key]
    keys += [(merged, kind) for key, kind in keys if (merged := unpossessive(key)) != key]  # "schindlers list"
    keys += [(other, kind) for key, kind in keys for other in spelled_numbers(key)]
    # "the godfather 2", "kill bill 2": a sequel is often typed without its "Part" or "Vol."
    unparted = [(_PART.sub(r"\1", key), max(kind, BARE)) for key, kind in keys if _PART.search(key)]
    keys += [(key, kind) for key, kind in unparted if len(key.split()) >= 2]
    keys += shorthands(keys, plain)
    return [(k, kind) for k, kind in keys if k and len(k.split()) <= MAX_SPAN]
