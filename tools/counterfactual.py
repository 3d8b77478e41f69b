"""Causal tools on the ranker: why an item is recommended, and what would change under an intervention.

Both are real interventions on the LightGCN graph (edges removed or added, embeddings
re-propagated, no retraining), computed by :mod:`whyrec.causal.counterfactual` and
:mod:`whyrec.causal.whatif`; these adapters only bound the arguments and pick the person.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from whyrec.tools.adapter import ToolArgs
from whyrec.tools.identity import Identity
from whyrec.tools.items import MAX_K
from whyrec.tools.resources import Resources


class ExplainArgs(ToolArgs):
    item_id: int = Field(..., ge=0, description="MovieLens movieId of a recommended item")
    k: int = Field(10, ge=1, le=MAX_K, description="the top-k list the item is in")


def explain_recommendation(resources: Resources, identity: Identity, args: ExplainArgs) -> Any:
    """Why this item is recommended: the smallest set of the person's own ratings without which it leaves the top-k.

    Verified by re-ranking without them; also lists the single most influential ratings.
    """
    from whyrec.causal.counterfactual import explain

    settings = resources.config.causal
    return explain(
        resources.ranker,
        identity.user,
        args.item_id,
        k=args.k,
        max_size=settings.explain_max_size,
        beam=settings.explain_beam,
        m=settings.influences_shown,
    )


class WhatIfArgs(ToolArgs):
    kind: Literal["remove", "add", "more_genre", "exclude_genre"] = Field(
        ..., description="remove/add ratings of item_ids, or watch more of / exclude a genre"
    )
    item_ids: list[int] = Field(default_factory=list, max_length=20, description="movieIds for remove/add")
    genre: str | None = Field(None, max_length=40, description="genre for more_genre/exclude_genre")
    k: int = Field(10, ge=1, le=MAX_K, description="length of the lists compared")

    @model_validator(mode="after")
    def _needs_target(self) -> WhatIfArgs:
        if self.kind in ("remove", "add") and not self.item_ids:
            raise ValueError(f"kind {self.kind!r} needs item_ids")
        if self.kind in ("more_genre", "exclude_genre") and not self.genre:
            raise ValueError(f"kind {self.kind!r} needs a genre")
        return self


def simulate_intervention(resources: Resources, identity: Identity, args: WhatIfArgs) -> Any:
    """What would this person's recommendations be if they had (not) rated some items, or watched more/less of a genre.

    Returns the top-k before and after, and which items entered, left or moved.
    """
    from whyrec.causal.whatif import what_if

    return what_if(resources.ranker, identity.user, args.kind, item_ids=args.item_ids, genre=args.genre, k=args.k, n=5)
