"""Tiny catalogs and rankers for tests: real ``Catalog`` objects and a real PyG ``LightGCN``.

``make_tiny_catalog(3, 5, [(1, 1), (1, 2), (2, 2)])`` has users 1..3 and items 1..5, and
every edge (user_id, item_id) is a training positive (valid and test are empty unless given).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from whyrec.catalog.model import Catalog
from whyrec.catalog.split import Split
from whyrec.ranker.config import RankerConfig
from whyrec.ranker.graph import Interactions
from whyrec.ranker.scoring import Ranker
from whyrec.ranker.train import new_model, train_lightgcn

COLUMNS = ["user_id", "item_id", "rating", "timestamp"]


def _frame(edges: Sequence[tuple[int, int]]) -> pd.DataFrame:
    rows = [(int(u), int(i), 5.0, 0) for u, i in edges]
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.astype({"user_id": "int64", "item_id": "int64", "rating": "float32", "timestamp": "int64"})


def make_tiny_catalog(
    n_users: int,
    n_items: int,
    edges: list[tuple[int, int]],
    *,
    valid: Sequence[tuple[int, int]] = (),
    test: Sequence[tuple[int, int]] = (),
    fingerprint: str = "tiny",
) -> Catalog:
    """Users 1..n_users, items 1..n_items ("Item 1" ... with genre "Drama"), ``edges`` in train.

    Every user must have at least one interaction (train, valid or test), as in MovieLens.
    """
    ids = np.arange(1, n_items + 1)
    items = pd.DataFrame(
        {
            "title": [f"Item {i}" for i in ids],
            "raw_title": [f"Item {i} (2000)" for i in ids],
            "alt_title": [None] * n_items,
            "year": pd.array([2000] * n_items, dtype="Int64"),
            "genres": [("Drama",)] * n_items,
            "tags": [()] * n_items,
            "overview": [""] * n_items,
        },
        index=pd.Index(ids, name="item_id"),
    )
    train, valid_f, test_f = _frame(edges), _frame(valid), _frame(test)
    ratings = pd.concat([train, valid_f, test_f], ignore_index=True)
    missing = sorted(set(range(1, n_users + 1)) - set(ratings["user_id"]))
    if missing:
        raise ValueError(f"users {missing} have no interactions")
    counts = ratings.groupby("item_id").size()
    items["popularity"] = counts.reindex(items.index, fill_value=0).astype("int64")
    items["mean_rating"] = np.where(items["popularity"] > 0, 5.0, np.nan)
    return Catalog(items, ratings, Split(train, valid_f, test_f), fingerprint)


def random_edges(n_users: int, n_items: int, per_user: int, seed: int = 0) -> list[tuple[int, int]]:
    """``per_user`` distinct random items for each user."""
    rng = np.random.default_rng(seed)
    return [(u, int(i) + 1) for u in range(1, n_users + 1) for i in rng.choice(n_items, per_user, replace=False)]


def make_tiny_ranker(
    catalog: Catalog, dim: int = 8, layers: int = 2, seed: int = 0, train_epochs: int = 5, users: str = "learned"
) -> Ranker:
    """A LightGCN trained for ``train_epochs`` BPR epochs (0 = seeded initial weights) on the catalog's train split."""
    graph = Interactions.from_frame(catalog, catalog.split.train)
    config = RankerConfig(
        dim=dim,
        layers=layers,
        seed=seed,
        epochs=max(train_epochs, 1),
        batch_size=64,
        lr=0.05,
        users=users,  # type: ignore[arg-type]
    )
    model = new_model(graph, config) if train_epochs == 0 else train_lightgcn(graph, config).model
    return Ranker.from_model(catalog, model, graph)
