"""Catalog tools: find items by text and filters, and look one item up by id or title."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, WithJsonSchema

from whyrec.catalog.constraints import Constraints
from whyrec.catalog.model import Catalog, Item
from whyrec.tools.adapter import ToolResult
from whyrec.tools.films import FilmArgs, FilmRef
from whyrec.tools.identity import Identity
from whyrec.tools.resources import Resources

YEAR_MIN, YEAR_MAX = 1870, 2030  # cinema's first films to a little past the catalog's end
MAX_K = 50
MOVIELENS_GENRES = (
    "Action", "Adventure", "Animation", "Children", "Comedy", "Crime", "Documentary", "Drama", "Fantasy",
    "Film-Noir", "Horror", "IMAX", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western",
)  # fmt: skip
# A genre as the model sees it: one of MovieLens's names (case and catalog are checked when the tool runs).
Genre = Annotated[str, WithJsonSchema({"type": "string", "enum": list(MOVIELENS_GENRES)})]


class ConstraintArgs(FilmArgs):
    """Hard filters shared by search and recommendation."""

    genres_include: list[Genre] = Field(default_factory=list, max_length=5, description="genres every film must have")
    genres_any: list[Genre] = Field(
        default_factory=list,
        max_length=10,
        description='genres asked for as alternatives ("a comedy or a thriller"): every film has at least one',
    )
    genres_exclude: list[Genre] = Field(default_factory=list, max_length=10, description="genres no film may have")
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
            genres_any=tuple(self.genres_any),
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
    score: float  # the blend the list is ordered by, in [0, 1]
    reasons: list[str] = Field(default_factory=list)  # in words, built from facts; no scores
    semantic: float | None = None  # cosine similarity to the request's words / liked films
    gcn: float | None = None  # the LightGCN score


def item_out(
    catalog: Catalog,
    item_id: int,
    score: float,
    reasons: tuple[str, ...] | list[str] = (),
    semantic: float | None = None,
    gcn: float | None = None,
) -> ItemOut:
    rounded = [None if v is None else round(float(v), 4) for v in (semantic, gcn)]
    return ItemOut(
        **ItemFacts.of(catalog.item(item_id)), score=round(float(score), 4), reasons=list(reasons),
        semantic=rounded[0], gcn=rounded[1],
    )  # fmt: skip


class SearchArgs(ConstraintArgs):
    query: str = Field("", max_length=500, description="what to look for, in words; empty = filters only")
    k: int = Field(10, ge=1, le=MAX_K, description="how many items")


class SearchResult(ToolResult):
    query: str
    items: list[ItemOut]
    constraints: list[str]


def search_items(resources: Resources, identity: Identity, args: SearchArgs) -> SearchResult:
    """Search or list the catalog by words and filters, only when the person asks to search or list.

    Not personalised: for suggestions to watch, use recommend.
    """
    catalog = resources.catalog
    constraints = args.constraints(catalog)
    hits = resources.index.search(args.query.strip(), args.k, constraints=constraints)
    return SearchResult(
        query=args.query,
        items=[item_out(catalog, h.item_id, h.score) for h in hits],
        constraints=constraints.describe(),
    )


class LookupArgs(FilmArgs):
    FILMS = ("item",)
    item: FilmRef = Field(..., description="the film")


class ItemDetails(ItemFacts):
    overview: str
    tags: list[str]
    mean_rating: float | None
    ratings: int


def lookup_item(resources: Resources, identity: Identity, args: LookupArgs) -> ItemDetails:
    """Facts about one film: year, genres, plot overview, tags and mean rating."""
    item = resources.catalog.item(int(args.item))
    return ItemDetails(
        **ItemFacts.of(item),
        overview=item.overview[:600],
        tags=list(item.tags[:10]),
        mean_rating=None if item.mean_rating is None else round(item.mean_rating, 2),
        ratings=item.popularity,
    )
