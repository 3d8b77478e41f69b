"""Ranks in a recommendation list under a fixed mask, ordered exactly like ``Ranker.recommend``.

Interventions change scores, never the mask: an item the user rated stays hidden even after its
edge is removed (the user did see it), so ranks before and after are comparable.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence

import numpy as np
import torch

from whyrec.ranker.scoring import Ranker, UserRef

_EMBEDDINGS: weakref.WeakKeyDictionary[Ranker, np.ndarray] = weakref.WeakKeyDictionary()


def shown_mask(ranker: Ranker, user: UserRef, hidden: Sequence[int] = ()) -> np.ndarray:
    """[n_items] bool: items that may appear in ``user``'s list (not seen, not in ``hidden``)."""
    allowed = np.ones(ranker.catalog.n_items, dtype=bool)
    allowed[ranker.catalog.item_index(ranker.seen(user))] = False
    allowed[ranker.catalog.item_index(hidden)] = False
    return allowed


def order(scores: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """Positions of the allowed items, best first (ties: lower position first, as ``recommend``)."""
    positions = np.flatnonzero(allowed)
    return positions[np.lexsort((positions, -scores[positions].astype(np.float64)))]


def full_ranks(scores: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """[n_items] 1-based rank of every allowed item; 0 for hidden items."""
    ranks = np.zeros(len(scores), dtype=np.int64)
    ranked = order(scores, allowed)
    ranks[ranked] = np.arange(1, len(ranked) + 1)
    return ranks


def rank_of(scores: np.ndarray, allowed: np.ndarray, pos: int) -> int:
    """1-based rank of the item at ``pos`` among the allowed items (it is ranked even if hidden)."""
    others = allowed.copy()
    others[pos] = False
    s = scores[pos]
    ahead = int(np.count_nonzero(scores[others] > s))
    tied = np.flatnonzero(others & (scores == s))
    return 1 + ahead + int(np.count_nonzero(tied < pos))


def margin(scores: np.ndarray, allowed: np.ndarray, pos: int, k: int) -> float:
    """Score of ``pos`` minus the k-th best other allowed item: below zero means out of the top-k."""
    others = allowed.copy()
    others[pos] = False
    rest = scores[others]
    if len(rest) < k:
        return float("inf")
    return float(scores[pos] - np.partition(rest, -k)[-k])


def item_embeddings(ranker: Ranker) -> np.ndarray:
    """[n_items, dim] final LightGCN item embeddings (``LightGCN.get_embedding``) of the training graph."""
    cached = _EMBEDDINGS.get(ranker)
    if cached is None:
        graph = ranker.graph
        with torch.no_grad():
            emb = ranker.model.get_embedding(graph.adjacency)
        cached = np.asarray(emb[graph.n_users : graph.n_users + graph.n_items], dtype=np.float32)
        _EMBEDDINGS[ranker] = cached
    return cached
