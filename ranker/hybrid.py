"""Hybrid recommendation: retrieve by meaning, rank by taste, never break a hard constraint.

Candidates are the union of the retriever's nearest items (to the text query and to the mean of
the liked items) and the LightGCN's personal top-N, all drawn only from items that meet the
constraints and that the user has not seen or liked. When there is a query or liked items, a GCN
pick stays only if it is at least as similar as the least similar retrieved item: it must answer
the request as well as what the retriever found (without this floor, a user's favourite genre
crowded "a heist with a twist" out with unrelated films). Every candidate gets both scores,
computed exactly rather than only where a source happened to return it:

- ``semantic``: cosine similarity to the query, to the liked items' centroid, or the mean of the two;
- ``gcn``: the LightGCN score with the liked items folded in as the user's edges (a chat user who
  says "like Heat" is scored as someone who watched Heat).

Both are min-max normalised over the candidates and blended with ``HybridConfig`` weights; when one
signal is absent (no query and no liked items) the other carries the whole weight. This is the
retrieve-then-rank design of two-tower systems (Covington et al. 2016,
https://dl.acm.org/doi/10.1145/2959100.2959190) with the GCN as the personal tower.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from whyrec.catalog.constraints import Constraints
from whyrec.catalog.index import ItemIndex
from whyrec.catalog.model import Catalog
from whyrec.errors import WhyrecError
from whyrec.ranker.config import HybridConfig
from whyrec.ranker.scoring import EMPTY_PROFILE_FALLBACK, Profile, Ranker, UserRef


@dataclass(frozen=True)
class HybridItem:
    item_id: int
    title: str
    year: int | None
    genres: tuple[str, ...]
    score: float  # the blend, in [0, 1]
    semantic: float | None  # cosine similarity (None when there was no query and no liked item)
    gcn: float | None  # raw LightGCN score
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class HybridResult:
    items: tuple[HybridItem, ...]
    requested_k: int
    note: str | None = None  # set when fewer than k items meet the constraints
    fallback: str | None = None  # e.g. "popularity (empty profile)"


def admissible(catalog: Catalog, constraints: Constraints) -> np.ndarray:
    """Boolean mask over ``catalog.item_ids`` of the items that meet ``constraints``."""
    return constraints.mask(catalog)


def _normalise(values: np.ndarray) -> np.ndarray:
    """Min-max to [0, 1]; a constant vector maps to 1 (every candidate is equally the best)."""
    low, high = float(values.min()), float(values.max())
    return np.ones_like(values) if high - low < 1e-12 else (values - low) / (high - low)


def hybrid_recommend(
    ranker: Ranker,
    index: ItemIndex,
    user: UserRef,
    *,
    query: str | None = None,
    like_ids: Sequence[int] = (),
    constraints: Constraints = Constraints(),
    k: int = 10,
    config: HybridConfig = HybridConfig(),
) -> HybridResult:
    """The top-``k`` items for ``user`` matching ``query``/``like_ids`` under hard ``constraints``."""
    catalog = ranker.catalog
    if k < 1:
        raise WhyrecError(f"k must be at least 1 (got {k})")
    valid = constraints.validate(catalog)
    liked = list(dict.fromkeys(int(i) for i in like_ids))
    catalog.item_index(liked)  # UnknownItemError names unknown ids
    seen = ranker.seen(user)  # UnknownUserError for unknown users
    hidden = valid.with_excluded([*seen.tolist(), *liked])
    allowed = admissible(catalog, hidden)

    # --- candidates: retriever ∪ GCN top-N, all admissible by construction ---
    n = config.candidates
    text = (query or "").strip()
    retrieved: dict[int, None] = {}
    if text:
        retrieved.update((h.item_id, None) for h in index.search(text, n, constraints=hidden))
    if liked:
        retrieved.update((h.item_id, None) for h in index.more_like(liked, n, constraints=hidden))
    pool = dict(retrieved)
    history = set(ranker.history(user).tolist())
    gcn_all = ranker.all_scores(user, add=[i for i in liked if i not in history]).astype(np.float64)
    positions = np.flatnonzero(allowed)
    top = positions[np.lexsort((positions, -gcn_all[positions]))[:n]]
    pool.update((int(catalog.item_ids[p]), None) for p in top)
    ids = np.fromiter(pool, dtype=np.int64, count=len(pool))
    ids = ids[allowed[catalog.item_index(ids)]] if len(ids) else ids  # defence in depth: hard means hard
    if len(ids) == 0:
        return HybridResult((), k, note=f"no item meets the constraints ({_describe(valid)})")

    # --- scores on every candidate; the GCN's picks must be as relevant as the retriever's ---
    semantic = _semantic(index, ids, text, liked)
    if semantic is not None and retrieved:
        is_retrieved = np.isin(ids, list(retrieved))
        keep = is_retrieved | (semantic >= semantic[is_retrieved].min())
        ids, semantic = ids[keep], semantic[keep]
    gcn = gcn_all[catalog.item_index(ids)]
    w_sem = config.semantic_weight if semantic is not None else 0.0
    w_gcn = config.gcn_weight
    if w_sem + w_gcn <= 0:
        raise WhyrecError("hybrid weights are both zero; set hybrid.semantic_weight or hybrid.gcn_weight above 0")
    blend = w_gcn * _normalise(gcn)
    if semantic is not None:
        blend = blend + w_sem * _normalise(semantic)
    blend /= w_sem + w_gcn
    order = np.lexsort((ids, -blend))[:k]

    fallback = None
    if isinstance(user, Profile) and not history and not liked:
        fallback = EMPTY_PROFILE_FALLBACK
    met = valid.describe()
    results = []
    for j in order:
        item = catalog.item(int(ids[j]))
        sem = None if semantic is None else float(semantic[j])
        reasons = [_semantic_reason(sem, text, liked, catalog), _gcn_reason(float(gcn[j]), fallback)]
        if met:
            reasons.append("meets " + "; ".join(met))
        results.append(
            HybridItem(
                item_id=item.item_id,
                title=item.title,
                year=item.year,
                genres=item.genres,
                score=float(blend[j]),
                semantic=sem,
                gcn=float(gcn[j]),
                reasons=tuple(r for r in reasons if r),
            )
        )
    note = None
    if len(results) < k:
        note = f"only {len(results)} of the {k} requested items meet the constraints ({_describe(valid)})"
    return HybridResult(tuple(results), k, note=note, fallback=fallback)


def _semantic(index: ItemIndex, ids: np.ndarray, text: str, liked: list[int]) -> np.ndarray | None:
    """Cosine similarity of each candidate to the query and/or the liked items' centroid (their mean)."""
    targets = []
    if text:
        targets.append(index.encode(text))
    if liked:
        centre = index.vectors(liked).mean(axis=0)
        targets.append(centre / max(float(np.linalg.norm(centre)), 1e-12))
    if not targets:
        return None
    vectors = index.vectors(ids.tolist())
    return (vectors @ np.stack(targets).T).mean(axis=1).astype(np.float64)


def _semantic_reason(sem: float | None, text: str, liked: list[int], catalog: Catalog) -> str:
    if sem is None:
        return ""
    targets = []
    if text:
        targets.append(f"“{text}”")
    if liked:
        names = ", ".join(catalog.item(i).label for i in liked[:3]) + (" …" if len(liked) > 3 else "")
        targets.append(f"items like {names}")
    return f"semantic match {sem:.2f} to {' and '.join(targets)}"


def _gcn_reason(score: float, fallback: str | None) -> str:
    if fallback:
        return f"no taste profile yet: ranked by {fallback.split(' (')[0]} ({score:.2f})"
    return f"GCN personal score {score:.2f}"


def _describe(valid: Constraints) -> str:
    return "; ".join([*valid.describe(), "not already seen or liked"])
