"""Causal tools on the ranker: why an item is recommended, and what would change under an intervention.

Both are real interventions on the LightGCN graph (edges removed or added, embeddings
re-propagated, no retraining), computed by :mod:`whyrec.causal.removal_search` (checked by
:mod:`whyrec.causal.verify`) and :mod:`whyrec.causal.whatif`; these adapters only bound the
arguments and pick the person and the list they saw.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Literal

from pydantic import Field, model_validator

from whyrec.causal.removal_search import ShownList
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
    from whyrec.causal.removal_search import explain_shown
    from whyrec.causal.verify import verify

    settings = resources.config.causal
    shown = shown_list(resources, identity, args.k)
    item = int(args.item)
    if item in identity.last_items:  # explained against the list the person saw, at least to the film's place
        shown = replace(shown, k=max(shown.k, identity.last_items.index(item) + 1))
    found = explain_shown(
        resources.ranker, resources.index, identity.user, item, shown,
        max_size=settings.explain_max_size, m=settings.influences_shown,
    )  # fmt: skip
    return verify(resources.ranker, resources.index, identity.user, shown, found)


def shown_list(resources: Resources, identity: Identity, k: int) -> ShownList:
    """The request behind the list the person last saw (their plain recommendations if they saw none)."""
    from whyrec.tools.recommend import RecommendArgs, request_of

    hybrid, prior, named, asked = resources.config.hybrid, resources.prior, identity.excluded, identity.genres_asked
    if identity.last_request is None:
        return ShownList(k=k, config=hybrid, prior=prior, named=named, asked=asked, topic=identity.topic)
    args = RecommendArgs.model_validate(identity.last_request)
    request = request_of(resources, identity, args)
    query, like, topic = request.query, tuple(request.like), identity.last_topic
    return ShownList(query, like, request.constraints, args.k, hybrid, prior, named, asked, topic)


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
