"""Why an item is in the list a chat user saw: remove what they told us, re-run the same request, compare.

A chat user is known only by the films they liked or asked for ("something like The Matrix").
Their list comes from the hybrid pipeline (text match + LightGCN fold-in), so the honest "why" is
an intervention on that pipeline: re-run the *same* request without some of those films and see
whether the item leaves the top-k. The smallest such set is found greedily, strongest single
influence first (as in counterfactual explanation search, e.g. Tran et al. 2021,
https://arxiv.org/abs/2105.05008), and the final check is itself the re-ranking, so a reported
removal is verified by construction. ``rank_after`` is the item's rank in the same request's
top-``MAX_K`` list after the removal (None = below it, or no removal found, as in the contract).
"""

from __future__ import annotations

from dataclasses import replace

from pydantic import Field

from whyrec.errors import WhyrecError
from whyrec.tools.adapter import ToolResult
from whyrec.tools.identity import Identity
from whyrec.tools.items import MAX_K
from whyrec.tools.recommend import RecommendArgs, recommend
from whyrec.tools.resources import Resources

MAX_ANCHORS = 8  # singles tried; each is one pipeline run


class Ref(ToolResult):
    item_id: int
    title: str


class Influence(ToolResult):
    item_id: int
    title: str
    new_rank: int | None  # None = below the top MAX_K
    score_change: float | None  # None when it left the list


class ListExplanation(ToolResult):
    """The same fields as :class:`whyrec.causal.counterfactual.Explanation`, for the list the person saw."""

    item_id: int
    title: str
    k: int
    rank_before: int
    rank_after: int | None
    removal: list[Ref]
    found: bool
    verified: bool
    influences: list[Influence]
    max_size: int
    history_size: int
    scope: str = Field("your last list", description="which ranking rank_before refers to")


def _rank(
    resources: Resources, who: Identity, request: RecommendArgs, item_id: int, k: int
) -> tuple[int | None, float]:
    items = recommend(resources, who, request.model_copy(update={"k": k})).items
    return next(((n, it.score) for n, it in enumerate(items, 1) if it.item_id == item_id), (None, 0.0))


def explain_in_list(
    resources: Resources, identity: Identity, request: RecommendArgs, item_id: int, *, max_size: int = 10
) -> ListExplanation:
    """The smallest set of the person's liked/asked-for films without which ``item_id`` leaves ``request``'s top-k."""
    catalog, k = resources.catalog, request.k
    anchors = list(dict.fromkeys([*identity.liked, *(int(i) for i in request.like)]))
    rank_before, score_before = _rank(resources, identity, request, item_id, k)
    if rank_before is None:
        raise WhyrecError(
            f"{catalog.item(item_id).label} is not in your current top {k}; ask for recommendations first"
        )
    title = catalog.item(item_id).title
    if not anchors:  # nothing of theirs to remove: the words and popularity put it there
        return ListExplanation(
            item_id=item_id, title=title, k=k, rank_before=rank_before, rank_after=None, removal=[],
            found=False, verified=False, influences=[], max_size=max_size, history_size=0,
        )  # fmt: skip

    def without(removed: list[int]) -> tuple[Identity, RecommendArgs]:
        who = replace(
            identity,
            liked=tuple(a for a in identity.liked if a not in removed),
            disliked=(*identity.disliked, *removed),  # still seen, so still never recommended
        )
        return who, request.model_copy(update={"like": [a for a in request.like if a not in removed]})

    singles = []
    for anchor in anchors[:MAX_ANCHORS]:
        rank, score = _rank(resources, *without([anchor]), item_id, MAX_K)
        singles.append((anchor, rank, score))
    singles.sort(key=lambda s: -(s[1] or MAX_K + 1))
    removal: list[int] = []
    found = False
    for anchor, _, _ in singles[:max_size]:
        removal.append(anchor)
        if _rank(resources, *without(removal), item_id, k)[0] is None:
            found = True
            break
    rank_after = _rank(resources, *without(removal), item_id, MAX_K)[0] if found else None
    return ListExplanation(
        item_id=item_id,
        title=title,
        k=k,
        rank_before=rank_before,
        rank_after=rank_after,
        removal=[Ref(item_id=a, title=catalog.item(a).title) for a in removal] if found else [],
        found=found,
        verified=found,
        influences=[
            Influence(
                item_id=a,
                title=catalog.item(a).title,
                new_rank=r,
                score_change=None if r is None else round(s - score_before, 4),
            )
            for a, r, s in singles
        ],
        max_size=max_size,
        history_size=len(anchors),
    )
