"""The typed catalog: items, users and interactions, with dense indices for the models."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from whyrec.catalog.errors import UnknownItemError, UnknownUserError
from whyrec.catalog.split import Split


@dataclass(frozen=True)
class Item:
    """One movie as people see it."""

    item_id: int
    title: str
    year: int | None
    genres: tuple[str, ...]
    tags: tuple[str, ...]
    overview: str
    popularity: int
    mean_rating: float | None
    raw_title: str
    alt_title: str | None = None

    @property
    def label(self) -> str:
        """``"The Matrix (1999)"``: the title with its year, as shown in replies."""
        return f"{self.title} ({self.year})" if self.year else self.title


class Catalog:
    """Items, ratings, implicit positives and their split.

    ``items`` is indexed by MovieLens movieId (sorted) with columns title, raw_title, alt_title,
    year (nullable Int64), genres and tags (tuples), overview, popularity (number of ratings),
    mean_rating. ``ratings`` holds every rating; ``positives`` those at or above the threshold.
    Models address items and users by position in ``item_ids`` and ``user_ids``.
    """

    def __init__(self, items: pd.DataFrame, ratings: pd.DataFrame, split: Split, fingerprint: str) -> None:
        self.items = items
        self.ratings = ratings
        self.split = split
        self.fingerprint = fingerprint
        self.item_ids: np.ndarray = items.index.to_numpy(dtype=np.int64)
        self.user_ids: np.ndarray = np.sort(ratings["user_id"].unique()).astype(np.int64)

    @cached_property
    def positives(self) -> pd.DataFrame:
        parts = [self.split.train, self.split.valid, self.split.test]
        return pd.concat(parts, ignore_index=True).sort_values(["user_id", "item_id"], ignore_index=True)

    @property
    def n_items(self) -> int:
        return len(self.item_ids)

    @property
    def n_users(self) -> int:
        return len(self.user_ids)

    @cached_property
    def genres(self) -> list[str]:
        """All genres in the catalog, sorted, without MovieLens' "(no genres listed)"."""
        return sorted({g for gs in self.items["genres"] for g in gs})

    @cached_property
    def years(self) -> np.ndarray:
        """Release years aligned with ``item_ids`` (float, NaN where unknown), for vectorised filters."""
        return self.items["year"].astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan)

    @cached_property
    def titles(self) -> np.ndarray:
        """Display titles aligned with ``item_ids``."""
        return self.items["title"].to_numpy(dtype=object)

    @cached_property
    def _genre_masks(self) -> dict[str, np.ndarray]:
        masks = {g: np.zeros(self.n_items, dtype=bool) for g in self.genres}
        for pos, genres in enumerate(self.items["genres"]):
            for g in genres:
                masks[g][pos] = True
        return masks

    def genre_mask(self, genre: str) -> np.ndarray:
        """Boolean mask over ``item_ids`` of the items carrying ``genre`` (all False for an unknown genre)."""
        mask = self._genre_masks.get(genre)
        return mask if mask is not None else np.zeros(self.n_items, dtype=bool)

    def has_item(self, item_id: int) -> bool:
        return int(item_id) in self.items.index

    @cached_property
    def _item_memo(self) -> dict[int, Item]:
        return {}

    def item(self, item_id: int) -> Item:
        """The item's record (memoised: a turn looks the same films up many times, and rows never change)."""
        memo = self._item_memo
        found = memo.get(item_id)  # numpy integers hash and compare as ints
        if found is None:
            found = memo[int(item_id)] = self._read_item(item_id)
        return found

    def _read_item(self, item_id: int) -> Item:
        try:
            row = self.items.loc[int(item_id)]
        except (KeyError, ValueError, OverflowError):
            raise UnknownItemError(int(item_id)) from None
        year = row["year"]
        return Item(
            item_id=int(item_id),
            title=row["title"],
            year=None if pd.isna(year) else int(year),
            genres=tuple(row["genres"]),
            tags=tuple(row["tags"]),
            overview=row["overview"],
            popularity=int(row["popularity"]),
            mean_rating=None if pd.isna(row["mean_rating"]) else float(row["mean_rating"]),
            raw_title=row["raw_title"],
            alt_title=None if pd.isna(row["alt_title"]) else row["alt_title"],
        )

    def item_index(self, item_ids: Iterable[int]) -> np.ndarray:
        """Positions of ``item_ids`` in ``item_ids``; raises UnknownItemError naming every unknown id."""
        ids = np.asarray(list(item_ids), dtype=np.int64)
        pos = np.searchsorted(self.item_ids, ids)
        pos_clipped = np.minimum(pos, self.n_items - 1)
        unknown = ids[(pos >= self.n_items) | (self.item_ids[pos_clipped] != ids)]
        if len(unknown):
            raise UnknownItemError([int(i) for i in unknown])
        return pos

    def user_index(self, user_id: int) -> int:
        pos = int(np.searchsorted(self.user_ids, user_id))
        if pos >= self.n_users or self.user_ids[pos] != user_id:
            raise UnknownUserError(int(user_id))
        return pos

    def has_user(self, user_id: int) -> bool:
        pos = int(np.searchsorted(self.user_ids, user_id))
        return pos < self.n_users and self.user_ids[pos] == user_id

    def user_positives(self, user_id: int, part: str = "all") -> np.ndarray:
        """Item ids the user rated positively, in ``part`` ("train", "valid", "test" or "all")."""
        self.user_index(user_id)
        frame = self.positives if part == "all" else getattr(self.split, part)
        return frame.loc[frame["user_id"] == user_id, "item_id"].to_numpy(dtype=np.int64)

    def user_ratings(self, user_id: int) -> pd.DataFrame:
        self.user_index(user_id)
        return self.ratings[self.ratings["user_id"] == user_id]

    def stats(self) -> dict[str, object]:
        """Counts, density, genre counts and year range, as ``whyrec catalog stats`` prints them."""
        years = self.items["year"].dropna()
        genre_counts = pd.Series([g for gs in self.items["genres"] for g in gs]).value_counts()
        n_ratings = len(self.ratings)
        return {
            "ratings": n_ratings,
            "users": self.n_users,
            "items": self.n_items,
            "positives": len(self.positives),
            "tags": int(self.items["tags"].map(len).sum()),
            "items_with_overview": int((self.items["overview"] != "").sum()),
            "density": round(n_ratings / (self.n_users * self.n_items), 6),
            "split": {
                "train": len(self.split.train),
                "valid": len(self.split.valid),
                "test": len(self.split.test),
            },
            "year_range": [int(years.min()), int(years.max())] if len(years) else None,
            "items_without_year": int(self.items["year"].isna().sum()),
            "genres": {str(k): int(v) for k, v in genre_counts.items()},
            "fingerprint": self.fingerprint,
        }
