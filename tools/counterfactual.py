"""Causal tools on the ranker: why an item is recommended, and what would change under an intervention.

Both are real interventions on the LightGCN graph (edges removed or added, embeddings
re-propagated, no retraining), computed by :mod:`whyrec.causal.counterfactual` and
:mod:`whyrec.causal.whatif`; these adapters only bound the arguments and pick the person.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from whyrec.errors import WhyrecError
from whyrec.tools.films import FilmArgs, FilmRef
from whyrec.tools.identity import Identity
from whyrec.tools.items import MAX_K, Genre
from whyrec.tools.resources import Resources


class ExplainArgs(FilmArgs):
    FILMS = ("item",)
    item: FilmRef = Field(..., description="the recommended film")
    k: int = Field(10, ge=1, le=MAX_K, description="the length of the list it is in")


def explain_recommendation(resources: Resources, identity: Identity, args: ExplainArgs) -> Any:
    """Why a film is recommended: the fewest of the person's own films without which it leaves their list.

    Verified by re-ranking without them; also lists the single most influential films.
    """
    k = None if identity.user_id is None else explained_k(resources, identity, args)
    if k is None:
        # A chat user, or a MovieLens user whose item came from the text match rather than their
        # taste (below their own LightGCN top-MAX_K): intervene on the list they saw instead.
        from whyrec.tools.list_counterfactual import explain_in_list
        from whyrec.tools.recommend import RecommendArgs

        request = RecommendArgs.model_validate(identity.last_request or {"k": args.k})
        return explain_in_list(
            resources, identity, request, int(args.item), max_size=resources.config.causal.explain_max_size
        )
    try:
        from whyrec.causal.counterfactual import explain
    except ImportError:
        raise WhyrecError("counterfactual explanations for MovieLens users are not installed here") from None

    settings = resources.config.causal
    return explain(
        resources.ranker,
        identity.user,
        int(args.item),
        k=k,
        max_size=settings.explain_max_size,
        beam=settings.explain_beam,
        m=settings.influences_shown,
    )


def explained_k(resources: Resources, identity: Identity, args: ExplainArgs) -> int | None:
    """The list length to explain against: ``k``, or the item's own rank when it is lower but within MAX_K.

    None when the item is below the person's LightGCN top-MAX_K and a last list exists to explain it in.

    A recommended item got there by the hybrid blend (text match + taste); its rank in the person's
    own LightGCN ranking can be below ``k``. Explaining against a list that ends at that rank keeps
    the counterfactual honest ("without X it falls from #14 to #60") instead of refusing.
    """
    ranking = resources.ranker.recommend(identity.user, k=MAX_K)
    rank = next((s.rank for s in ranking.items if s.item_id == int(args.item)), None)
    if rank is None:
        return None if identity.last_request else args.k
    return max(args.k, rank)


class WhatIfArgs(FilmArgs):
    FILMS = ("items",)
    kind: Literal["remove", "add", "more_genre", "exclude_genre"] = Field(
        ..., description="remove: had not watched the items; add: had watched them; more_genre / exclude_genre"
    )
    items: list[FilmRef] = Field(default_factory=list, max_length=10, description="films for remove / add")
    genre: Genre | None = Field(None, max_length=40, description="the genre for more_genre / exclude_genre")
    k: int = Field(10, ge=1, le=MAX_K, description="length of the lists compared")

    @model_validator(mode="after")
    def _needs_target(self) -> WhatIfArgs:
        if self.kind in ("remove", "add") and not self.items:
            raise ValueError(f"kind {self.kind!r} needs items")
        if self.kind in ("more_genre", "exclude_genre") and not self.genre:
            raise ValueError(f"kind {self.kind!r} needs a genre")
        return self


def simulate_intervention(resources: Resources, identity: Identity, args: WhatIfArgs) -> Any:
    """What this person's recommendations would be if they had (not) watched some films, or more / none of a genre.

    Returns the list before and after, and which films entered, left or moved.
    """
    from whyrec.causal.whatif import what_if

    items = [int(i) for i in args.items]
    return what_if(resources.ranker, identity.user, args.kind, item_ids=items, genre=args.genre, k=args.k, n=5)
