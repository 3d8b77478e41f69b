"""Hard constraints on recommended items: genres to include or exclude, a year range, ids to skip.

Genres come in three kinds: every one of ``genres_include`` ("a romantic comedy"), at least one of
``genres_any`` ("a comedy or a thriller", "I like drama, thriller and action"), none of ``genres_exclude``.

They are *hard*: the retriever turns them into a Chroma ``where`` filter and the hybrid pipeline
checks every result with :meth:`Constraints.admits`, so no output ever breaks one. An item with no
known year fails any year bound: when someone asks for "after 2010" we cannot vouch for an undated
film, and a wrong answer is worse than a shorter list.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from whyrec.errors import WhyrecError

if TYPE_CHECKING:
    from whyrec.catalog.model import Catalog, Item


class ConstraintError(WhyrecError):
    """Constraints that cannot be met by construction: an unknown genre, an empty year range."""


@dataclass(frozen=True)
class Constraints:
    """What every returned item must satisfy."""

    genres_include: tuple[str, ...] = ()  # an item must carry EVERY included genre
    genres_exclude: tuple[str, ...] = ()  # an item must carry NONE of these
    year_min: int | None = None
    year_max: int | None = None
    exclude_ids: tuple[int, ...] = ()
    genres_any: tuple[str, ...] = ()  # an item must carry AT LEAST ONE of these (none given: no such test)

    @classmethod
    def from_options(
        cls,
        genres_include: Iterable[str] | None = None,
        genres_exclude: Iterable[str] | None = None,
        year_min: int | None = None,
        year_max: int | None = None,
        genres_any: Iterable[str] | None = None,
    ) -> Constraints:
        """From optional command-line lists (typer gives None for an option that was not used)."""
        return cls(
            tuple(genres_include or ()),
            tuple(genres_exclude or ()),
            year_min,
            year_max,
            genres_any=tuple(genres_any or ()),
        )

    @property
    def has_year_bound(self) -> bool:
        return self.year_min is not None or self.year_max is not None

    @property
    def is_empty(self) -> bool:
        genres = self.genres_include or self.genres_any or self.genres_exclude
        return not (genres or self.has_year_bound or self.exclude_ids)

    def admits(self, item: Item) -> bool:
        """Whether ``item`` meets every constraint (items with no year fail any year bound)."""
        return self.admits_values(item.item_id, item.genres, item.year)

    def mask(self, catalog: Catalog) -> np.ndarray:
        """:meth:`admits` for every item at once: a boolean mask over ``catalog.item_ids``."""
        keep = np.ones(catalog.n_items, dtype=bool)
        for genre in self.genres_include:
            keep &= catalog.genre_mask(genre)
        for genre in self.genres_exclude:
            keep &= ~catalog.genre_mask(genre)
        if self.genres_any:
            keep &= np.logical_or.reduce([catalog.genre_mask(genre) for genre in self.genres_any])
        if self.has_year_bound:
            years = catalog.years
            keep &= ~np.isnan(years)
            if self.year_min is not None:
                keep &= years >= self.year_min
            if self.year_max is not None:
                keep &= years <= self.year_max
        if self.exclude_ids:
            ids = np.asarray(self.exclude_ids, dtype=np.int64)
            pos = np.minimum(np.searchsorted(catalog.item_ids, ids), catalog.n_items - 1)
            keep[pos[catalog.item_ids[pos] == ids]] = False
        return keep

    def admits_values(self, item_id: int, genres: tuple[str, ...] | list[str], year: int | None) -> bool:
        """:meth:`admits` on raw values, for callers that hold catalog rows rather than Items."""
        if int(item_id) in self.exclude_ids:
            return False
        if not set(self.genres_include) <= set(genres) or set(self.genres_exclude) & set(genres):
            return False
        if self.genres_any and not set(self.genres_any) & set(genres):
            return False
        if self.has_year_bound:
            if year is None:
                return False
            if self.year_min is not None and year < self.year_min:
                return False
            if self.year_max is not None and year > self.year_max:
                return False
        return True

    def validate(self, catalog: Catalog) -> Constraints:
        """The same constraints with canonical genre names; ConstraintError for what can never match.

        Genre names match case-insensitively ("sci-fi" -> "Sci-Fi"), so people and the planner need
        not know MovieLens' spelling. Unknown genres and an inverted year range are errors rather
        than empty results, because the user can fix them.
        """
        canonical = {g.lower(): g for g in catalog.genres}

        def canon(names: tuple[str, ...]) -> tuple[str, ...]:
            unknown = [n for n in names if n.strip().lower() not in canonical]
            if unknown:
                raise ConstraintError(
                    f"unknown genre{'s' if len(unknown) > 1 else ''}: {', '.join(repr(u) for u in unknown)} "
                    f"(known: {', '.join(catalog.genres)})"
                )
            return tuple(dict.fromkeys(canonical[n.strip().lower()] for n in names))

        include, exclude = canon(tuple(self.genres_include)), canon(tuple(self.genres_exclude))
        clash = sorted(set(include) & set(exclude))
        if clash:
            raise ConstraintError(f"genre both required and excluded: {', '.join(clash)}")
        either = tuple(g for g in canon(tuple(self.genres_any)) if g not in exclude)  # "comedy or horror, no horror"
        if self.genres_any and not either:
            raise ConstraintError(f"every genre of {_either(tuple(self.genres_any))} is also excluded")
        if self.year_min is not None and self.year_max is not None and self.year_min > self.year_max:
            raise ConstraintError(f"year_min {self.year_min} is after year_max {self.year_max}")
        return replace(
            self,
            genres_include=include,
            genres_exclude=exclude,
            exclude_ids=tuple(dict.fromkeys(int(i) for i in self.exclude_ids)),
            genres_any=either,
        )

    def with_excluded(self, item_ids: Iterable[int]) -> Constraints:
        """These constraints plus more ids to skip (seen or liked items)."""
        extra = [int(i) for i in item_ids]
        return replace(self, exclude_ids=tuple(dict.fromkeys([*self.exclude_ids, *extra])))

    def describe(self) -> list[str]:
        """Each active constraint as a person would say it ("only Comedy", "no Horror", "from 1996 on")."""
        parts: list[str] = []
        if self.genres_include:
            parts.append("only " + " and ".join(self.genres_include))
        if self.genres_any:
            parts.append("only " + _either(self.genres_any))
        if self.genres_exclude:
            parts.append("no " + _either(self.genres_exclude))
        if self.year_min is not None and self.year_max is not None:
            parts.append(f"from {self.year_min} to {self.year_max}" if self.year_min != self.year_max else
                         f"from {self.year_min}")  # fmt: skip
        elif self.year_min is not None:
            parts.append(f"from {self.year_min} on")
        elif self.year_max is not None:
            parts.append(f"up to {self.year_max}")
        return parts


def _either(names: tuple[str, ...]) -> str:
    """ "Horror", "Horror or Musical", "Horror, Musical or War"."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
