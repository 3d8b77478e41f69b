"""MovieLens title parsing.

MovieLens titles put the year last in parentheses and move leading articles behind a comma,
often before an alternative title: ``"City of Lost Children, The (Cité des enfants perdus, La) (1995)"``.
A few titles have no year, a year range (``"Death Note: Desu nôto (2006–2007)"``) or stray whitespace.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Articles MovieLens moves behind a comma, in the languages that occur in the catalog.
ARTICLES = (
    "The", "A", "An", "Les", "La", "Le", "L'", "Il", "El", "Los", "Las", "Lo", "Die", "Der", "Das",
    "Den", "Det", "Un", "Une", "Uno", "Una", "Gli", "I", "O", "Os", "As", "De", "Het", "Ett", "En",
)  # fmt: skip
_YEAR = re.compile(r"\s*\((\d{4})(?:\s*[–-]\s*(\d{4})?)?\)\s*$")
_TRAILING_ARTICLE = re.compile(r"^(?P<body>.+?), (?P<article>" + "|".join(map(re.escape, ARTICLES)) + r")$")
_ALT_TITLE = re.compile(r"^(?P<main>.*?\S)\s+(?P<alt>\((?:[^()]|\([^()]*\))*\))$")


@dataclass(frozen=True)
class ParsedTitle:
    """A MovieLens title split into the display title, an alternative title and the year."""

    title: str
    year: int | None
    alt_title: str | None = None


def _restore_article(text: str) -> str:
    match = _TRAILING_ARTICLE.match(text)
    if not match:
        return text
    article = match["article"]
    joiner = "" if article.endswith("'") else " "
    return f"{article}{joiner}{match['body']}"


def parse_title(raw: str) -> ParsedTitle:
    """Parse ``"Matrix, The (1999)"`` into ``ParsedTitle("The Matrix", 1999)``.

    Parentheses inside the title are kept unless they hold an alternative title at the end
    (``"Seven (a.k.a. Se7en) (1995)"`` keeps ``"Seven"`` and the alternative separately).
    """
    text = " ".join(raw.split())
    year: int | None = None
    match = _YEAR.search(text)
    if match:
        year = int(match.group(1))
        text = text[: match.start()].strip()
    alt: str | None = None
    alt_match = _ALT_TITLE.match(text)
    if alt_match and not re.fullmatch(r"\(\d+\)", alt_match["alt"]):
        text, alt = alt_match["main"], _restore_article(alt_match["alt"][1:-1].strip())
    title = _restore_article(text.strip())
    return ParsedTitle(title=title or raw.strip(), year=year, alt_title=alt)


def normalize(text: str) -> str:
    """Lower-case, accent-free, punctuation-free form used to match titles people type."""
    folded = unicodedata.normalize("NFKD", text)
    ascii_only = "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()
    ascii_only = ascii_only.replace("&", " and ")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", ascii_only).split())
