"""Training pieces: negative sampling, hardest-negative choice, early stopping on validation."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
import torch
from rich.progress import Progress

from tests.ranker.tiny import random_edges
from whyrec.ranker.config import RankerConfig
from whyrec.ranker.graph import Interactions
from whyrec.ranker.model import build_lightgcn
from whyrec.ranker.train import (
    bpr_loss,
    hardest,
    rating_weights,
    sample_negatives,
    train_lightgcn,
    validation_ndcg,
)

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


def test_rating_weights_make_a_five_star_positive_count_twice_a_four_star_one() -> None:
    graph = Interactions(2, 3, np.array([0, 0, 1]), np.array([0, 1, 2]), np.array([4.0, 4.5, 5.0], np.float32))
    weights = rating_weights(graph, RankerConfig(rating_offset=3.0))
    assert weights is not None
    assert weights.mean() == pytest.approx(1.0)
    assert weights[2] / weights[0] == pytest.approx(2.0)
    assert weights[1] / weights[0] == pytest.approx(1.5)
    assert rating_weights(graph, RankerConfig(rating_weights=False)) is None
    assert rating_weights(Interactions(2, 3, graph.users, graph.items), RankerConfig()) is None  # no ratings


def test_rating_weights_refuse_an_offset_that_would_zero_a_positive() -> None:
    graph = Interactions(1, 2, np.array([0, 0]), np.array([0, 1]), np.array([3.0, 5.0], np.float32))
    with pytest.raises(ValueError, match="rating_offset"):
        rating_weights(graph, RankerConfig(rating_offset=3.0))


def test_weighted_bpr_is_pygs_loss_when_weights_are_one_and_reweighs_terms_otherwise() -> None:
    torch.manual_seed(0)
    model = build_lightgcn(6, 4, 1)
    pos, neg = torch.randn(2), torch.randn(2)
    nodes = torch.tensor([0, 1, 2, 3, 4, 5])
    pyg = model.recommendation_loss(pos, neg, node_id=nodes, lambda_reg=0.1)
    assert torch.equal(bpr_loss(model, pos, neg, nodes, 0.1, torch.ones(2)), pyg)
    first_only = model.recommendation_loss(pos[:1], neg[:1], lambda_reg=0.0)
    assert torch.allclose(bpr_loss(model, pos, neg, nodes, 0.0, torch.tensor([2.0, 0.0])), first_only)


def test_equal_ratings_train_the_unweighted_model_and_mixed_ratings_change_it() -> None:
    graph = tiny_graph()
    config = RankerConfig(dim=8, layers=2, epochs=3, batch_size=32, lr=0.05, negatives=4)

    def weights_after(ratings: np.ndarray | None) -> torch.Tensor:
        rated = Interactions(graph.n_users, graph.n_items, graph.users, graph.items, ratings)
        return train_lightgcn(rated, config).model.embedding.weight.detach()

    plain = weights_after(None)
    assert torch.equal(weights_after(np.full(len(graph), 4.5, np.float32)), plain)
    mixed = np.where(np.arange(len(graph)) % 2 == 0, 4.0, 5.0).astype(np.float32)
    assert not torch.allclose(weights_after(mixed), plain)


def test_propagated_users_stay_zero_so_a_user_is_only_their_edges() -> None:
    from tests.ranker.tiny import make_tiny_catalog
    from whyrec.ranker.scoring import Profile, Ranker

    catalog = make_tiny_catalog(10, 14, random_edges(10, 14, 4, seed=1))
    graph = Interactions.from_frame(catalog, catalog.split.train)
    config = RankerConfig(dim=8, layers=3, epochs=4, batch_size=32, lr=0.05, users="propagated")
    model = train_lightgcn(graph, config).model
    assert torch.count_nonzero(model.embedding.weight[: graph.n_users]) == 0
    assert torch.count_nonzero(model.embedding.weight[graph.guest]) == 0
    assert torch.count_nonzero(model.embedding.weight[graph.n_users : graph.guest]) > 0
    ranker = Ranker.from_model(catalog, model, graph)
    history = [int(i) for i in ranker.history(3)]
    assert np.allclose(ranker.all_scores(3, remove=history), 0.0)  # no edges left: no opinion at all
    assert not np.allclose(ranker.all_scores(3), ranker.all_scores(3, remove=history[:1]))  # every rating counts
    assert np.allclose(ranker.all_scores(Profile()), ranker.all_scores(Profile()))


def test_a_schedule_replays_the_validated_runs_epochs_and_learning_rates() -> None:
    from tests.ranker.tiny import make_tiny_catalog

    catalog = make_tiny_catalog(12, 16, random_edges(12, 16, 5, seed=4), valid=[(u, 16 - u % 3) for u in range(1, 13)])
    graph = Interactions.from_frame(catalog, catalog.split.train)
    valid = Interactions.from_frame(catalog, catalog.split.valid).matrix
    config = RankerConfig(dim=8, layers=2, epochs=30, batch_size=32, lr=0.05, eval_every=1, patience=2, lr_drops=1)
    validated = train_lightgcn(graph, config, valid=valid)
    # the epochs behind the kept weights: a restart from the best weights after a decay drops the stalled ones
    assert 0 < len(validated.schedule) <= validated.best_epoch
    replay = train_lightgcn(graph, config, schedule=validated.schedule)
    assert [row["lr"] for row in replay.history] == validated.schedule
    assert replay.epochs_run == len(validated.schedule)
