"""Honest baselines behind one interface with LightGCN: fit on training edges, score all items.

- MostPopular: training interaction counts, the same list for everyone.
- ItemKNN: cosine item-item similarity over the training matrix, top-``neighbours`` per item
  (Sarwar et al. 2001, https://doi.org/10.1145/371920.372071).
- EASE: a closed-form item-item linear model, B = I - P·diag(1/diag(P)) with P = (XᵀX + λI)⁻¹
  (Steck 2019, https://arxiv.org/abs/1905.03375); λ is picked on the validation split.

``fit`` may look at the validation matrix only to choose hyper-parameters or stop early.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
import scipy.linalg as sl
import scipy.sparse as sp
import torch

from whyrec.ranker.config import RankerConfig
from whyrec.ranker.graph import Interactions
from whyrec.ranker.metrics import ranking_metrics, top_k
from whyrec.ranker.train import TrainResult, train_lightgcn


class Recommender(Protocol):
    name: str

    def fit(self, train: Interactions, valid: sp.csr_matrix | None, seed: int) -> None: ...

    def scores(self, users: np.ndarray) -> np.ndarray:
        """[len(users), n_items] scores (higher is better) for user positions ``users``."""
        ...


def _valid_ndcg(model: Recommender, train: Interactions, valid: sp.csr_matrix) -> float:
    users = np.arange(train.n_users)
    top = top_k(model.scores(users), train.matrix, 20)
    return ranking_metrics(top, valid, np.bincount(train.items, minlength=train.n_items))["ndcg@20"]


class MostPopular:
    name = "MostPopular"

    def fit(self, train: Interactions, valid: sp.csr_matrix | None, seed: int) -> None:
        self.popularity = np.bincount(train.items, minlength=train.n_items).astype(np.float32)

    def scores(self, users: np.ndarray) -> np.ndarray:
        return np.tile(self.popularity, (len(users), 1))


class ItemKNN:
    """Cosine item-item neighbours; the number of neighbours is tuned on validation."""

    name = "ItemKNN"
    grid = (20, 50, 100, 200)

    def fit(self, train: Interactions, valid: sp.csr_matrix | None, seed: int) -> None:
        self.matrix = train.matrix
        x = train.matrix.astype(np.float32)
        norms = np.sqrt(np.asarray(x.power(2).sum(axis=0))).ravel()
        x = x @ sp.diags(1.0 / np.maximum(norms, 1e-12))
        self.full = (x.T @ x).toarray()
        np.fill_diagonal(self.full, 0.0)
        best: tuple[float, int] | None = None
        for k in self.grid if valid is not None else (self.grid[1],):
            self.neighbours = k
            self.similarity = self._prune(k)
            if valid is None:
                break
            ndcg = _valid_ndcg(self, train, valid)
            if best is None or ndcg > best[0]:
                best = (ndcg, k)
        if best is not None:
            self.neighbours = best[1]
            self.similarity = self._prune(best[1])
        del self.full

    def _prune(self, k: int) -> np.ndarray:
        """Keep each item's ``k`` most similar items (columns), zero the rest."""
        sim = self.full
        if k >= sim.shape[0]:
            return sim.copy()
        cut = np.argpartition(-sim, k - 1, axis=0)[:k]
        pruned = np.zeros_like(sim)
        np.put_along_axis(pruned, cut, np.take_along_axis(sim, cut, axis=0), axis=0)
        return pruned

    def scores(self, users: np.ndarray) -> np.ndarray:
        return np.asarray(self.matrix[users] @ self.similarity)


class EASE:
    """EASE^R on the items that occur in training (the others score zero); λ tuned on validation.

    With ``rating_offset`` it sees what LightGCN's weighted BPR sees: each positive weighs
    ``rating - rating_offset``, rescaled to mean 1 (a 5-star film twice a 4-star one).
    """

    grid = (50.0, 100.0, 150.0, 200.0, 300.0, 400.0, 600.0, 800.0)

    def __init__(self, rating_offset: float | None = None) -> None:
        self.rating_offset = rating_offset
        self.name = "EASE" if rating_offset is None else "EASE (ratings)"

    def _matrix(self, train: Interactions) -> sp.csr_matrix:
        if self.rating_offset is None or train.ratings is None:
            return train.matrix
        weight = train.ratings.astype(np.float64) - self.rating_offset
        weight = (weight / weight.mean()).astype(np.float32)
        return sp.csr_matrix((weight, (train.users, train.items)), shape=train.matrix.shape)

    def fit(self, train: Interactions, valid: sp.csr_matrix | None, seed: int) -> None:
        self.matrix = self._matrix(train)
        self.active = np.flatnonzero(np.bincount(train.items, minlength=train.n_items) > 0)
        x = self.matrix[:, self.active]
        gram = (x.T @ x).toarray().astype(np.float32)
        best: tuple[float, float, np.ndarray] | None = None
        for lam in self.grid if valid is not None else (self.grid[1],):
            self.lam, self.weights = lam, self._solve(gram, lam)
            if valid is None:
                break
            ndcg = _valid_ndcg(self, train, valid)
            if best is None or ndcg > best[0]:
                best = (ndcg, lam, self.weights)
        if best is not None:
            self.lam, self.weights = best[1], best[2]

    @staticmethod
    def _solve(gram: np.ndarray, lam: float) -> np.ndarray:
        """B = I - P diag(1/diag(P)), P = (G + λI)⁻¹ by Cholesky (6 s for 5.4k items where torch took 20 s)."""
        g = gram.copy()
        g[np.diag_indices_from(g)] += lam
        p = sl.cho_solve(sl.cho_factor(g, check_finite=False), np.eye(len(g), dtype=g.dtype), check_finite=False)
        b = -p / np.diag(p)
        np.fill_diagonal(b, 0.0)
        return b.astype(np.float32)

    def scores(self, users: np.ndarray) -> np.ndarray:
        out = np.zeros((len(users), self.matrix.shape[1]), dtype=np.float32)
        out[:, self.active] = np.asarray(self.matrix[users][:, self.active] @ self.weights)
        return out


class LightGCNModel:
    """PyG LightGCN trained with BPR (:mod:`whyrec.ranker.train`), in the baselines' interface."""

    def __init__(self, config: RankerConfig, name: str = "LightGCN") -> None:
        self.config, self.name = config, name

    def fit(self, train: Interactions, valid: sp.csr_matrix | None, seed: int) -> None:
        self.result: TrainResult = train_lightgcn(train, self.config.model_copy(update={"seed": seed}), valid=valid)
        with torch.no_grad():
            emb = self.result.model.get_embedding(train.adjacency)
        self.users, self.items = emb[: train.n_users], emb[train.n_users : train.guest]

    def scores(self, users: np.ndarray) -> np.ndarray:
        return (self.users[torch.as_tensor(users)] @ self.items.T).numpy()
