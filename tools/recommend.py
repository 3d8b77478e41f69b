"""The recommend tool: the hybrid pipeline (text match + LightGCN) for the session's person."""

from __future__ import annotations

from pydantic import Field

from whyrec.tools.adapter import ToolResult
from whyrec.tools.identity import Identity
from whyrec.tools.items import MAX_K, ConstraintArgs, ItemOut, item_out
from whyrec.tools.resources import Resources


class RecommendArgs(ConstraintArgs):
    query: str | None = Field(None, max_length=500, description="what the person wants, in words")
    like_item_ids: list[int] = Field(
        default_factory=list, max_length=20, description="movieIds to find similar items to"
    )
    k: int = Field(10, ge=1, le=MAX_K, description="how many items")


class Recommendations(ToolResult):
    items: list[ItemOut]
    requested_k: int
    like_item_ids: list[int]
    constraints: list[str]
    note: str | None = None
    fallback: str | None = None


def recommend(resources: Resources, identity: Identity, args: RecommendArgs) -> Recommendations:
    """Personal recommendations for this person, optionally like given items and under genre/year filters.

    Never returns an item the person already rated, liked or disliked, nor one breaking a filter.
    """
    from whyrec.ranker.hybrid import hybrid_recommend

    catalog = resources.catalog
    like_ids = list(dict.fromkeys(args.like_item_ids))
    catalog.item_index(like_ids)  # UnknownItemError naming every unknown id
    constraints = args.constraints(catalog, exclude_ids=identity.excluded)
    result = hybrid_recommend(
        resources.ranker,
        resources.index,
        identity.user,
        query=(args.query or "").strip() or None,
        like_ids=like_ids,
        constraints=constraints,
        k=args.k,
        config=resources.config.hybrid,
    )
    return Recommendations(
        items=[item_out(catalog, it.item_id, it.score, it.reasons) for it in result.items],
        requested_k=result.requested_k,
        like_item_ids=like_ids,
        constraints=constraints.describe(),
        note=result.note,
        fallback=result.fallback,
    )
