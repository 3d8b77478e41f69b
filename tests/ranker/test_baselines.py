"""Baselines against their closed forms on tiny matrices."""

from __future__ import annotations

import numpy as np
import torch

from whyrec.ranker.baselines import EASE, ItemKNN, LightGCNModel, MostPopular
from whyrec.ranker.config import RankerConfig
from whyrec.ranker.graph import Interactions

torch.set_num_threads(1)


def tiny_graph() -> Interactions:
    users = np.array([0, 0, 0, 1, 1, 2, 2, 3])
    items = np.array([0, 1, 2, 1, 2, 2, 3, 3])
    return Interactions(4, 5, users, items)


def test_most_popular_counts_training_edges() -> None:
    model = MostPopular()
    model.fit(tiny_graph(), None, 0)
    np.testing.assert_array_equal(model.scores(np.array([0, 3])), [[1, 2, 3, 2, 0]] * 2)


def test_item_knn_is_cosine_without_self_similarity() -> None:
    graph = tiny_graph()
    model = ItemKNN()
    model.fit(graph, None, 0)
    x = graph.matrix.toarray()
    norms = np.linalg.norm(x, axis=0)
    cos = (x.T @ x) / np.maximum(np.outer(norms, norms), 1e-12)
    np.fill_diagonal(cos, 0)
    np.testing.assert_allclose(model.scores(np.arange(4)), x @ cos, rtol=1e-5)


def test_ease_matches_the_closed_form() -> None:
    graph = tiny_graph()
    model = EASE()
    model.fit(graph, None, 0)
    x = graph.matrix.toarray()[:, :4]  # item 4 never occurs in training
    p = np.linalg.inv(x.T @ x + model.lam * np.eye(4))
    b = -p / np.diag(p)
    np.fill_diagonal(b, 0)
    expected = np.zeros((4, 5))
    expected[:, :4] = x @ b
    np.testing.assert_allclose(model.scores(np.arange(4)), expected, rtol=1e-4, atol=1e-7)


def test_ease_picks_lambda_on_validation() -> None:
    graph = tiny_graph()
    valid = Interactions(4, 5, np.array([1, 3]), np.array([0, 2])).matrix
    model = EASE()
    model.fit(graph, valid, 0)
    assert model.lam in EASE.grid


def test_lightgcn_model_scores_every_item() -> None:
    model = LightGCNModel(RankerConfig(dim=4, layers=1, epochs=2, batch_size=32))
    model.fit(tiny_graph(), None, 0)
    assert model.scores(np.array([0, 2])).shape == (2, 5)
