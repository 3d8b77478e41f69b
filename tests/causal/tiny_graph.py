"""A tiny MovieLens-like graph with two genres, shared by the counterfactual and what-if tests."""

from __future__ import annotations

from tests.ranker.tiny import make_tiny_catalog, make_tiny_ranker, random_edges
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
