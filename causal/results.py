"""Frozen results of the counterfactual tools: everything a grounded sentence needs, nothing more.

They serialise with :func:`dataclasses.asdict` (tools, ``--json``, the agent's replies).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

WhatIfKind = Literal["remove", "add", "more_genre", "exclude_genre"]


@dataclass(frozen=True)
class ItemRef:
    item_id: int
    title: str


@dataclass(frozen=True)
class Influence:
    """The effect of removing this one edge alone on the explained item.

    ``margin_change`` is how its lead over the k-th other film (the cut-off it must fall below to leave
    the list) changes; negative moves it towards leaving. Not its own score: the blend is min-max
    normalised over the candidates, so the list's first film scores 1.0 whatever is removed.
    """

    item_id: int
    title: str
    new_rank: int
    margin_change: float


@dataclass(frozen=True)
class Explanation:
    """A minimal set of the user's own interactions without which ``item_id`` leaves the top-``k``."""

    item_id: int
    title: str
    k: int
    rank_before: int
    rank_after: int | None  # rank after removing `removal` (None if not found)
    removal: tuple[ItemRef, ...]
    found: bool
    verified: bool
    influences: tuple[Influence, ...]
    max_size: int
    history_size: int
    history: Literal["ratings", "chat"] = "ratings"  # the person's MovieLens ratings, or films named in the chat
    # When no set within max_size works: how many of their most supportive films (by the estimate) do
    # take it out, the smallest tried (an upper bound, not a minimum); None if even all of them do not.
    takes: int | None = None


@dataclass(frozen=True)
class RankedItem:
    item_id: int
    title: str
    rank: int
    score: float


@dataclass(frozen=True)
class Move:
    """An item whose place in the top-k changed; ranks are over the full list (None = hidden from it)."""

    item_id: int
    title: str
    rank_before: int | None
    rank_after: int | None
    cause: str


@dataclass(frozen=True)
class WhatIf:
    kind: WhatIfKind
    description: str
    k: int
    intervened: tuple[ItemRef, ...]  # edges removed/added
    before: tuple[RankedItem, ...]
    after: tuple[RankedItem, ...]
    entered: tuple[Move, ...]
    left: tuple[Move, ...]
    moved: tuple[Move, ...]
