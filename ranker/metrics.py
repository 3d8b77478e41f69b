"""Full-ranking metrics, written once and shared by training (early stopping), baselines and the benchmark.

Every model scores all items for every user; items the user already interacted with are masked,
and the top-k of the rest is compared with the held-out items (the protocol of LightGCN,
He et al. 2020, https://arxiv.org/abs/2002.02126). Recall@k divides the hits by the number of
held-out items, as in that paper. Users without held-out items are skipped.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

KS = (10, 20)


def top_k(scores: np.ndarray, exclude: sp.csr_matrix | None, k: int) -> np.ndarray:
    """[users, k] item positions, best first, after masking ``exclude`` (ties: lower position first)."""
    s = np.array(scores, dtype=np.float64, copy=True)
    if exclude is not None:
        coo = exclude.tocoo()
        s[coo.row, coo.col] = -np.inf
    k = min(k, s.shape[1])
    part = np.argpartition(-s, k - 1, axis=1)[:, :k]
    part.sort(axis=1)  # so equal scores keep position order under the stable sort below
    order = np.argsort(-np.take_along_axis(s, part, axis=1), axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1)


def popularity_percentile(popularity: np.ndarray) -> np.ndarray:
    """Each item's popularity as the share of items strictly less popular (0 = least, →1 = most)."""
    ranks = np.searchsorted(np.sort(popularity), popularity, side="left")
    return ranks / max(len(popularity) - 1, 1)


def ranking_metrics(top: np.ndarray, truth: sp.csr_matrix, popularity: np.ndarray) -> dict[str, float]:
    """Recall@10/20, NDCG@10/20, HR@10, coverage@20 and mean popularity percentile of the top-20.

    ``top`` holds each user's ranked item positions (at least 20 columns, or all items);
    ``truth`` marks held-out items (users x items); ``popularity`` counts training interactions.
    """
    truth = truth.tocsr()
    n_true = np.diff(truth.indptr)
    users = np.flatnonzero(n_true > 0)
    depth = max(KS)
    ranked = top[users, :depth]
    hits = np.asarray(truth[users[:, None], ranked].todense(), dtype=np.float64)
    n_rel = n_true[users].astype(np.float64)
    discount = 1.0 / np.log2(np.arange(2, depth + 2))
    out: dict[str, float] = {}
    for k in KS:
        out[f"recall@{k}"] = float(np.mean(hits[:, :k].sum(axis=1) / n_rel))
        dcg = (hits[:, :k] * discount[: hits[:, :k].shape[1]]).sum(axis=1)
        ideal = np.array([discount[: int(min(n, k))].sum() for n in n_rel])
        out[f"ndcg@{k}"] = float(np.mean(dcg / ideal))
    out["hr@10"] = float(np.mean(hits[:, :10].sum(axis=1) > 0))
    out["coverage@20"] = float(len(np.unique(ranked)) / truth.shape[1])
    out["popularity@20"] = float(popularity_percentile(popularity)[ranked].mean())
    return out
