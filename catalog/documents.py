"""What the retriever indexes for each item: one text document and filterable metadata.

The document leads with what identifies the film (title, year, genres), then the community tags,
then the overview. all-MiniLM-L6-v2 reads at most 256 word pieces, so the short, dense fields go
first and only the tail of a long overview is cut. The benchmark builds its documents without
tags (``with_tags=False``) because tags are its relevance labels.

Metadata carries one boolean flag per genre (``g_Comedy``) on *every* item, so "must have" and
"must not have" are both plain equality filters; ``year`` is present only when known, so a year
bound never admits an undated item; ``popularity`` orders filter-only results.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import pandas as pd

Metadata = dict[str, str | int | float | bool]


def genre_key(genre: str) -> str:
    """The metadata key of a genre's flag."""
    return f"g_{genre}"


def document(row: pd.Series, *, with_tags: bool = True) -> str:
    """The text embedded for one item row of ``Catalog.items``."""
    year = row["year"]
    head = row["title"] if pd.isna(year) else f"{row['title']} ({int(year)})"
    alt = row["alt_title"]
    if isinstance(alt, str) and alt:
        head += f", also known as {alt}"
    parts = [head + "."]
    genres = [g for g in row["genres"] if not g.startswith("(")]
    if genres:
        parts.append("Genres: " + ", ".join(genres) + ".")
    if with_tags and row["tags"]:
        parts.append("Tags: " + ", ".join(row["tags"]) + ".")
    if row["overview"]:
        parts.append(str(row["overview"]))
    return " ".join(parts)


def content_hash(text: str) -> str:
    """A short hash of a document: an item is embedded again only when it changes."""
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def metadata(row: pd.Series, item_id: int, genres: Sequence[str], text: str) -> Metadata:
    """Filterable fields of one item; ``genres`` is the catalog's full genre list."""
    own = set(row["genres"])
    meta: Metadata = {
        "item_id": int(item_id),
        "popularity": int(row["popularity"]),
        "hash": content_hash(text),
    }
    if not pd.isna(row["year"]):
        meta["year"] = int(row["year"])
    for genre in genres:
        meta[genre_key(genre)] = genre in own
    return meta


def documents(items: pd.DataFrame, genres: Sequence[str], *, with_tags: bool = True) -> dict[int, tuple[str, Metadata]]:
    """(document, metadata) per item id, in catalog order."""
    out: dict[int, tuple[str, Metadata]] = {}
    for item_id, row in items.iterrows():
        text = document(row, with_tags=with_tags)
        out[int(item_id)] = (text, metadata(row, int(item_id), genres, text))  # type: ignore[arg-type]
    return out
