"""First-order influence of each of a person's films on their LightGCN scores (PRINCE's estimate step).

LightGCN's final user embedding is ``out_u = sum_l alpha_l x_l[u]`` with ``x_l[u] = sum_j x_{l-1}[j]
/ sqrt(d_u d_j)`` over the user's films j (He et al. 2020, https://arxiv.org/abs/2002.02126). So

    out_u = alpha_0 x_0[u] + (1 / sqrt(d_u)) * sum_j v_j,     v_j = sum_{l>=1} alpha_l x_{l-1}[j] / sqrt(d_j),

a sum over edges. Removing the films S gives ``alpha_0 x_0[u] + (sum_{j not in S} v_j) / sqrt(d_u - |S|)``;
all this leaves out is the small change of the other nodes' embeddings (each removed film's degree
drops by one). A user's layer-0 embedding is zero when users are propagated, and for the guest, so
their scores are then exactly this sum up to that second-order term.

PRINCE (Ghazimatin et al., WSDM 2020, https://arxiv.org/abs/1911.08378) uses the same additivity of
personalised PageRank over a user's edges. Here it drives a greedy search that, at every step, removes
the film that most lowers the item's margin over the k-th other item, all candidates in one matrix
product; the sets it proposes are then checked exactly (:mod:`whyrec.causal.removal_search`).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np

from whyrec.causal.ranks import item_embeddings
from whyrec.ranker.scoring import Ranker, UserRef

COMPETITORS = 300  # items, best first, that may overtake the explained one (the rest are too far below)
POOL = 120  # films kept as candidates after the first greedy step (heavy users rated thousands)

_SHIFTED: weakref.WeakKeyDictionary[Ranker, np.ndarray] = weakref.WeakKeyDictionary()


def _shifted(ranker: Ranker) -> np.ndarray:
    """``sum_{l>=1} alpha_l x_{l-1}`` of every node on the training graph (what an edge passes on), cached."""
    cached = _SHIFTED.get(ranker)
    if cached is None:
        model, adj = ranker.model, ranker.graph.adjacency
        x = model.embedding.weight.detach().numpy().astype(np.float64)
        alpha = model.alpha.numpy().astype(np.float64)
        cached = np.zeros_like(x)
        for layer in range(1, model.num_layers + 1):
            cached += alpha[layer] * x
            x = np.asarray(adj @ x)
        _SHIFTED[ranker] = cached
    return cached


@dataclass(frozen=True)
class EdgeModel:
    """A person's scores as a sum over their films, to first order."""

    films: np.ndarray  # [n] item ids of the person's edges
    contributions: np.ndarray  # [n, d] each film's v_j
    own: np.ndarray  # [d] alpha_0 x_0[u]: zero for propagated users and the guest
    items: np.ndarray  # [n_items, d] final item embeddings

    def user_without(self, removed: np.ndarray, each: np.ndarray) -> np.ndarray:
        """[len(each), d] the user's embedding without the films ``removed`` (bool [n]) and each film of ``each``."""
        left = self.contributions[~removed].sum(axis=0)[None, :] - self.contributions[each]
        remaining = max(len(self.films) - int(removed.sum()) - 1, 1)
        return self.own + left / np.sqrt(remaining)


def edge_model(ranker: Ranker, user: UserRef) -> EdgeModel:
    """The first-order model of ``user``'s scores (a known user's edited edges, or a chat user's films)."""
    catalog, graph = ranker.catalog, ranker.graph
    node = ranker.node(user)
    films = ranker.history(user)
    positions = catalog.item_index(films)
    degree = np.bincount(graph.items, minlength=catalog.n_items)[positions].astype(np.float64)
    if node != graph.guest:
        degree += ~np.isin(positions, graph.user_items(node))  # folded-in edges add one to their film
    else:
        degree += 1.0
    contributions = _shifted(ranker)[positions + graph.n_users] / np.sqrt(degree)[:, None]
    own = ranker.model.alpha[0].item() * ranker.model.embedding.weight[node].detach().numpy().astype(np.float64)
    return EdgeModel(films, contributions, own, item_embeddings(ranker).astype(np.float64))


def greedy_removals(
    model: EdgeModel, target: int, allowed: np.ndarray, k: int, steps: int
) -> tuple[list[int], list[int]]:
    """(films in the order the greedy removes them, films by how much their single removal lowers the margin).

    ``target`` is the explained item's position, ``allowed`` the items that may be listed (the mask
    stays fixed: a removed film is still seen). Each step removes the film whose removal, on top of
    the ones already removed, leaves the target with the smallest margin over the k-th other item.
    """
    n = len(model.films)
    others = np.flatnonzero(allowed)
    others = others[others != target]
    base = model.own + model.contributions.sum(axis=0) / np.sqrt(max(n, 1))
    ranked = others[np.argsort(-(model.items[others] @ base), kind="stable")][:COMPETITORS]
    if len(ranked) < k or n == 0:  # too few other items to ever push it out: nothing to rank them by
        return [], sorted(int(f) for f in model.films)
    columns = np.concatenate([[target], ranked])
    embeddings = model.items[columns]
    pool = np.arange(n)
    removed = np.zeros(n, dtype=bool)
    order: list[int] = []
    singles: list[int] = []
    for step in range(min(steps, n)):
        scores = model.user_without(removed, pool) @ embeddings.T  # [len(pool), 1 + competitors]
        kth = np.partition(scores[:, 1:], -k, axis=1)[:, -k]
        margin = scores[:, 0] - kth
        by_margin = pool[np.lexsort((pool, margin))]
        if step == 0:
            singles = [int(model.films[j]) for j in by_margin]
            pool = np.sort(by_margin[:POOL])
        best = int(by_margin[0])
        removed[best] = True
        order.append(int(model.films[best]))
        pool = pool[pool != best]
        if len(pool) == 0:
            break
    return order, singles
