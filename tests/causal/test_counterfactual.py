"""Counterfactual explanations on a tiny real LightGCN: minimal, verified, deterministic, honest."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from itertools import combinations

import numpy as np
import pytest

from tests.causal.tiny_graph import tiny_ranker
from whyrec.catalog.errors import UnknownItemError
from whyrec.causal.counterfactual import NotRecommendedError, explain
from whyrec.ranker.scoring import Profile, Ranker, UserRef

K = 3


@pytest.fixture(scope="module")
def ranker() -> Ranker:
    return tiny_ranker()


def drops(ranker: Ranker, user: UserRef, item_id: int, removal: Sequence[int], k: int = K) -> bool:
    return item_id not in {s.item_id for s in ranker.recommend(user, k, remove=removal).items}


def brute_force_minimum(ranker: Ranker, user: UserRef, item_id: int) -> int | None:
    history = [int(i) for i in ranker.history(user)]
    for size in range(1, len(history) + 1):
        if any(drops(ranker, user, item_id, list(s)) for s in combinations(history, size)):
            return size
    return None


def users(ranker: Ranker) -> list[UserRef]:
    return [1, 2, 5, Profile(liked=(1, 4, 9, 12)), Profile(liked=(2, 3, 5, 10, 11), disliked=(16,))]


def test_explanations_are_minimal_and_valid_against_brute_force(ranker: Ranker) -> None:
    checked = found = 0
    for user in users(ranker):
        for scored in ranker.recommend(user, K).items:
            e = explain(ranker, user, scored.item_id, k=K)
            best = brute_force_minimum(ranker, user, scored.item_id)
            checked += 1
            assert e.rank_before == scored.rank
            if best is None:
                assert not e.found and e.removal == () and e.rank_after is None
                continue
            found += 1
            removal = [r.item_id for r in e.removal]
            assert e.found and e.verified and drops(ranker, user, scored.item_id, removal)
            assert e.rank_after is not None and e.rank_after > K
            assert len(removal) == best  # the tiny graph's exact minimum
            assert set(removal) <= {int(i) for i in ranker.history(user)}
    assert checked == 15 and found >= 5


def test_influences_are_exact_single_removals(ranker: Ranker) -> None:
    user = Profile(liked=(1, 4, 9, 12))
    item = ranker.recommend(user, K).items[0].item_id
    e = explain(ranker, user, item, k=K, m=4)
    base = ranker.score(user, [item])[0]
    assert len(e.influences) == 4
    for inf in e.influences:
        after = ranker.all_scores(user, remove=[inf.item_id])
        assert inf.score_change == pytest.approx(after[ranker.catalog.item_index([item])[0]] - base, abs=1e-5)
        ranked = ranker.recommend(user, 16, remove=[inf.item_id]).items
        assert next(s.rank for s in ranked if s.item_id == item) == inf.new_rank


def test_deterministic(ranker: Ranker) -> None:
    item = ranker.recommend(1, K).items[1].item_id
    assert asdict(explain(ranker, 1, item, k=K)) == asdict(explain(ranker, 1, item, k=K))


class LyingBatches:
    """A ranker whose batched scores claim every removal set sinks the item; single recomputations tell the truth."""

    def __init__(self, ranker: Ranker, item_id: int) -> None:
        self.inner, self.pos = ranker, int(ranker.catalog.item_index([item_id])[0])
        self.catalog, self.graph, self.model = ranker.catalog, ranker.graph, ranker.model

    def history(self, user: UserRef) -> np.ndarray:
        return self.inner.history(user)

    def seen(self, user: UserRef) -> np.ndarray:
        return self.inner.seen(user)

    def all_scores(self, user: UserRef, *, remove: Sequence[int] = (), add: Sequence[int] = ()) -> np.ndarray:
        return self.inner.all_scores(user, remove=remove, add=add)

    def all_scores_many(self, user: UserRef, variants: Sequence[tuple[Sequence[int], Sequence[int]]]) -> np.ndarray:
        out = self.inner.all_scores_many(user, variants)
        out[:, self.pos] = -1e9
        return out


def test_verification_rejects_a_set_the_batched_search_got_wrong(ranker: Ranker) -> None:
    user = 1
    item = next(
        s.item_id
        for s in ranker.recommend(user, K).items
        if not any(drops(ranker, user, s.item_id, [int(h)]) for h in ranker.history(user))
    )  # no single removal really drops it, but the lying batches say the first one does
    e = explain(LyingBatches(ranker, item), user, item, k=K)  # type: ignore[arg-type]
    assert not e.found and not e.verified and e.removal == () and e.rank_after is None


def test_errors_name_the_problem(ranker: Ranker) -> None:
    with pytest.raises(UnknownItemError):
        explain(ranker, 1, 999, k=K)
    seen = int(ranker.seen(1)[0])
    with pytest.raises(NotRecommendedError, match="already among your ratings"):
        explain(ranker, 1, seen, k=K)
    outside = ranker.recommend(1, 8).items[-1]
    with pytest.raises(NotRecommendedError, match=f"#{outside.rank} for you, not in your top {K}"):
        explain(ranker, 1, outside.item_id, k=K)
