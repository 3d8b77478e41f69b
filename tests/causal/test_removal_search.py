"""Explanations of the list as shown, on a tiny real LightGCN: minimal, independently verified, honest.

Users are propagated (their layer-0 embedding is zero), as the served ranker's are; the list is the
hybrid pipeline's, remade without the removed films; verification rebuilds the graph and runs PyG's
stock ``LGConv``, so it shares no code with the search's incremental re-propagation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, replace
from itertools import combinations

import numpy as np
import pytest

from tests.causal.tiny_graph import TinyIndex, tiny_catalog
from tests.ranker.tiny import make_tiny_ranker
from whyrec.catalog.constraints import Constraints
from whyrec.catalog.errors import UnknownItemError
from whyrec.causal.removal_search import ListProbe, NotRecommendedError, ShownList, explain_shown
from whyrec.causal.results import ItemRef
from whyrec.causal.verify import rank_without, stock_scores, verify
from whyrec.ranker.scoring import Profile, Ranker, UserRef

K = 3


@pytest.fixture(scope="module")
def ranker() -> Ranker:
    return make_tiny_ranker(tiny_catalog(), dim=8, layers=2, seed=0, train_epochs=3, users="propagated")


@pytest.fixture(scope="module")
def index(ranker: Ranker) -> TinyIndex:
    return TinyIndex(ranker)


def shown_ids(
    ranker: Ranker, index: TinyIndex, user: UserRef, shown: ShownList, removal: Sequence[int] = ()
) -> list[int]:
    probe = ListProbe(ranker, index, user, shown, -1)
    return [i for i, _ in probe.ranked(list(removal))][: shown.k]


def brute_force_minimum(ranker: Ranker, index: TinyIndex, user: UserRef, item: int, shown: ShownList) -> int | None:
    films = ListProbe(ranker, index, user, shown, item).films
    for size in range(1, len(films) + 1):
        if any(item not in shown_ids(ranker, index, user, shown, s) for s in combinations(films, size)):
            return size
    return None


PEOPLE: list[tuple[UserRef, ShownList]] = [
    (1, ShownList(k=K)),
    (5, ShownList(k=K)),
    (Profile(liked=(1, 4, 9, 12)), ShownList(k=K)),
    (Profile(liked=(2, 10), disliked=(16,)), ShownList(query="something funny", like=(3, 11), k=K)),
    (Profile(liked=(13,), user_id=2), ShownList(like=(6,), constraints=Constraints(genres_exclude=("Drama",)), k=K)),
]


def test_explanations_are_minimal_and_verified_against_brute_force(ranker: Ranker, index: TinyIndex) -> None:
    checked = found = 0
    for user, shown in PEOPLE:
        for rank, item in enumerate(shown_ids(ranker, index, user, shown), start=1):
            e = verify(ranker, index, user, shown, explain_shown(ranker, index, user, item, shown))
            best = brute_force_minimum(ranker, index, user, item, shown)
            checked += 1
            assert e.rank_before == rank
            if best is None:
                assert not e.found and e.removal == () and e.rank_after is None
                continue
            found += 1
            removal = [r.item_id for r in e.removal]
            assert e.found and e.verified and item not in shown_ids(ranker, index, user, shown, removal)
            assert len(removal) == best  # the tiny graph's exact minimum
            assert set(removal) <= set(ListProbe(ranker, index, user, shown, item).films)
    assert checked == 14 and found >= 8  # the comedy-only list has two films


def test_a_removed_liked_film_leaves_the_request_too(ranker: Ranker, index: TinyIndex) -> None:
    user, shown = PEOPLE[3]
    probe = ListProbe(ranker, index, user, shown, -1)
    assert set(probe.films) == {2, 10, 3, 11}  # what they liked, and what they asked for more of
    kept = shown_ids(ranker, index, user, shown, [3, 11])
    assert kept != shown_ids(ranker, index, user, shown) and not {3, 11} & set(kept)  # still never shown


def test_influences_are_the_lead_each_film_takes_away_even_for_the_first_film(ranker: Ranker, index: TinyIndex) -> None:
    """The blend is min-max normalised, so the first film scores 1.0 whatever is removed: its influences are
    measured on its lead over the k-th other film, remade without each film alone, strongest first."""
    user, shown = PEOPLE[0]
    first = shown_ids(ranker, index, user, shown)[0]
    e = explain_shown(ranker, index, user, first, shown, m=8)
    probe = ListProbe(ranker, index, user, shown, first)
    _, lead, score = probe.read(probe.ranked())
    assert score == 1.0
    for inf in e.influences:
        rank, margin, _ = probe.read(probe.ranked([inf.item_id]))
        assert inf.new_rank == rank and inf.margin_change == pytest.approx(margin - lead)
    kept = [i.margin_change for i in e.influences if i.new_rank == e.rank_before]
    assert kept == sorted(kept) and any(abs(change) > 1e-6 for change in kept)  # the score alone says 0


def test_the_stock_lgconv_scores_equal_the_incremental_ones(ranker: Ranker) -> None:
    for user in (1, 7, Profile(liked=(1, 4, 9)), Profile(liked=(5,), disliked=(2,), user_id=3)):
        for removal in ((), tuple(int(i) for i in ranker.history(user)[:2])):
            fresh = stock_scores(ranker, user if not removal else _without(user, removal))
            incremental = ranker.all_scores(user, remove=removal)
            np.testing.assert_allclose(fresh, incremental, rtol=1e-4, atol=1e-5)


def _without(user: UserRef, removal: Sequence[int]) -> UserRef:
    from whyrec.causal.removal_search import without

    return without(user, removal)


class LyingBatches(Ranker):
    """A ranker whose batched scores claim every removal sinks the item: only the stock check tells the truth."""

    def __init__(self, ranker: Ranker, item_id: int) -> None:
        super().__init__(ranker.catalog, ranker.model, ranker.graph)
        self.pos = int(ranker.catalog.item_index([item_id])[0])

    def all_scores_many(self, user: UserRef, variants: Sequence[tuple[Sequence[int], Sequence[int]]]) -> np.ndarray:
        out = super().all_scores_many(user, variants)
        out[[n for n, (remove, _) in enumerate(variants) if remove], self.pos] = -1e9
        return out


def test_verification_rejects_a_set_the_search_got_wrong(ranker: Ranker, index: TinyIndex) -> None:
    shown = ShownList(k=K)
    user, item = next(
        (user, item)
        for user in range(1, 13)
        for item in shown_ids(ranker, index, user, shown)
        if rank_without(ranker, index, user, shown, item, [int(min(ranker.history(user)))]) <= K
    )  # removing their first film does not really drop it, but the lying batches say it does
    lied = explain_shown(LyingBatches(ranker, item), index, user, item, shown)
    assert not lied.found and lied.removal == ()  # the search's own recomputation of its pick says no
    wrong = replace(lied, found=True, removal=(ItemRef(int(min(ranker.history(user))), ""),), rank_after=K + 1)
    checked = verify(ranker, index, user, shown, wrong)  # and the independent check rejects a wrong claim
    assert not checked.found and not checked.verified and checked.rank_after is None


def test_deterministic(ranker: Ranker, index: TinyIndex) -> None:
    item = shown_ids(ranker, index, 1, ShownList(k=K))[1]
    assert asdict(explain_shown(ranker, index, 1, item, ShownList(k=K))) == asdict(
        explain_shown(ranker, index, 1, item, ShownList(k=K))
    )


def test_errors_name_the_problem(ranker: Ranker, index: TinyIndex) -> None:
    with pytest.raises(UnknownItemError):
        explain_shown(ranker, index, 1, 999, ShownList(k=K))
    rated = int(ranker.seen(1)[0])
    with pytest.raises(NotRecommendedError, match=r"not even in the top 50|not in its top"):
        explain_shown(ranker, index, 1, rated, ShownList(k=K))
    outside = shown_ids(ranker, index, 1, ShownList(k=8))[-1]
    with pytest.raises(NotRecommendedError, match=f"#8 in the list, not in its top {K}"):
        explain_shown(ranker, index, 1, outside, ShownList(k=K))
