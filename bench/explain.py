"""``whyrec bench explain``: counterfactual explanations against the usual "similar items" story, on the same pairs.

Pairs (user, item) are drawn, seeded, from users' LightGCN top-k lists. For each pair our search
returns a removal set; its validity is re-checked from scratch with ``Ranker.recommend(remove=...)``
(independent of the search's own rank code). Two baselines get the same size as ours on the same pairs:
(a) the history items most similar to the explained item (cosine of final LightGCN item embeddings),
the explanation most recommenders show; (b) random history items. Their validity is how often removing
them really drops the item out of the top-k.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from whyrec.causal.counterfactual import explain
from whyrec.causal.ranks import item_embeddings
from whyrec.ranker.scoring import Ranker


def drops(ranker: Ranker, user: int, item_id: int, removal: list[int], k: int) -> bool:
    """Does removing ``removal`` push ``item_id`` out of ``user``'s top-``k``? (a fresh ``recommend``)."""
    return item_id not in {s.item_id for s in ranker.recommend(user, k, remove=removal).items}


def sample_pairs(ranker: Ranker, n_pairs: int, k: int, seed: int) -> list[tuple[int, int, int]]:
    """(user, item, rank) with users drawn without replacement and a uniform item from each one's top-k."""
    rng = np.random.default_rng(seed)
    users = rng.permutation(ranker.catalog.user_ids)[:n_pairs]
    pairs = []
    for user in users:
        top = ranker.recommend(int(user), k).items
        pick = top[int(rng.integers(len(top)))]
        pairs.append((int(user), pick.item_id, pick.rank))
    return pairs


def run(ranker: Ranker, *, n_pairs: int = 200, k: int = 10, max_size: int = 10, seed: int = 0) -> dict[str, Any]:
    catalog, emb = ranker.catalog, item_embeddings(ranker)
    unit = emb / np.maximum(np.linalg.norm(emb, axis=1, keepdims=True), 1e-12)
    rng = np.random.default_rng(seed + 1)
    sizes, seconds, valid, similar_valid, random_valid = [], [], [], [], []
    for user, item_id, _rank in sample_pairs(ranker, n_pairs, k, seed):
        start = time.perf_counter()
        result = explain(ranker, user, item_id, k=k, max_size=max_size)
        seconds.append(time.perf_counter() - start)
        if not result.found:
            continue
        size = len(result.removal)
        sizes.append(size)
        valid.append(drops(ranker, user, item_id, [r.item_id for r in result.removal], k))
        history = ranker.history(user)
        sims = unit[catalog.item_index(history)] @ unit[catalog.item_index([item_id])[0]]
        similar = history[np.lexsort((history, -sims))[:size]]
        similar_valid.append(drops(ranker, user, item_id, [int(i) for i in similar], k))
        randoms = rng.choice(history, size=size, replace=False)
        random_valid.append(drops(ranker, user, item_id, [int(i) for i in randoms], k))
    found = len(sizes)
    ms = np.asarray(seconds) * 1000
    return {
        "pairs": len(seconds),
        "k": k,
        "max_size": max_size,
        "ours": {
            "found": found / max(len(seconds), 1),
            "validity": float(np.mean(valid)) if valid else None,
            "explainable_size_le_5": sum(s <= 5 for s in sizes) / max(len(seconds), 1),
            "mean_size": float(np.mean(sizes)) if sizes else None,
            "median_size": float(np.median(sizes)) if sizes else None,
            "p50_ms": float(np.percentile(ms, 50)) if len(ms) else None,
            "p95_ms": float(np.percentile(ms, 95)) if len(ms) else None,
        },
        "similar_items_baseline": {"validity": float(np.mean(similar_valid)) if similar_valid else None},
        "random_baseline": {"validity": float(np.mean(random_valid)) if random_valid else None},
        "note": "baselines use the same set size as ours on the pairs ours explained",
    }
