"""The Ranker on tiny random graphs: shapes, masking, determinism, fold-in and interventions."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch_geometric.nn.models import LightGCN

from tests.ranker.tiny import make_tiny_catalog, make_tiny_ranker, random_edges
from whyrec.catalog.errors import UnknownItemError, UnknownUserError
from whyrec.errors import WhyrecError
from whyrec.ranker.graph import bipartite_edge_index
from whyrec.ranker.scoring import EMPTY_PROFILE_FALLBACK, Profile, Ranker

torch.set_num_threads(1)
N_USERS, N_ITEMS = 8, 15


@pytest.fixture(scope="module")
def catalog():  # type: ignore[no-untyped-def]
    return make_tiny_catalog(N_USERS, N_ITEMS, random_edges(N_USERS, N_ITEMS, 4, seed=1))


@pytest.fixture(scope="module")
def ranker(catalog) -> Ranker:  # type: ignore[no-untyped-def]
    return make_tiny_ranker(catalog, dim=8, layers=2, seed=0, train_epochs=5)


def vanilla(model: LightGCN) -> LightGCN:
    """The same weights in PyG's stock LightGCN (LGConv layers on an edge_index), as an independent reference."""
    reference = LightGCN(model.num_nodes, model.embedding_dim, model.num_layers)
    reference.load_state_dict(model.state_dict())
    return reference


def direct_scores(ranker: Ranker, node: int, user_edges: dict[int, np.ndarray]) -> np.ndarray:
    """Scores recomputed from scratch with PyG: the graph's edges, with ``user_edges`` replacing those nodes' edges."""
    g = ranker.graph
    keep = ~np.isin(g.users, list(user_edges))
    users = [g.users[keep]] + [np.full(len(e), n) for n, e in user_edges.items()]
    items = [g.items[keep], *user_edges.values()]
    edge_index = bipartite_edge_index(np.concatenate(users), np.concatenate(items) + g.n_users)
    with torch.no_grad():
        emb = vanilla(ranker.model).get_embedding(edge_index)
    return (emb[g.n_users : g.guest] @ emb[node]).numpy()


def test_shapes(ranker: Ranker) -> None:
    assert ranker.all_scores(1).shape == (N_ITEMS,)
    assert ranker.all_scores_many(1, [((), ()), ((), (1,)), ((2,), ())]).shape == (3, N_ITEMS)
    assert ranker.score(1, [3, 1]).shape == (2,)
    ranking = ranker.recommend(1, k=5)
    assert [s.rank for s in ranking.items] == [1, 2, 3, 4, 5]
    assert all(a.score >= b.score for a, b in zip(ranking.items, ranking.items[1:], strict=False))


def test_known_user_scores_are_the_propagated_dot_products(ranker: Ranker) -> None:
    np.testing.assert_allclose(ranker.all_scores(2), direct_scores(ranker, 1, {}), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ranker.score(2, [4, 2]), ranker.all_scores(2)[[3, 1]], rtol=1e-6)


def test_seen_items_are_masked(ranker: Ranker) -> None:
    for user in range(1, N_USERS + 1):
        shown = {s.item_id for s in ranker.recommend(user, k=N_ITEMS).items}
        assert shown.isdisjoint(ranker.seen(user))
        assert len(shown) == N_ITEMS - len(ranker.seen(user))
    unmasked = {s.item_id for s in ranker.recommend(1, k=N_ITEMS, exclude_seen=False).items}
    assert unmasked == set(range(1, N_ITEMS + 1))


def test_added_and_removed_items_stay_masked(ranker: Ranker) -> None:
    history = [int(i) for i in ranker.history(1)]
    new = next(i for i in range(1, N_ITEMS + 1) if i not in history)
    shown = {s.item_id for s in ranker.recommend(1, k=N_ITEMS, remove=history[:1], add=[new]).items}
    assert new not in shown and history[0] not in shown


def test_profile_masks_liked_and_disliked(ranker: Ranker) -> None:
    profile = Profile(liked=(1, 2), disliked=(3,))
    shown = {s.item_id for s in ranker.recommend(profile, k=N_ITEMS).items}
    assert shown == set(range(4, N_ITEMS + 1))
    assert 3 not in {s.item_id for s in ranker.recommend(profile, k=N_ITEMS, exclude_seen=False).items}
    assert set(ranker.seen(profile)) == {1, 2, 3}
    assert list(ranker.history(profile)) == [1, 2]


def test_candidates_restrict_the_ranking(ranker: Ranker) -> None:
    ranking = ranker.recommend(Profile(liked=(1,)), k=10, candidates=[5, 6, 1])
    assert {s.item_id for s in ranking.items} == {5, 6}


def test_same_seed_same_model_and_other_seed_differs(catalog) -> None:  # type: ignore[no-untyped-def]
    a = make_tiny_ranker(catalog, seed=3, train_epochs=3).all_scores(1)
    b = make_tiny_ranker(catalog, seed=3, train_epochs=3).all_scores(1)
    c = make_tiny_ranker(catalog, seed=4, train_epochs=3).all_scores(1)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


def test_fold_in_is_the_guest_node_propagated_with_zero_layer0(ranker: Ranker) -> None:
    """Fold-in = LightGCN over the training graph plus a guest node linked to the liked items."""
    liked = np.array([0, 4, 7])  # item positions -> ids 1, 5, 8
    profile = Profile(liked=tuple(int(i) + 1 for i in liked))
    expected = direct_scores(ranker, ranker.graph.guest, {ranker.graph.guest: liked})
    np.testing.assert_allclose(ranker.all_scores(profile), expected, rtol=1e-5, atol=1e-6)
    assert float(ranker.model.embedding.weight[ranker.graph.guest].detach().abs().sum()) == 0.0


def test_fold_in_with_one_layer_is_the_normalised_mean_of_liked_items() -> None:
    """With one layer the guest's embedding is alpha_1 * sum_i x_i / sqrt(d_guest d_i): no layer-0 term."""
    catalog = make_tiny_catalog(4, 6, random_edges(4, 6, 3, seed=2))
    ranker = make_tiny_ranker(catalog, dim=4, layers=1, train_epochs=2)
    g, x, alpha = ranker.graph, ranker.model.embedding.weight.detach(), ranker.model.alpha
    liked = [1, 3]  # positions
    degree = np.bincount(g.items, minlength=g.n_items) + np.isin(np.arange(g.n_items), liked)
    guest = alpha[1] * sum(x[g.n_users + i] / np.sqrt(len(liked) * degree[i]) for i in liked)
    with torch.no_grad():
        emb = vanilla(ranker.model).get_embedding(
            bipartite_edge_index(np.concatenate([g.users, [g.guest] * 2]), np.concatenate([g.items, liked]) + g.n_users)
        )
    expected = (emb[g.n_users : g.guest] @ guest).numpy()
    np.testing.assert_allclose(ranker.all_scores(Profile(liked=(2, 4))), expected, rtol=1e-5, atol=1e-6)


def test_intervention_on_a_known_user_keeps_their_layer0_embedding(ranker: Ranker) -> None:
    history = ranker.history(1) - 1
    new = np.setdiff1d(np.arange(N_ITEMS), history)[:2]
    edges = np.union1d(history[1:], new)
    got = ranker.all_scores(1, remove=[int(history[0]) + 1], add=[int(i) + 1 for i in new])
    np.testing.assert_allclose(got, direct_scores(ranker, 0, {0: edges}), rtol=1e-5, atol=1e-6)
    assert not np.allclose(got, ranker.all_scores(1))
    # removing and re-adding the same edge is the original graph again
    back = ranker.all_scores(1, remove=[int(history[0]) + 1], add=[int(history[0]) + 1])
    np.testing.assert_allclose(back, ranker.all_scores(1), rtol=1e-5, atol=1e-6)


def test_all_scores_many_matches_single_calls(ranker: Ranker) -> None:
    first = int(ranker.history(2)[0])
    variants = [((), ()), ((first,), ()), ((), (N_ITEMS,)), ((first,), (N_ITEMS - 1,))]
    for user in (2, Profile(liked=(first, 2))):
        many = ranker.all_scores_many(user, variants)
        for row, (remove, add) in zip(many, variants, strict=True):
            np.testing.assert_allclose(row, ranker.all_scores(user, remove=remove, add=add), rtol=1e-5, atol=1e-6)


def test_empty_profile_falls_back_to_popularity(ranker: Ranker) -> None:
    ranking = ranker.recommend(Profile(), k=3)
    assert ranking.fallback == EMPTY_PROFILE_FALLBACK
    degree = np.bincount(ranker.graph.items, minlength=N_ITEMS)
    assert [s.item_id for s in ranking.items] == list(np.argsort(-degree, kind="stable")[:3] + 1)
    assert ranker.recommend(Profile(liked=(1,)), k=3, remove=[1]).fallback == EMPTY_PROFILE_FALLBACK
    assert ranker.recommend(Profile(liked=(1,)), k=3).fallback is None


def test_bad_input_is_named(ranker: Ranker) -> None:
    with pytest.raises(UnknownItemError, match="999"):
        ranker.recommend(Profile(liked=(1, 999)))
    with pytest.raises(UnknownItemError, match="998"):
        ranker.score(1, [998])
    with pytest.raises(UnknownUserError, match="77"):
        ranker.recommend(77)
    with pytest.raises(WhyrecError, match="both liked and disliked"):
        ranker.recommend(Profile(liked=(1,), disliked=(1,)))
    with pytest.raises(WhyrecError, match="k must be"):
        ranker.recommend(1, k=0)


def test_a_movielens_users_session_feedback_is_an_edge_change() -> None:
    ranker = make_tiny_ranker(make_tiny_catalog(8, 12, random_edges(8, 12, 4, seed=2)), users="propagated")
    user = 1
    history = [int(i) for i in ranker.history(user)]
    unseen = next(i for i in range(1, 13) if i not in ranker.seen(user))
    edited = Profile(liked=(unseen,), disliked=(history[0],), user_id=user)
    assert sorted(ranker.history(edited).tolist()) == sorted([*history[1:], unseen])
    np.testing.assert_allclose(
        ranker.all_scores(edited), ranker.all_scores(user, remove=[history[0]], add=[unseen]), rtol=1e-6
    )
    assert set(ranker.seen(edited).tolist()) >= {unseen, history[0]}  # neither is recommended again
    before = [s.item_id for s in ranker.recommend(user, 5).items]
    after = [s.item_id for s in ranker.recommend(edited, 5).items]
    assert before != after  # the next list reflects the thumbs
