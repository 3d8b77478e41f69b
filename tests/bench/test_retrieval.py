"""The retrieval benchmark's metrics and query set (the benchmark itself runs in `whyrec bench retrieval`)."""

from __future__ import annotations

import math

import pytest

from whyrec.bench.retrieval import recall_ndcg, tag_queries
from whyrec.catalog.bm25 import BM25Retriever, tokenize


def test_recall_and_ndcg_by_hand() -> None:
    assert recall_ndcg([1, 2, 3], {1, 2, 3}, 3) == (1.0, 1.0)
    assert recall_ndcg([9, 8], {1}, 2) == (0.0, 0.0)
    recall, ndcg = recall_ndcg([9, 1, 8], {1, 2}, 3)
    assert recall == 0.5
    assert ndcg == pytest.approx((1 / math.log2(3)) / (1 + 1 / math.log2(3)))


def test_tag_queries_keep_tags_on_at_least_five_movies(catalog) -> None:
    queries = tag_queries(catalog, min_movies=5)
    assert queries and all(len(ids) >= 5 for ids in queries.values())
    tag, ids = next(iter(queries.items()))
    assert all(tag in catalog.item(i).tags for i in ids)


def test_bm25_ranks_lexical_matches_first() -> None:
    docs = {1: "a time travel comedy", 2: "a quiet drama", 3: "time and travel and time travel again"}
    retriever = BM25Retriever(docs, {1: "A", 2: "B", 3: "C"})
    hits = retriever.search("time travel", 3)
    assert {h.item_id for h in hits} == {1, 3} and tokenize("Sci-Fi, 1999!") == ["sci", "fi", "1999"]
