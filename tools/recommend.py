"""The recommend tool: the hybrid pipeline (text match + LightGCN) for the session's person."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from pydantic import Field

from whyrec.catalog.constraints import Constraints
from whyrec.catalog.model import Catalog
from whyrec.catalog.titles import normalize
from whyrec.tools.adapter import ToolResult
from whyrec.tools.films import FilmRef
from whyrec.tools.identity import Identity
from whyrec.tools.items import MAX_K, ConstraintArgs, ItemOut, item_out
from whyrec.tools.resources import Resources

ARTICLES = ("the ", "a ", "an ")
MIN_STEM = 5  # one-word titles shorter than this ("Heat", "Up") match too much to mark a series


def _core(title: str) -> str:
    """The series part of a title, normalised: "The Matrix" -> "matrix", "Star Wars: Episode IV" -> "star wars"."""
    text = normalize(title.split(":")[0])
    for article in ARTICLES:
        if text.startswith(article):
            return text[len(article) :]
    return text


@lru_cache(maxsize=4)
def _titles(catalog: Catalog) -> tuple[tuple[int, str, tuple[str, ...]], ...]:
    rows = []
    for item_id, title in zip(catalog.items.index, catalog.items["title"], strict=True):
        text = normalize(title)
        rows.append((int(item_id), f" {text} ", tuple(text.split())))
    return tuple(rows)


def same_series(catalog: Catalog, item_ids: Sequence[int]) -> list[int]:
    """Items that look like the same series as ``item_ids`` by title ("The Matrix Reloaded", "The Animatrix").

    "Something like The Matrix" asks for other films, not its sequels, which a text and taste match
    would otherwise put first. A title matches when it contains the liked title's words (before any
    colon), or, for a one-word title of at least MIN_STEM letters, has a word ending or starting with it.
    Short one-word titles ("Heat", "Up") would match unrelated films and mark no series.
    """
    cores = [_core(catalog.item(i).title) for i in item_ids]
    multi = [f" {c} " for c in cores if " " in c]
    single = [c for c in cores if " " not in c and len(c) >= MIN_STEM]
    return [
        item_id
        for item_id, padded, words in _titles(catalog)
        if any(c in padded for c in multi) or any(w.endswith(c) or w.startswith(c) for c in single for w in words)
    ]


class RecommendArgs(ConstraintArgs):
    FILMS = ("like",)
    like: list[FilmRef] = Field(
        default_factory=list, max_length=10, description="films the person wants similar ones to"
    )
    query: str | None = Field(None, max_length=200, description="the topic asked for, in the person's words")
    k: int = Field(10, ge=1, le=MAX_K, description="how many films, if the person said")


class Recommendations(ToolResult):
    items: list[ItemOut]
    requested_k: int
    like_item_ids: list[int]
    constraints: list[str]
    same_series_left_out: int = 0
    note: str | None = None
    fallback: str | None = None
    topic: str | None = None  # the conversation's last turns the list was made with, so that a "why" remakes it


@dataclass(frozen=True)
class Request:
    """A recommend call as the pipeline runs it; a "why" remakes the same list from it."""

    query: str | None
    like: list[int]
    constraints: Constraints
    series_left_out: int  # sequels of the liked films, left out ("like The Matrix" asks for other films)


def request_of(resources: Resources, identity: Identity, args: RecommendArgs) -> Request:
    catalog = resources.catalog
    like_ids = list(dict.fromkeys(int(i) for i in args.like))
    catalog.item_index(like_ids)  # UnknownItemError naming every unknown id
    series = [i for i in same_series(catalog, like_ids) if i not in like_ids]
    constraints = args.constraints(catalog, exclude_ids=(*identity.excluded, *series))
    return Request((args.query or "").strip() or None, like_ids, constraints, len(series))


def recommend(resources: Resources, identity: Identity, args: RecommendArgs) -> Recommendations:
    """Recommend films to this person, optionally like given films, about a topic, under genre and year filters.

    Never returns a film the person already rated, liked or disliked, nor one breaking a filter.
    """
    from whyrec.ranker.hybrid import hybrid_recommend

    catalog = resources.catalog
    request = request_of(resources, identity, args)
    result = hybrid_recommend(
        resources.ranker,
        resources.index,
        identity.user,
        query=request.query,
        like_ids=request.like,
        constraints=request.constraints,
        k=args.k,
        config=resources.config.hybrid,
        prior=resources.prior,
        named=identity.excluded,
        asked=identity.genres_asked,
        topic=identity.topic,
    )
    return Recommendations(
        items=[item_out(catalog, it.item_id, it.score, it.reasons, it.semantic, it.gcn) for it in result.items],
        requested_k=result.requested_k,
        like_item_ids=request.like,
        constraints=request.constraints.describe(),
        same_series_left_out=request.series_left_out,
        note=result.note,
        fallback=result.fallback,
        topic=identity.topic,
    )
