"""Why an item is recommended: a minimal set of the user's own interactions without which it leaves the top-k.

The explanation is a counterfactual on the ranker's input, in the spirit of PRINCE (Ghazimatin et al.,
WSDM 2020, https://arxiv.org/abs/1911.08378): remove some of the user's edges, re-propagate
LightGCN over the whole graph (no retraining) and look at the item's new rank. The search:

1. *Estimate.* Every history edge j gets a first-order estimate of how much removing it lowers the
   item's margin over the k-th competitor: the user's embedding holds ``e_j / sqrt(deg_u deg_j)``, so
   the estimate is ``e_j · (e_i - e_c) / sqrt(deg_j + 1)`` with final LightGCN item embeddings and
   ``e_c`` the mean of the items just outside the top-k. Users with hundreds of ratings need this.
2. *Exact singles.* The ``SHORTLIST`` best-estimated edges are removed one at a time in one batched
   re-propagation; their new ranks and score changes are the reported influences.
3. *Prefixes.* The strongest 2, 3, 4, 6, 8, 10 edges are removed together, in one batch; the smallest
   that works bounds the size. If none works the search stops: "not found within max_size", honestly.
4. *Greedy (or beam) growth* looks for a smaller set: each step tries the strongest few remaining
   edges on top of the kept sets, exactly, and keeps the sets with the smallest margin.
5. *Pruning.* Members whose removal is not needed are dropped, so no single member is redundant.
6. *Verification.* The final set is re-checked with a fresh ``all_scores(user, remove=S)``. Only a
   verified set is returned as ``found``.

A known user keeps their learned layer-0 embedding under the intervention (the ranker re-propagates,
it does not retrain), and that embedding already encodes their history; so for many recommendations
no small set of removed edges is enough, and the result says so rather than inventing one.
Ranks are among items the user has not seen, and that mask stays fixed under the intervention.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from whyrec.causal.ranks import item_embeddings, margin, rank_of, shown_mask
from whyrec.causal.results import Explanation, Influence, ItemRef
from whyrec.errors import WhyrecError
from whyrec.ranker.scoring import Ranker, UserRef

SHORTLIST = 8  # edges whose single removal is computed exactly (the rest are ranked by the estimate)
EXPAND = 2  # candidates tried on top of each kept set per step (2 vs 4: same sets found, p95 0.9 s vs 1.2 s)
PREFIX_SIZES = (2, 3, 4, 6, 8, 10, 15, 20, 30, 50)  # strongest-edge prefixes checked first
COMPETITORS = 5  # items just outside the top-k whose mean embedding stands for "the competition"


class NotRecommendedError(WhyrecError):
    """The item is not in the user's top-k, so there is no recommendation to explain."""


class _Probe:
    """Scores of the explained item under removal sets, with the mask fixed to the user's unseen items."""

    def __init__(self, ranker: Ranker, user: UserRef, pos: int, k: int) -> None:
        self.ranker, self.user, self.pos, self.k = ranker, user, pos, k
        self.allowed = shown_mask(ranker, user)
        self.ids = ranker.catalog.item_ids
        self.base = ranker.all_scores(user)

    def run(self, sets: Sequence[tuple[int, ...]]) -> list[tuple[int, float, float]]:
        """(rank, margin, score) of the item after removing each set, batched."""
        if not sets:
            return []
        scores = self.ranker.all_scores_many(self.user, [([int(self.ids[p]) for p in s], []) for s in sets])
        return [self._read(row) for row in scores]

    def verify(self, removal: tuple[int, ...]) -> int:
        """The item's rank after a fresh, unbatched recomputation without ``removal``."""
        return rank_of(
            self.ranker.all_scores(self.user, remove=[int(self.ids[p]) for p in removal]), self.allowed, self.pos
        )

    def _read(self, scores: np.ndarray) -> tuple[int, float, float]:
        return (
            rank_of(scores, self.allowed, self.pos),
            margin(scores, self.allowed, self.pos, self.k),
            float(scores[self.pos]),
        )


def explain(
    ranker: Ranker, user: UserRef, item_id: int, *, k: int = 10, max_size: int = 10, beam: int = 1, m: int = 5
) -> Explanation:
    """The smallest verified set of ``user``'s interactions whose removal drops ``item_id`` out of the top-``k``.

    Raises UnknownItemError for an unknown item and NotRecommendedError if it is not in the top-k.
    """
    if k < 1 or max_size < 1 or beam < 1 or m < 0:
        raise WhyrecError(
            f"k, max_size and beam must be at least 1 and m at least 0 (got {k}, {max_size}, {beam}, {m})"
        )
    catalog = ranker.catalog
    pos = int(catalog.item_index([item_id])[0])
    title = catalog.item(item_id).label
    probe = _Probe(ranker, user, pos, k)
    if not probe.allowed[pos]:
        raise NotRecommendedError(f"{title} is already among your ratings, so it is not a recommendation")
    rank_before = rank_of(probe.base, probe.allowed, pos)
    if rank_before > k:
        raise NotRecommendedError(f"{title} is #{rank_before} for you, not in your top {k}")
    history = np.unique(catalog.item_index(ranker.history(user)))
    ordered = _by_estimate(ranker, probe, history)
    candidates = ordered[:SHORTLIST]
    singles = dict(zip(candidates, probe.run([(p,) for p in candidates]), strict=True))
    # most influential first: exact singles, then the next best estimates up to max_size
    pool = sorted(candidates, key=lambda p: (singles[p][1], p)) + ordered[SHORTLIST:max_size]
    influences = tuple(
        Influence(int(catalog.item_ids[p]), catalog.item(int(catalog.item_ids[p])).label, r, s - float(probe.base[pos]))
        for p, (r, _, s) in sorted(singles.items(), key=lambda e: (-e[1][0], e[1][2], e[0]))[:m]
    )
    removal = _search(probe, pool, singles, max_size, beam)
    rank_after = probe.verify(removal) if removal else None
    verified = rank_after is not None and rank_after > k
    refs = tuple(ItemRef(int(catalog.item_ids[p]), catalog.item(int(catalog.item_ids[p])).label) for p in removal)
    return Explanation(
        item_id=item_id,
        title=title,
        k=k,
        rank_before=rank_before,
        rank_after=rank_after if verified else None,
        removal=refs if verified else (),
        found=verified,
        verified=verified,
        influences=influences,
        max_size=max_size,
        history_size=len(history),
    )


def _by_estimate(ranker: Ranker, probe: _Probe, history: np.ndarray) -> list[int]:
    """History positions by their first-order estimate, strongest first (a short history is all checked exactly)."""
    if len(history) <= SHORTLIST:
        return [int(p) for p in history]
    emb = item_embeddings(ranker)
    ranked = np.flatnonzero(probe.allowed)
    ranked = ranked[np.argsort(-probe.base[ranked], kind="stable")]
    beyond = ranked[ranked != probe.pos][probe.k : probe.k + COMPETITORS]
    direction = emb[probe.pos] - emb[beyond].mean(axis=0)
    degree = np.bincount(ranker.graph.items, minlength=ranker.catalog.n_items)[history]
    estimate = emb[history] @ direction / np.sqrt(degree + 1.0)
    return [int(p) for p in history[np.lexsort((history, -estimate))]]


def _search(
    probe: _Probe, pool: list[int], singles: dict[int, tuple[int, float, float]], max_size: int, beam: int
) -> tuple[int, ...]:
    """The smallest pruned removal set that drops the item out of the top-k; () if none within ``max_size``.

    A few prefixes of the pool (the 2, 3, 4, 6, ... strongest edges) are checked in one batch; the
    smallest that works bounds the size. A greedy (``beam`` wide) search then looks for a smaller set,
    each step trying the strongest few remaining edges on top of the kept sets; whichever set wins is pruned.
    """
    k = probe.k
    single = [(mg, (p,)) for p, (r, mg, _) in singles.items() if r > k]
    if single:
        return min(single)[1]
    sizes = [n for n in PREFIX_SIZES if n <= min(max_size, len(pool))]
    if min(max_size, len(pool)) not in sizes and min(max_size, len(pool)) > 1:
        sizes.append(min(max_size, len(pool)))
    prefixes = [tuple(sorted(pool[:n])) for n in sizes]
    works = [s for s, (r, _, _) in zip(prefixes, probe.run(prefixes), strict=True) if r > k]
    if not works:
        return ()
    frontier: list[tuple[float, tuple[int, ...]]] = [(singles[p][1], (p,)) for p in pool[:beam]]
    for _size in range(2, len(works[0])):
        tried = sorted({tuple(sorted((*s, p))) for _, s in frontier for p in [q for q in pool if q not in s][:EXPAND]})
        results = probe.run(tried)
        found = [(mg, s) for s, (r, mg, _) in zip(tried, results, strict=True) if r > k]
        if found:
            return _prune(probe, min(found)[1])
        frontier = sorted((mg, s) for s, (_, mg, _) in zip(tried, results, strict=True))[:beam]
    return _prune(probe, works[0])


def _prune(probe: _Probe, removal: tuple[int, ...]) -> tuple[int, ...]:
    """Drop members while the rest still pushes the item out, so no single member is redundant."""
    while len(removal) > 1:
        smaller = [tuple(q for q in removal if q != p) for p in removal]
        results = probe.run(smaller)
        still = [(mg, s) for s, (r, mg, _) in zip(smaller, results, strict=True) if r > probe.k]
        if not still:
            break
        removal = min(still)[1]
    return removal
