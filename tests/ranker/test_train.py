"""Training pieces: negative sampling, hardest-negative choice, early stopping on validation."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import torch
from rich.progress import Progress

from tests.ranker.tiny import random_edges
from whyrec.ranker.config import RankerConfig
from whyrec.ranker.graph import Interactions
from whyrec.ranker.train import hardest, sample_negatives, train_lightgcn, validation_ndcg

torch.set_num_threads(1)


def tiny_graph() -> Interactions:
    edges = np.array(random_edges(10, 12, 8, seed=5)) - 1  # dense: 8 of 12 items per user
    return Interactions(10, 12, edges[:, 0], edges[:, 1])


def tiny_valid(graph: Interactions) -> sp.csr_matrix:
    """One validation item per user, none of them a training item."""
    valid = Interactions(10, 12, np.arange(10), (np.arange(10) * 5) % 12)
    return valid.matrix.multiply(1 - graph.matrix.toarray()).tocsr()


def test_negatives_avoid_training_items() -> None:
    graph = tiny_graph()
    users = np.repeat(np.arange(10), 50)
    negs = sample_negatives(graph, users, np.random.default_rng(0))
    dense = graph.matrix.toarray()
    assert dense[users, negs].sum() == 0  # 2/3 of items are positives, yet every draw is a negative


def test_hardest_picks_the_highest_scoring_candidate() -> None:
    emb = torch.tensor([[1.0, 0.0], [0.2, 0.0], [0.9, 0.0], [-1.0, 0.0]])
    users = torch.tensor([0, 0])
    candidates = torch.tensor([[1, 2, 3], [3, 1, 1]])
    assert hardest(emb, users, candidates).tolist() == [2, 1]
    assert hardest(emb, users, candidates[:, :1]).tolist() == [1, 3]


def test_early_stopping_keeps_the_best_validation_epoch() -> None:
    graph = tiny_graph()
    valid_matrix = tiny_valid(graph)
    config = RankerConfig(
        dim=8, layers=2, epochs=12, eval_every=1, patience=2, batch_size=32, lr=0.05, negatives=4, lr_drops=0
    )
    with Progress(disable=True) as progress:
        result = train_lightgcn(graph, config, valid=valid_matrix, progress=progress)
    scores = [row["valid_ndcg@20"] for row in result.history if "valid_ndcg@20" in row]
    assert result.best_valid_ndcg == max(scores)
    assert result.history[result.best_epoch - 1]["valid_ndcg@20"] == result.best_valid_ndcg
    assert validation_ndcg(result.model, graph, valid_matrix) == result.best_valid_ndcg  # best weights restored
    assert result.epochs_run == 12 or result.epochs_run - result.best_epoch == config.patience


def test_learning_rate_decays_after_each_stall_then_training_stops() -> None:
    graph = tiny_graph()
    valid_matrix = tiny_valid(graph)
    config = RankerConfig(
        dim=8, layers=2, epochs=60, eval_every=1, patience=2, batch_size=32, lr=0.05, negatives=4, lr_decay=0.5
    )
    result = train_lightgcn(graph, config, valid=valid_matrix)
    lrs = [row["lr"] for row in result.history]
    ndcgs = [row["valid_ndcg@20"] for row in result.history]
    assert lrs == sorted(lrs, reverse=True)
    assert sorted(set(lrs), reverse=True) == [0.05, 0.025, 0.0125]  # both drops used before stopping
    assert result.epochs_run < config.epochs
    for epoch in range(1, len(lrs)):
        if lrs[epoch] < lrs[epoch - 1]:  # a drop: the last `patience` evaluations found nothing better
            assert max(ndcgs[epoch - config.patience : epoch]) <= max(ndcgs[: epoch - config.patience])
    assert result.best_valid_ndcg == max(ndcgs)
