"""What-if interventions on a tiny real LightGCN: the ranker's own lists, consistent moves, checked inputs."""

from __future__ import annotations

import re

import pytest

from tests.causal.tiny_graph import COMEDIES, tiny_ranker
from whyrec.catalog.errors import UnknownItemError
from whyrec.causal.results import WhatIf
from whyrec.causal.whatif import representative, what_if
from whyrec.errors import WhyrecError
from whyrec.ranker.scoring import Profile, Ranker

K = 4


@pytest.fixture(scope="module")
def ranker() -> Ranker:
    return tiny_ranker()


def ids(items: tuple) -> list[int]:  # type: ignore[type-arg]
    return [i.item_id for i in items]


def check_moves(w: WhatIf) -> None:
    before, after = ids(w.before), ids(w.after)
    assert ids(w.entered) == [i for i in after if i not in before]
    assert ids(w.left) == [i for i in before if i not in after]
    assert {m.item_id for m in w.moved} == {i for i in after if i in before and before.index(i) != after.index(i)}
    for m in (*w.entered, *w.left, *w.moved):
        assert m.cause
        assert not re.search(r"\d\.\d", m.cause), m.cause  # causes in words; the scores are in before/after


def test_remove_matches_the_rankers_own_intervention(ranker: Ranker) -> None:
    removed = [int(i) for i in ranker.history(1)[:2]]
    w = what_if(ranker, 1, "remove", item_ids=removed, k=K)
    assert ids(w.before) == [s.item_id for s in ranker.recommend(1, K).items]
    assert ids(w.after) == [s.item_id for s in ranker.recommend(1, K, remove=removed).items]
    assert ids(w.intervened) == removed and w.kind == "remove"
    check_moves(w)


def test_add_for_a_chat_user_hides_the_added_item(ranker: Ranker) -> None:
    user = Profile(liked=(1, 9))
    top = ranker.recommend(user, K).items[0].item_id
    w = what_if(ranker, user, "add", item_ids=[top], k=K)
    assert top not in ids(w.after)
    assert ids(w.after) == [s.item_id for s in ranker.recommend(user, K, add=[top]).items]
    left = next(m for m in w.left if m.item_id == top)
    assert left.rank_before == 1 and left.rank_after is None and "now one of your ratings" in left.cause
    check_moves(w)


def test_more_genre_adds_the_most_representative_unseen_items(ranker: Ranker) -> None:
    w = what_if(ranker, 2, "more_genre", genre="comedy", k=K, n=3)
    added = ids(w.intervened)
    seen = {int(i) for i in ranker.seen(2)}
    assert len(added) == 3 and set(added) <= COMEDIES and not set(added) & seen
    assert added == representative(ranker, "Comedy", seen, 3)
    pure = [i for i in COMEDIES - seen if i not in (2, 3)]  # purity: single-genre comedies outrank comedy-dramas
    items = ranker.catalog.items
    assert added[0] == max(pure, key=lambda i: (int(items.loc[i, "popularity"]), -i))
    assert "3 more Comedy films" in w.description
    check_moves(w)


def test_exclude_genre_removes_the_users_edges_and_hides_the_genre(ranker: Ranker) -> None:
    user = 3
    w = what_if(ranker, user, "exclude_genre", genre="Drama", k=K)
    history = {int(i) for i in ranker.history(user)}
    dramas = {i for i in range(1, 17) if "Drama" in ranker.catalog.item(i).genres}
    assert set(ids(w.intervened)) == history & dramas
    assert not set(ids(w.after)) & dramas
    for m in w.left:
        if m.item_id in dramas:
            assert m.rank_after is None and "excluded" in m.cause
    check_moves(w)


def test_invalid_inputs_get_clear_errors(ranker: Ranker) -> None:
    history = [int(i) for i in ranker.history(1)]
    unseen = next(i for i in range(1, 17) if i not in set(int(s) for s in ranker.seen(1)))
    with pytest.raises(UnknownItemError):
        what_if(ranker, 1, "remove", item_ids=[999])
    with pytest.raises(WhyrecError, match="cannot be removed"):
        what_if(ranker, 1, "remove", item_ids=[unseen])
    with pytest.raises(WhyrecError, match="cannot be added"):
        what_if(ranker, 1, "add", item_ids=[history[0]])
    with pytest.raises(WhyrecError, match="unknown genre 'Western'; known genres: Comedy, Drama"):
        what_if(ranker, 1, "more_genre", genre="Western")
    with pytest.raises(WhyrecError, match="unknown what-if kind"):
        what_if(ranker, 1, "shuffle")
    with pytest.raises(WhyrecError, match="needs item ids"):
        what_if(ranker, 1, "add")


def test_any_rated_film_can_be_named_and_a_low_rating_changes_nothing() -> None:
    import pandas as pd

    from tests.ranker.tiny import make_tiny_catalog, make_tiny_ranker, random_edges

    catalog = make_tiny_catalog(6, 12, random_edges(6, 12, 4, seed=5))
    low = next(i for i in range(1, 13) if i not in set(catalog.ratings.loc[catalog.ratings["user_id"] == 1, "item_id"]))
    row = pd.DataFrame([{"user_id": 1, "item_id": low, "rating": 2.0, "timestamp": 0}]).astype(catalog.ratings.dtypes)
    catalog.ratings = pd.concat([catalog.ratings, row], ignore_index=True)  # rated, but below the positives
    ranker = make_tiny_ranker(catalog, users="propagated")
    w = what_if(ranker, 1, "remove", item_ids=[low], k=4)
    assert [r.item_id for r in w.before] == [r.item_id for r in w.after] and not w.entered and not w.left
    assert "below the positive threshold" in w.description
