"""Catalog tools: find items by text and filters, and look one item up by id or title."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from pydantic import Field

from whyrec.catalog.constraints import Constraints
from whyrec.catalog.model import Catalog, Item
from whyrec.catalog.titles import normalize, parse_title
from whyrec.errors import WhyrecError
from whyrec.tools.adapter import ToolArgs, ToolResult
from whyrec.tools.identity import Identity
from whyrec.tools.resources import Resources

YEAR_MIN, YEAR_MAX = 1870, 2030  # cinema's first films to a little past the catalog's end
MAX_K = 50


class ConstraintArgs(ToolArgs):
    """Hard filters shared by search and recommendation."""

    genres_include: list[str] = Field(default_factory=list, max_length=10, description="genres every item must have")
    genres_exclude: list[str] = Field(default_factory=list, max_length=20, description="genres no item may have")
    year_min: int | None = Field(None, ge=YEAR_MIN, le=YEAR_MAX, description="earliest release year")
    year_max: int | None = Field(None, ge=YEAR_MIN, le=YEAR_MAX, description="latest release year")

    def constraints(self, catalog: Catalog, exclude_ids: tuple[int, ...] = ()) -> Constraints:
        """Validated constraints (canonical genre names; ConstraintError when they can never match)."""
        return Constraints(
            genres_include=tuple(self.genres_include),
            genres_exclude=tuple(self.genres_exclude),
            year_min=self.year_min,
            year_max=self.year_max,
            exclude_ids=exclude_ids,
        ).validate(catalog)


class ItemFacts(ToolResult):
    """What every item in a tool result says about itself."""

    item_id: int
    title: str
    year: int | None
    genres: list[str]

    @staticmethod
    def of(item: Item) -> dict[str, Any]:
        return {"item_id": item.item_id, "title": item.title, "year": item.year, "genres": list(item.genres)}


class ItemOut(ItemFacts):
    score: float
    reasons: list[str] = Field(default_factory=list)


def item_out(catalog: Catalog, item_id: int, score: float, reasons: tuple[str, ...] | list[str] = ()) -> ItemOut:
    return ItemOut(**ItemFacts.of(catalog.item(item_id)), score=round(float(score), 4), reasons=list(reasons))


class SearchArgs(ConstraintArgs):
    query: str = Field("", max_length=500, description="what to look for, in words; empty = filters only")
    k: int = Field(10, ge=1, le=MAX_K, description="how many items")


class SearchResult(ToolResult):
    query: str
    items: list[ItemOut]
    constraints: list[str]


def search_items(resources: Resources, identity: Identity, args: SearchArgs) -> SearchResult:
    """Find catalog items whose text matches a query, under optional genre and year filters.

    Not personalised; use recommend for suggestions for this person.
    """
    catalog = resources.catalog
    constraints = args.constraints(catalog)
    hits = resources.index.search(args.query.strip(), args.k, constraints=constraints)
    return SearchResult(
        query=args.query,
        items=[item_out(catalog, h.item_id, h.score) for h in hits],
        constraints=constraints.describe(),
    )


class LookupArgs(ToolArgs):
    item_id: int | None = Field(None, ge=0, description="MovieLens movieId")
    title: str | None = Field(None, max_length=300, description="a title, optionally with its year")


class ItemDetails(ItemFacts):
    overview: str
    tags: list[str]
    mean_rating: float | None
    ratings: int


@lru_cache(maxsize=4)
def title_keys(catalog: Catalog) -> dict[str, list[int]]:
    """Normalised display and raw titles -> item ids, built once per catalog."""
    keys: dict[str, list[int]] = {}
    for item_id, title, raw in zip(
        catalog.items.index, catalog.items["title"], catalog.items["raw_title"], strict=True
    ):
        for key in {normalize(title), normalize(parse_title(raw).title)}:
            keys.setdefault(key, []).append(int(item_id))
    return keys


def find_by_title(catalog: Catalog, title: str) -> int:
    """The id of the item with this (normalised) title and year if given; the most rated one when several match."""
    parsed = parse_title(title)
    ids = title_keys(catalog).get(normalize(parsed.title), [])
    if parsed.year is not None:
        ids = [i for i in ids if catalog.item(i).year == parsed.year]
    if not ids:
        raise WhyrecError(f"no item titled {title!r} in the catalog")
    return max(ids, key=lambda i: catalog.item(i).popularity)


def lookup_item(resources: Resources, identity: Identity, args: LookupArgs) -> ItemDetails:
    """Details of one item (year, genres, overview, rating) by MovieLens id or by exact title."""
    catalog = resources.catalog
    if args.item_id is None and not (args.title or "").strip():
        raise WhyrecError("lookup_item needs an item_id or a title")
    item_id = args.item_id if args.item_id is not None else find_by_title(catalog, args.title or "")
    item = catalog.item(item_id)
    return ItemDetails(
        **ItemFacts.of(item),
        overview=item.overview[:600],
        tags=list(item.tags[:10]),
        mean_rating=None if item.mean_rating is None else round(item.mean_rating, 2),
        ratings=item.popularity,
    )
