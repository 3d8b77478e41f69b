"""The first-order edge model on a tiny real LightGCN: exact with nothing removed, close after removals,
and a greedy whose proposals the exact search confirms for a person with many films."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest

from tests.causal.tiny_graph import TinyIndex
from tests.ranker.tiny import make_tiny_catalog, make_tiny_ranker, random_edges
from whyrec.causal.edge_influence import edge_model, greedy_removals
from whyrec.causal.ranks import shown_mask
from whyrec.causal.removal_search import ListProbe, ShownList, estimate, explain_shown
from whyrec.causal.verify import rank_without, verify
from whyrec.ranker.scoring import Profile, Ranker, UserRef

N_USERS, N_ITEMS, K = 14, 30, 3
HEAVY = 1  # rated 16 of the 30 films: more than the search tries exhaustively


@pytest.fixture(scope="module", params=["propagated", "learned"])
def ranker(request: pytest.FixtureRequest) -> Ranker:
    edges = [e for e in random_edges(N_USERS, N_ITEMS, 6, seed=5) if e[0] != HEAVY]
    edges += [(HEAVY, int(i)) for i in np.random.default_rng(1).choice(np.arange(1, N_ITEMS + 1), 16, replace=False)]
    catalog = make_tiny_catalog(N_USERS, N_ITEMS, edges)
    return make_tiny_ranker(catalog, dim=8, layers=3, seed=0, train_epochs=3, users=request.param)


def predicted(ranker: Ranker, user: UserRef, removed: list[int]) -> np.ndarray:
    """Every item's score without ``removed``, from the edge model."""
    model = edge_model(ranker, user)
    if not removed:
        base = model.own + model.contributions.sum(axis=0) / np.sqrt(len(model.films))
        return model.items @ base
    mask = np.isin(model.films, removed[:-1])
    last = np.flatnonzero(model.films == removed[-1])
    return model.items @ model.user_without(mask, last)[0]


@pytest.mark.parametrize("user", [HEAVY, 4])
def test_with_nothing_removed_a_known_users_scores_are_exact(ranker: Ranker, user: UserRef) -> None:
    np.testing.assert_allclose(predicted(ranker, user, []), ranker.all_scores(user), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("user", [Profile(liked=(2, 7, 11, 20)), Profile(liked=(5,), disliked=(3,), user_id=6)])
def test_folded_in_edges_are_first_order(ranker: Ranker, user: UserRef) -> None:
    """A new edge also changes its film's degree and echoes back through it: left out, so close, not equal."""
    assert np.corrcoef(predicted(ranker, user, []), ranker.all_scores(user))[0, 1] > 0.98


def test_after_removals_it_tracks_the_exact_rescoring(ranker: Ranker) -> None:
    films = [int(i) for i in ranker.history(HEAVY)]
    for removed in ([films[0]], films[2:5], films[:8]):
        exact = ranker.all_scores(HEAVY, remove=removed)
        guess = predicted(ranker, HEAVY, removed)
        assert np.corrcoef(exact, guess)[0, 1] > 0.95  # left out: the other nodes' degree changes and echoes


def test_the_greedy_removes_distinct_films_of_the_person(ranker: Ranker) -> None:
    model = edge_model(ranker, HEAVY)
    top = int(np.argmax(np.where(shown_mask(ranker, HEAVY), ranker.all_scores(HEAVY), -np.inf)))
    order, singles = greedy_removals(model, top, shown_mask(ranker, HEAVY), K, steps=6)
    history = set(ranker.history(HEAVY).tolist())
    assert len(order) == 6 == len(set(order)) and set(order) <= history
    assert sorted(singles) == sorted(history)  # every film ranked by its estimated single effect


def test_a_heavy_user_gets_a_verified_pruned_set_from_the_greedy(ranker: Ranker) -> None:
    index, shown = TinyIndex(ranker), ShownList(k=K)
    films = ListProbe(ranker, index, HEAVY, shown, -1).films
    assert len(films) == 16  # the greedy path, not every pair and triple
    found = 0
    for item, _ in ListProbe(ranker, index, HEAVY, shown, -1).ranked()[:K]:
        e = verify(ranker, index, HEAVY, shown, explain_shown(ranker, index, HEAVY, item, shown, max_size=6))
        if not e.found:
            continue
        found += 1
        removal = [r.item_id for r in e.removal]
        assert e.verified and set(removal) <= set(films)
        for smaller in combinations(removal, len(removal) - 1):  # pruned: no member is redundant
            assert not smaller or rank_without(ranker, index, HEAVY, shown, item, list(smaller)) <= K
    assert found >= 2


def test_past_max_size_it_says_how_many_of_the_most_supportive_films_it_takes(ranker: Ranker) -> None:
    index, shown = TinyIndex(ranker), ShownList(k=K)
    checked = 0
    for item, _ in ListProbe(ranker, index, HEAVY, shown, -1).ranked()[:K]:
        e = explain_shown(ranker, index, HEAVY, item, shown, max_size=1)
        if e.found:
            assert e.takes is None
            continue
        supportive = estimate(ranker, HEAVY, item, shown, 1)[1]
        if e.takes is None:  # not even all 16: the list keeps it whatever is removed
            assert rank_without(ranker, index, HEAVY, shown, item, supportive) <= K
            continue
        checked += 1
        assert 1 < e.takes <= len(supportive)
        assert rank_without(ranker, index, HEAVY, shown, item, supportive[: e.takes]) > K  # stock LGConv agrees
    assert checked >= 1
