"""Hybrid recommendation on a small real index and a tiny LightGCN: constraints are never broken."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.catalog.index_fixtures import constraint_sets, shared_small_index
from tests.ranker.tiny import make_tiny_ranker
from whyrec.catalog.constraints import ConstraintError, Constraints
from whyrec.catalog.errors import UnknownItemError, UnknownUserError
from whyrec.catalog.index import ItemIndex
from whyrec.catalog.model import Catalog
from whyrec.errors import WhyrecError
from whyrec.ranker.config import HybridConfig
from whyrec.ranker.hybrid import admissible, hybrid_recommend
from whyrec.ranker.scoring import EMPTY_PROFILE_FALLBACK, Profile, Ranker


@pytest.fixture(scope="module")
def setup(catalog: Catalog) -> tuple[Ranker, ItemIndex]:
    small, index = shared_small_index(catalog)
    return make_tiny_ranker(small, dim=16, layers=2, train_epochs=2), index


@st.composite
def requests(draw: st.DrawFn, catalog: Catalog) -> dict:
    constraints = draw(constraint_sets(catalog, year_min_range=(1930, 2015), exclude_items=False))
    ids = [int(i) for i in catalog.item_ids]
    user = draw(
        st.sampled_from([int(u) for u in catalog.user_ids[:40]])
        | st.builds(lambda liked: Profile(liked=tuple(liked)), st.lists(st.sampled_from(ids), max_size=4, unique=True))
    )
    return {
        "user": user,
        "query": draw(st.sampled_from([None, "", "space adventure", "a romantic comedy in Paris"])),
        "like_ids": draw(st.lists(st.sampled_from(ids), max_size=2, unique=True)),
        "constraints": constraints,
        "k": draw(st.integers(1, 25)),
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_constraints_and_seen_items_are_never_violated(setup: tuple[Ranker, ItemIndex], data: st.DataObject) -> None:
    ranker, index = setup
    catalog = ranker.catalog
    req = data.draw(requests(catalog))
    result = hybrid_recommend(ranker, index, **req)
    ids = [it.item_id for it in result.items]
    forbidden = set(ranker.seen(req["user"]).tolist()) | set(req["like_ids"])
    assert all(req["constraints"].admits(catalog.item(i)) for i in ids)
    assert forbidden.isdisjoint(ids) and len(set(ids)) == len(ids)
    # the small catalog fits in the candidate pool, so exactly min(k, eligible) items come back
    eligible = int(admissible(catalog, req["constraints"].with_excluded(forbidden)).sum())
    assert len(ids) == min(req["k"], eligible)
    assert (result.note is not None) == (len(ids) < req["k"])
    assert [it.score for it in result.items] == sorted((it.score for it in result.items), reverse=True)
    has_semantic = bool((req["query"] or "").strip() or req["like_ids"])
    assert all((it.semantic is not None) == has_semantic and it.reasons for it in result.items)


def test_weights_decide_the_order(setup: tuple[Ranker, ItemIndex]) -> None:
    ranker, index = setup
    user = int(ranker.catalog.user_ids[0])
    only_text = hybrid_recommend(
        ranker, index, user, query="space adventure", k=8, config=HybridConfig(semantic_weight=1, gcn_weight=0)
    )
    sims = [it.semantic for it in only_text.items]
    assert sims == sorted(sims, reverse=True)  # type: ignore[type-var]
    only_gcn = hybrid_recommend(
        ranker, index, user, query="space adventure", k=8, config=HybridConfig(semantic_weight=0, gcn_weight=1)
    )
    expected = ranker.recommend(user, k=8)
    assert [it.item_id for it in only_gcn.items] == [s.item_id for s in expected.items]
    blended = hybrid_recommend(ranker, index, user, query="space adventure", k=8)
    assert blended.items[0].reasons[0] == "fits “space adventure”"
    assert all(not any(c.isdigit() for r in it.reasons for c in r) for it in blended.items)  # words, not scores
    liked = hybrid_recommend(ranker, index, Profile(liked=(2571,)), like_ids=[2571], k=5)
    assert all(it.reasons[0].startswith("because you liked The Matrix") for it in liked.items)


def test_constraint_reasons_and_short_lists(setup: tuple[Ranker, ItemIndex]) -> None:
    ranker, index = setup
    tight = Constraints(genres_include=("Film-Noir",), year_min=1940, year_max=1960)
    result = hybrid_recommend(ranker, index, Profile(), query="detective", constraints=tight, k=50)
    assert 0 < len(result.items) < 50 and result.note and "only" in result.note
    assert "only Film-Noir; from 1940 to 1960" in (result.note or "")  # said once, not on every film
    assert result.fallback == EMPTY_PROFILE_FALLBACK
    nothing = hybrid_recommend(
        ranker, index, Profile(), constraints=Constraints(genres_include=("Documentary", "Western")), k=5
    )
    assert nothing.items == () and nothing.note and "no item" in nothing.note


def test_liked_items_fold_into_the_gcn_score(setup: tuple[Ranker, ItemIndex]) -> None:
    ranker, index = setup
    liked = [int(ranker.catalog.item_ids[3])]
    result = hybrid_recommend(ranker, index, Profile(), like_ids=liked, k=5)
    assert result.fallback is None
    expected = ranker.score(Profile(liked=tuple(liked)), [it.item_id for it in result.items])
    assert np.allclose([it.gcn for it in result.items], expected, atol=1e-5)


def test_bad_requests_are_clear_errors(setup: tuple[Ranker, ItemIndex]) -> None:
    ranker, index = setup
    with pytest.raises(ConstraintError, match="unknown genre"):
        hybrid_recommend(ranker, index, Profile(), constraints=Constraints(genres_include=("Cowboy",)))
    with pytest.raises(UnknownItemError, match="424242424"):
        hybrid_recommend(ranker, index, Profile(), like_ids=[424242424])
    with pytest.raises(UnknownUserError):
        hybrid_recommend(ranker, index, 99999)
    with pytest.raises(WhyrecError, match="k must be at least 1"):
        hybrid_recommend(ranker, index, Profile(), k=0)
    with pytest.raises(WhyrecError, match="both zero"):
        hybrid_recommend(ranker, index, Profile(), config=HybridConfig(semantic_weight=0, gcn_weight=0))


def test_gcn_picks_must_be_as_relevant_as_the_retrievers(setup: tuple[Ranker, ItemIndex]) -> None:
    ranker, index = setup
    user = int(ranker.catalog.user_ids[1])
    config = HybridConfig(candidates=10)
    result = hybrid_recommend(ranker, index, user, query="space adventure", k=20, config=config)
    hidden = Constraints().with_excluded(ranker.seen(user).tolist())
    floor = min(h.score for h in index.search("space adventure", 10, constraints=hidden))
    assert result.items and all(it.semantic is not None and it.semantic >= floor - 1e-5 for it in result.items)
    gcn_top = {s.item_id for s in ranker.recommend(user, k=10).items}
    semantic_of = dict(zip(gcn_top, index.vectors(list(gcn_top)) @ index.encode("space adventure"), strict=True))
    assert {i for i, sim in semantic_of.items() if sim < floor - 1e-5}.isdisjoint(it.item_id for it in result.items)
