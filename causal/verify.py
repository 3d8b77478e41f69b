"""Checking an explanation without the code that found it: rebuild the graph, propagate with stock LGConv.

The search (:mod:`whyrec.causal.removal_search`) scores its variants with an incremental
re-propagation (:mod:`whyrec.ranker.intervene`). Here the graph is rebuilt from scratch with the
person's edges minus the removed films, and PyG's own ``LGConv`` layers propagate the model's
layer-0 embeddings over it (``x_l = LGConv(x_{l-1})``, final ``sum_l alpha_l x_l``, as LightGCN
defines it); the list is then remade through the same pipeline with those scores. An explanation is
``verified`` only if the film is out of the top-k of that independently computed list.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
import torch
from torch_geometric.nn.conv import LGConv

from whyrec.causal.removal_search import DEPTH, ListProbe, ShownList, without
from whyrec.causal.results import Explanation
from whyrec.ranker.graph import bipartite_edge_index
from whyrec.ranker.scoring import Ranker, UserRef

if TYPE_CHECKING:
    from whyrec.ranker.hybrid import Retriever


def stock_scores(ranker: Ranker, user: UserRef, extra: list[int] | None = None) -> np.ndarray:
    """Every item's score for ``user`` (plus ``extra`` films folded in) on a freshly built graph, stock LGConv."""
    graph, catalog = ranker.graph, ranker.catalog
    node = ranker.node(user)
    mine = np.union1d(catalog.item_index(ranker.history(user)), catalog.item_index(extra or []))
    if node == graph.guest and len(mine) == 0:  # a chat user with no films is ranked by popularity, by design
        degree = np.bincount(graph.items, minlength=catalog.n_items).astype(np.float64)
        return degree / max(float(degree.max()), 1.0)
    others = graph.users != node
    users = np.concatenate([graph.users[others], np.full(len(mine), node)])
    items = np.concatenate([graph.items[others], mine]).astype(np.int64)
    edge_index = bipartite_edge_index(users, items + graph.n_users)
    model = ranker.model
    conv = LGConv()  # normalize=True: D^-1/2 A D^-1/2, no self-loops, as LightGCN
    with torch.no_grad():
        x = model.embedding.weight
        out = x * model.alpha[0]
        for layer in range(1, model.num_layers + 1):
            x = conv(x, edge_index)
            out = out + x * model.alpha[layer]
    emb = out.numpy()
    return (emb[graph.n_users : graph.guest] @ emb[node]).astype(np.float64)


def rank_without(
    ranker: Ranker, index: Retriever, user: UserRef, shown: ShownList, item_id: int, removal: list[int]
) -> int:
    """The film's rank in the list remade without ``removal``, with the GCN scores of a rebuilt graph."""
    after = without(user, removal)
    like = [i for i in shown.like if i not in removal]
    history = set(ranker.history(after).tolist())
    scores = stock_scores(ranker, after, [i for i in like if i not in history])
    probe = ListProbe(ranker, index, user, shown, item_id)
    return probe.read(probe.ranked(removal, scores))[0]


def verify(ranker: Ranker, index: Retriever, user: UserRef, shown: ShownList, explanation: Explanation) -> Explanation:
    """``explanation`` with ``verified`` (and ``rank_after``) from the independent recomputation."""
    if not explanation.found:
        return replace(explanation, verified=False)
    rank = rank_without(ranker, index, user, shown, explanation.item_id, [r.item_id for r in explanation.removal])
    ok = rank > shown.k
    return replace(explanation, verified=ok, found=ok, rank_after=(rank if rank <= DEPTH else None) if ok else None)
