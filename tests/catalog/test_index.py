"""The item index on a small real index: filters always honoured, incremental rebuilds, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.catalog.index_fixtures import CountingEmbedder, constraint_sets, shared_small_index
from whyrec.catalog.constraints import ConstraintError, Constraints
from whyrec.catalog.errors import ArtifactError, UnknownItemError
from whyrec.catalog.index import ItemIndex, build_index, collection, index_fingerprint
from whyrec.catalog.model import Catalog
from whyrec.catalog.vectorstore import (
    EF_SEARCH,
    IndexUnavailableError,
    MiniLMEmbeddingFunction,
    open_client,
    where_filter,
)
from whyrec.config import load_config
from whyrec.errors import WhyrecError

QUERIES = ["", "time travel", "a heist with a twist", "animated talking animals", "war documentary"]


@pytest.fixture(scope="module")
def small(catalog: Catalog) -> Catalog:
    return shared_small_index(catalog)[0]


@pytest.fixture(scope="module")
def index(catalog: Catalog) -> ItemIndex:
    return shared_small_index(catalog)[1]


def admitted(catalog: Catalog, constraints: Constraints) -> list[int]:
    return [int(i) for i in catalog.item_ids if constraints.admits(catalog.item(int(i)))]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), query=st.sampled_from(QUERIES), k=st.integers(1, 40))
def test_filters_are_always_honoured(index: ItemIndex, small: Catalog, data: st.DataObject, query: str, k: int) -> None:
    constraints = data.draw(constraint_sets(small))
    hits = index.search(query, k, constraints=constraints)
    ids = [h.item_id for h in hits]
    assert all(constraints.admits(small.item(i)) for i in ids)
    assert len(set(ids)) == len(ids)
    # nothing admissible is lost either: exactly min(k, admissible) hits come back
    assert len(ids) == min(k, len(admitted(small, constraints)))
    if query:
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    else:  # filter-only browse: most popular first, score 1.0
        pops = [small.item(i).popularity for i in ids]
        assert pops == sorted(pops, reverse=True) and all(h.score == 1.0 for h in hits)


def test_semantic_search_and_more_like(index: ItemIndex, small: Catalog) -> None:
    assert index.search("Toy Story, Pixar toys come to life", 3)[0].item_id == 1
    assert index.search("The Matrix", 1)[0].title == "The Matrix"
    similar = index.more_like([1], 10)
    assert 1 not in {h.item_id for h in similar} and len(similar) == 10
    assert all(-1.0 <= h.score <= 1.0 for h in similar)
    no_comedy = index.more_like([1, 2571], 5, constraints=Constraints(genres_exclude=("Comedy",)))
    assert all("Comedy" not in small.item(h.item_id).genres for h in no_comedy)
    assert {1, 2571}.isdisjoint(h.item_id for h in no_comedy)


def test_undated_items_never_pass_a_year_bound(index: ItemIndex, small: Catalog) -> None:
    undated = {int(i) for i in small.items.index[small.items["year"].isna()]}
    assert undated, "the small catalog should hold undated items"
    everything = {h.item_id for h in index.search("", 500)}
    assert undated <= everything
    bounded = {h.item_id for h in index.search("", 500, constraints=Constraints(year_min=1800))}
    assert bounded.isdisjoint(undated)


def test_rebuild_embeds_only_new_or_changed_items(small: Catalog, tmp_home: Path) -> None:
    items = small.items.iloc[:12].copy()
    embedder = CountingEmbedder()
    ef = MiniLMEmbeddingFunction(embedder)
    coll = collection(open_client(load_config(home=tmp_home)), "items", ef)
    first = build_index(coll, ef, items, small.genres, fingerprint="a")
    assert (first.embedded, first.deleted, len(embedder.encoded)) == (12, 0, 12)

    changed_id = int(items.index[3])
    items.loc[changed_id, "overview"] = "A lighthouse keeper befriends a whale."
    items.loc[int(items.index[4]), "popularity"] += 7  # metadata only: updated, not embedded
    items = items.drop(index=items.index[5])
    embedder.encoded.clear()
    second = build_index(coll, ef, items, small.genres, fingerprint="b")
    assert (second.embedded, second.updated, second.deleted, second.total) == (1, 1, 1, 11)
    assert len(embedder.encoded) == 1 and "lighthouse" in embedder.encoded[0]
    assert coll.count() == 11 and coll.metadata["fingerprint"] == "b"

    embedder.encoded.clear()
    third = build_index(coll, ef, items, small.genres, fingerprint="b")
    assert (third.embedded, third.updated, third.deleted, embedder.encoded) == (0, 0, 0, [])


def test_missing_or_empty_or_stale_index_is_a_clear_error(small: Catalog, tmp_home: Path) -> None:
    config = load_config(home=tmp_home)
    with pytest.raises(ArtifactError, match=r"not built.*whyrec prepare"):
        ItemIndex.open(config, small)
    collection(open_client(config), config.chroma.collection, MiniLMEmbeddingFunction())
    with pytest.raises(ArtifactError, match="empty"):
        ItemIndex.open(config, small)
    ef = MiniLMEmbeddingFunction()
    coll = collection(open_client(config), config.chroma.collection, ef)
    build_index(coll, ef, small.items.iloc[:3], small.genres, fingerprint="from another catalog")
    with pytest.raises(ArtifactError, match="another catalog"):
        ItemIndex.open(config, small)


def test_bad_requests_are_clear_errors(index: ItemIndex) -> None:
    with pytest.raises(ConstraintError, match="unknown genre: 'Cowboy'"):
        index.search("x", constraints=Constraints(genres_include=("Cowboy",)))
    with pytest.raises(ConstraintError, match="after year_max"):
        index.search("", constraints=Constraints(year_min=2000, year_max=1990))
    with pytest.raises(WhyrecError, match="k must be at least 1"):
        index.search("x", 0)
    with pytest.raises(UnknownItemError, match="987654321"):
        index.more_like([987654321])
    with pytest.raises(WhyrecError, match="at least one item"):
        index.more_like([])


def test_unreachable_server_names_the_url(tmp_home: Path) -> None:
    config = load_config(home=tmp_home, chroma={"url": "http://127.0.0.1:9"})
    with pytest.raises(IndexUnavailableError, match=r"http://127\.0\.0\.1:9"):
        open_client(config)


def test_fingerprint_tracks_catalog_and_tags(small: Catalog) -> None:
    assert index_fingerprint(small) != index_fingerprint(small, with_tags=False)
    assert small.fingerprint in index_fingerprint(small)


def test_query_encoding_leaves_torch_threads_as_they_were() -> None:
    import threading

    import torch

    ef = MiniLMEmbeddingFunction()
    before = torch.get_num_threads()
    workers = [threading.Thread(target=lambda: [ef(["a quiet film"]) for _ in range(5)]) for _ in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert torch.get_num_threads() == before


def test_where_filter_shapes() -> None:
    assert where_filter(Constraints()) is None
    assert where_filter(Constraints(year_min=1990)) == {"year": {"$gte": 1990}}
    both = where_filter(Constraints(genres_include=("Drama",), genres_exclude=("Horror",), exclude_ids=(5,)))
    assert both == {"$and": [{"g_Drama": {"$eq": True}}, {"g_Horror": {"$eq": False}}, {"item_id": {"$nin": [5]}}]}
    either = where_filter(Constraints(genres_any=("Comedy", "Horror"), year_max=1999))
    assert either == {
        "$and": [{"$or": [{"g_Comedy": {"$eq": True}}, {"g_Horror": {"$eq": True}}]}, {"year": {"$lte": 1999}}]
    }


def test_collections_search_wide_enough(tmp_home: Path) -> None:
    client = open_client(load_config(home=tmp_home))
    ef = MiniLMEmbeddingFunction()
    client.create_collection(
        "old", configuration={"hnsw": {"space": "cosine", "ef_search": 100}}, embedding_function=ef
    )
    for name in ("old", "new"):
        coll = collection(client, name, ef)
        assert coll.configuration_json["hnsw"]["ef_search"] == EF_SEARCH
        assert coll.configuration_json["hnsw"]["space"] == "cosine"
