"""The interaction graph: edges from catalog frames, with each edge's rating kept beside it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tests.ranker.tiny import make_tiny_catalog
from whyrec.ranker.graph import Interactions


def test_from_frame_sorts_and_deduplicates_edges_and_keeps_each_edges_rating() -> None:
    catalog = make_tiny_catalog(3, 4, [(1, 1), (2, 1), (3, 1)])
    frame = pd.DataFrame({"user_id": [3, 1, 2, 1, 3], "item_id": [2, 4, 1, 4, 1], "rating": [4.0, 5.0, 4.5, 4.0, 3.5]})
    graph = Interactions.from_frame(catalog, frame)
    assert list(zip(graph.users.tolist(), graph.items.tolist(), strict=True)) == [(0, 3), (1, 0), (2, 0), (2, 1)]
    assert graph.ratings is not None
    assert graph.ratings.tolist() == [5.0, 4.5, 3.5, 4.0]  # (1, 4) appears twice: the first rating is kept


def test_from_frame_without_ratings_and_user_subsets() -> None:
    catalog = make_tiny_catalog(3, 4, [(1, 1), (2, 1), (3, 1)])
    bare = Interactions.from_frame(catalog, pd.DataFrame({"user_id": [2, 1], "item_id": [3, 3]}))
    assert bare.ratings is None
    rated = Interactions.from_frame(
        catalog, pd.DataFrame({"user_id": [1, 2, 2], "item_id": [1, 2, 3], "rating": [4.0, 4.5, 5.0]})
    )
    part = rated.subset_users(np.array([False, True, False]))
    assert part.items.tolist() == [1, 2]
    assert part.ratings is not None and part.ratings.tolist() == [4.5, 5.0]
    empty = Interactions.from_frame(catalog, pd.DataFrame({"user_id": [], "item_id": [], "rating": []}))
    assert len(empty) == 0 and empty.ratings is not None and len(empty.ratings) == 0
