"""A tiny MovieLens-like graph with two genres, shared by the counterfactual and what-if tests."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from tests.ranker.tiny import make_tiny_catalog, make_tiny_ranker, random_edges
from whyrec.catalog.constraints import Constraints
from whyrec.catalog.model import Catalog
from whyrec.ranker.scoring import Ranker

N_USERS, N_ITEMS = 12, 16
COMEDIES = frozenset(range(1, 9))  # items 1..8 are comedies (2 and 3 also dramas), 9..16 dramas


def tiny_catalog() -> Catalog:
    catalog = make_tiny_catalog(N_USERS, N_ITEMS, random_edges(N_USERS, N_ITEMS, 5, seed=3))
    catalog.items["genres"] = [
        ("Comedy", "Drama") if i in (2, 3) else ("Comedy",) if i in COMEDIES else ("Drama",)
        for i in catalog.items.index
    ]
    return catalog


def tiny_ranker() -> Ranker:
    return make_tiny_ranker(tiny_catalog(), dim=8, layers=2, seed=0, train_epochs=3)


class TinyIndex:
    """A retriever over the tiny catalog: each film's vector is its genre plus a little of its id."""

    def __init__(self, ranker: Ranker) -> None:
        ids = ranker.catalog.item_ids
        genres = ranker.catalog.items["genres"]
        vec = np.stack([[float("Comedy" in genres[i]), float("Drama" in genres[i]), 0.1 * i / len(ids)] for i in ids])
        self.ids, self.unit = ids, vec / np.linalg.norm(vec, axis=1, keepdims=True)

    def vectors(self, item_ids: Sequence[int]) -> np.ndarray:
        return self.unit[np.searchsorted(self.ids, np.asarray(item_ids))]

    def encode(self, text: str) -> np.ndarray:
        v = np.array([float("funny" in text), float("sad" in text), 0.0]) + 1e-3
        return v / np.linalg.norm(v)

    def _nearest(self, target: np.ndarray, k: int, constraints: Constraints, skip: Sequence[int] = ()) -> list[Any]:
        order = np.argsort(-(self.unit @ target), kind="stable")
        hidden = {*constraints.exclude_ids, *skip}
        return [_Hit(int(self.ids[p])) for p in order if int(self.ids[p]) not in hidden][:k]

    def search(self, query: str, k: int = 10, *, constraints: Constraints = Constraints()) -> list[Any]:
        return self._nearest(self.encode(query), k, constraints)

    def more_like(self, item_ids: Sequence[int], k: int = 10, *, constraints: Constraints = Constraints()) -> list[Any]:
        centre = self.vectors(item_ids).mean(axis=0)
        return self._nearest(centre, k, constraints, item_ids)


class _Hit:
    def __init__(self, item_id: int) -> None:
        self.item_id = item_id
