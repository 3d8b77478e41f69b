"""``whyrec bench retrieval``: the embedding retriever against BM25 on tag queries, plus latency.

Each MovieLens tag used on at least ``min_movies`` films is a query, and the films carrying it are
the relevant items. Tags are the labels, so the evaluation index is built from documents WITHOUT
tags (a separate temporary collection); otherwise a retriever would simply find the tag in the
text. Both retrievers see exactly the same documents.

Building it reuses the main index's vectors for the items whose tag-free document is identical
(those without tags); only the others are embedded, and the measured throughput gives the cost
of a full build.
"""

from __future__ import annotations

import math
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from whyrec.catalog.bm25 import BM25Retriever
from whyrec.catalog.documents import documents
from whyrec.catalog.index import Hit, ItemIndex, build_index, collection, index_fingerprint
from whyrec.catalog.vectorstore import MiniLMEmbeddingFunction, open_client

if TYPE_CHECKING:
    from chromadb.api.models.Collection import Collection

    from whyrec.catalog.model import Catalog
    from whyrec.config import AppConfig

Progress = Callable[[str, int, int], None]


def tag_queries(catalog: Catalog, min_movies: int = 5) -> dict[str, set[int]]:
    """Tag text -> ids of the films carrying it, for tags on at least ``min_movies`` films."""
    counts = Counter(tag for tags in catalog.items["tags"] for tag in set(tags))
    keep = {tag for tag, n in counts.items() if n >= min_movies}
    relevant: dict[str, set[int]] = {tag: set() for tag in sorted(keep)}
    for item_id, tags in catalog.items["tags"].items():
        for tag in set(tags) & keep:
            relevant[tag].add(int(item_id))  # type: ignore[arg-type]
    return relevant


def recall_ndcg(ranked: Sequence[int], relevant: set[int], k: int) -> tuple[float, float]:
    """Recall@k (hits / |relevant|) and binary nDCG@k (Järvelin & Kekäläinen 2002)."""
    gains = [1.0 if i in relevant else 0.0 for i in ranked[:k]]
    dcg = sum(g / math.log2(r + 2) for r, g in enumerate(gains))
    ideal = sum(1.0 / math.log2(r + 2) for r in range(min(len(relevant), k)))
    return sum(gains) / len(relevant), dcg / ideal


def _accuracy(results: dict[str, list[Hit]], relevant: dict[str, set[int]], k: int) -> dict[str, float]:
    scores = np.array([recall_ndcg([h.item_id for h in results[q]], relevant[q], k) for q in relevant])
    return {f"recall@{k}": round(float(scores[:, 0].mean()), 4), f"ndcg@{k}": round(float(scores[:, 1].mean()), 4)}


def _latency(search: Callable[[str], object], queries: list[str], n: int) -> dict[str, float]:
    for q in queries[:5]:
        search(q)  # warm-up: model loading and caches are not query latency
    times = []
    for j in range(n):
        start = time.perf_counter()
        search(queries[j % len(queries)])
        times.append((time.perf_counter() - start) * 1000)
    return {
        "p50_ms": round(float(np.percentile(times, 50)), 2),
        "p95_ms": round(float(np.percentile(times, 95)), 2),
        "n": n,
    }


def _exact_search(index: ItemIndex, queries: list[str], k: int) -> dict[str, set[int]]:
    """Exact top-k by brute-force cosine: how much the approximate HNSW search loses."""
    got = index.collection.get(include=["embeddings"])
    ids = np.array([int(i) for i in got["ids"]])
    vectors = np.asarray(got["embeddings"], dtype=np.float32)
    return {q: set(ids[np.argsort(-(vectors @ index.encode(q)))[:k]].tolist()) for q in queries}


def _seed_from_main(config: AppConfig, coll: Collection, docs: dict[int, tuple[str, Any]]) -> int:
    """Copy vectors of identical documents from the main index, if one is built; returns how many."""
    try:
        main = open_client(config).get_collection(config.chroma.collection)
    except Exception:  # no main index (or no server): everything gets embedded
        return 0
    got = main.get(include=["metadatas", "embeddings", "documents"])
    keep = [
        j
        for j, (i, m) in enumerate(zip(got["ids"], got["metadatas"] or [], strict=True))
        if int(i) in docs and m and m.get("hash") == docs[int(i)][1]["hash"]
    ]
    for start in range(0, len(keep), 1000):
        rows = keep[start : start + 1000]
        coll.add(
            ids=[got["ids"][j] for j in rows],
            embeddings=np.asarray(got["embeddings"])[rows],
            documents=[docs[int(got["ids"][j])][0] for j in rows],
            metadatas=[docs[int(got["ids"][j])][1] for j in rows],
        )
    return len(keep)


def run(
    config: AppConfig, catalog: Catalog, *, k: int = 20, latency_queries: int = 1000, progress: Progress | None = None
) -> dict[str, Any]:
    """The whole benchmark; a dict ready for JSON."""
    relevant = tag_queries(catalog)
    queries = list(relevant)
    docs = documents(catalog.items, catalog.genres, with_tags=False)
    titles = {int(i): str(t) for i, t in catalog.items["title"].items()}  # type: ignore[call-overload]
    with tempfile.TemporaryDirectory(prefix="whyrec-bench-") as tmp:
        local = config.model_copy(update={"home": Path(tmp), "chroma": config.chroma.model_copy(update={"url": None})})
        ef = MiniLMEmbeddingFunction()
        coll = collection(open_client(local), "bench-no-tags", ef)
        reused = _seed_from_main(config, coll, docs)
        start = time.perf_counter()
        report = build_index(
            coll,
            ef,
            catalog.items,
            catalog.genres,
            fingerprint=index_fingerprint(catalog, with_tags=False),
            with_tags=False,
            on_progress=(lambda d, t: progress("embedding tag-free documents", d, t)) if progress else None,
        )
        build_s = time.perf_counter() - start
        index = ItemIndex.checked(coll, catalog)
        emb: dict[str, list[Hit]] = {}
        for s in range(0, len(queries), 64):
            emb.update(zip(queries[s : s + 64], index.search_many(queries[s : s + 64], k), strict=True))
        exact = _exact_search(index, queries, k)
        start = time.perf_counter()
        bm25 = BM25Retriever({i: text for i, (text, _) in docs.items()}, titles)
        bm25_build_s = time.perf_counter() - start
        lexical = {q: bm25.search(q, k) for q in queries}
        emb_latency = _latency(lambda q: index.search(q, k), queries, latency_queries)
        bm25_latency = _latency(lambda q: bm25.search(q, k), queries, latency_queries)

    emb_acc, bm25_acc = _accuracy(emb, relevant, k), _accuracy(lexical, relevant, k)
    ann_recall = np.mean([len({h.item_id for h in emb[q]} & exact[q]) / max(len(exact[q]), 1) for q in queries])
    rate = report.embedded / build_s if report.embedded else None
    main_meta = {}
    try:
        main_meta = dict(open_client(config).get_collection(config.chroma.collection).metadata or {})
    except Exception:  # no main index built: nothing to report about it
        main_meta = {}
    return {
        "queries": len(queries),
        "relevant_per_query_mean": round(float(np.mean([len(r) for r in relevant.values()])), 1),
        "k": k,
        "documents": "title, year, genres, overview (tags left out: they are the labels)",
        "retrievers": {
            "embedding": {
                "model": "all-MiniLM-L6-v2 in Chroma (cosine, HNSW)",
                **emb_acc,
                f"hnsw_overlap_with_exact_top{k}": round(float(ann_recall), 4),
                "latency": emb_latency,
            },
            "bm25": {"model": "rank-bm25 BM25Okapi", **bm25_acc, "latency": bm25_latency},
        },
        "ndcg_ratio_embedding_over_bm25": round(emb_acc[f"ndcg@{k}"] / max(bm25_acc[f"ndcg@{k}"], 1e-9), 3),
        "goals": {
            "beats_bm25_on_ndcg": emb_acc[f"ndcg@{k}"] > bm25_acc[f"ndcg@{k}"],
            "p95_at_most_50ms": emb_latency["p95_ms"] <= 50.0,
        },
        "index_build": {
            "evaluation_index_s": round(build_s, 1),
            "embedded": report.embedded,
            "reused_from_main_index": reused,
            "docs_per_s": round(rate, 1) if rate else None,
            "full_build_estimate_s": round(catalog.n_items / rate, 1) if rate else None,
            "bm25_build_s": round(bm25_build_s, 2),
            "main_index_last_build": {key: main_meta.get(key) for key in ("build_s", "embedded", "items")},
        },
    }
