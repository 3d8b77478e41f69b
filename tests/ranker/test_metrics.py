"""Metrics against hand-computed examples."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from whyrec.ranker.metrics import popularity_percentile, ranking_metrics, top_k


def test_top_k_masks_and_breaks_ties_by_position() -> None:
    scores = np.array([[0.1, 0.9, 0.9, 0.5], [1.0, 0.0, 0.2, 0.3]])
    exclude = sp.csr_matrix(np.array([[0, 0, 0, 1], [1, 0, 0, 0]]))
    np.testing.assert_array_equal(top_k(scores, exclude, 3), [[1, 2, 0], [3, 2, 1]])
    np.testing.assert_array_equal(top_k(scores, None, 10), [[1, 2, 3, 0], [0, 3, 2, 1]])


def test_popularity_percentile() -> None:
    np.testing.assert_allclose(popularity_percentile(np.array([10, 0, 5, 5, 1])), [1.0, 0.0, 0.5, 0.5, 0.25])


def test_ranking_metrics_by_hand() -> None:
    # user 0 holds out items {1, 3}, user 1 item {4}, user 2 nothing (skipped)
    truth = sp.csr_matrix(np.array([[0, 1, 0, 1, 0], [0, 0, 0, 0, 1], [0, 0, 0, 0, 0]]))
    top = np.array([[3, 0, 1], [0, 1, 2], [4, 3, 2]])
    popularity = np.array([10, 0, 5, 5, 1])
    m = ranking_metrics(top, truth, popularity)
    ndcg_user0 = (1 + 1 / np.log2(4)) / (1 + 1 / np.log2(3))  # hits at ranks 1 and 3, two relevant
    assert m["recall@10"] == pytest.approx(0.5)  # (2/2 + 0/1) / 2
    assert m["recall@20"] == pytest.approx(0.5)
    assert m["ndcg@10"] == pytest.approx(ndcg_user0 / 2)
    assert m["ndcg@20"] == pytest.approx(ndcg_user0 / 2)
    assert m["hr@10"] == pytest.approx(0.5)
    assert m["coverage@20"] == pytest.approx(4 / 5)  # items 0..3 appear in the evaluated users' lists
    assert m["popularity@20"] == pytest.approx((0.5 + 1 + 0 + 1 + 0 + 0.5) / 6)


def test_ndcg_cuts_at_k() -> None:
    truth = sp.csr_matrix(np.eye(1, 30, 15))  # one held-out item, ranked 16th
    top = np.arange(30)[None, :]
    m = ranking_metrics(top, truth, np.ones(30))
    assert m["ndcg@10"] == 0.0 and m["recall@10"] == 0.0 and m["hr@10"] == 0.0
    assert m["ndcg@20"] == pytest.approx(1 / np.log2(17))
    assert m["recall@20"] == 1.0
