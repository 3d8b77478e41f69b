"""Why a film is in the list a person saw: the fewest of their own films without which it leaves that list.

The list is remade exactly as it was shown (:func:`whyrec.ranker.hybrid.hybrid_recommend`: the same
words, liked films, filters and length), for a MovieLens user and a chat user alike; removing films
is a real intervention on its inputs: their edges leave the LightGCN graph (re-propagated, not
retrained) and they leave the request's liked films. The search follows PRINCE (Ghazimatin et al.,
WSDM 2020, https://arxiv.org/abs/1911.08378):

1. *Estimate.* A user's LightGCN embedding is a sum over their edges
   (:mod:`whyrec.causal.edge_influence`), so the effect of removing any set on every score is one
   matrix product. A greedy search on that model removes, step by step, the film that most lowers the
   item's margin over the k-th other item; its first step also ranks the films one by one.
2. *Exact singles.* The ``SHORTLIST`` films with the largest estimated single effect are removed one
   at a time; their new ranks and how much each shrinks the item's lead over the k-th other film are
   the reported influences.
3. *Sets.* While a size has few sets (a chat user's few films), every set of it is tried, smallest
   size first, since removals do not add up (taking away all of a chat user's films can leave a
   popular film in place that two of them put there). Past that, the greedy's first films, from that
   size up to ``max_size``, are removed together, exactly, in one batch; the smallest that works is
   kept. If nothing works within ``max_size``, the result says so: it never guesses. (Growing sets
   from the best singles instead found 2 of the 40 sets the greedy missed in ``whyrec bench
   explain``, at over 1 s a pair.)
4. *Pruning* drops members whose removal is not needed, so no member is redundant.

Each tried set is scored through the whole pipeline, with the GCN scores of a batch of sets computed
in one re-propagation. The found set is then checked by :mod:`whyrec.causal.verify`, which rebuilds
the graph without it and propagates with PyG's stock ``LGConv``: a check independent of the search.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations
from math import comb
from typing import Any

import numpy as np

from whyrec.catalog.constraints import Constraints
from whyrec.causal.edge_influence import edge_model, greedy_removals
from whyrec.causal.ranks import shown_mask
from whyrec.causal.results import Explanation, Influence, ItemRef
from whyrec.errors import WhyrecError
from whyrec.ranker.config import HybridConfig
from whyrec.ranker.hybrid import Retriever, hybrid_recommend
from whyrec.ranker.prior import DialoguePrior
from whyrec.ranker.scoring import Profile, Ranker, UserRef

SHORTLIST = 8  # films whose single removal is computed exactly (the rest are ranked by the estimate)
EXHAUSTIVE = 64  # every set of a size is tried while there are no more than this (a chat user's few films)
DEPTH = 50  # list length each variant is remade to (ranks past it are "out of the list")


class NotRecommendedError(WhyrecError):
    """The item is not in the list the person saw, so there is no recommendation to explain."""


@dataclass(frozen=True)
class ShownList:
    """The request a list was made from, so that it can be made again with some films removed."""

    query: str | None = None
    like: tuple[int, ...] = ()
    constraints: Constraints = field(default_factory=Constraints)
    k: int = 10
    config: HybridConfig = field(default_factory=HybridConfig)
    prior: DialoguePrior | None = field(default=None, compare=False)  # the dialogue prior, if blended
    named: tuple[int, ...] = ()  # the conversation's other films, the prior's seeds (hybrid_recommend)
    asked: tuple[str, ...] = ()  # genres the person asked for earlier, a preference of the prior's
    topic: str | None = None  # the conversation's last turns when the list was made, blended with the prior


def without(user: UserRef, removed: Sequence[int]) -> Profile:
    """``user`` with ``removed`` out of their edges; they stay seen, so they are never recommended."""
    if isinstance(user, Profile):
        liked = tuple(i for i in user.liked if i not in removed)
        return Profile(liked, tuple(dict.fromkeys((*user.disliked, *removed))), user.user_id)
    return Profile((), tuple(removed), int(user))


class _Memo:
    """The item index with its retrievals memoised: variants that keep the request's words share them."""

    def __init__(self, index: Retriever) -> None:
        self.index = index
        self._search = lru_cache(maxsize=64)(lambda q, k, c: index.search(q, k, constraints=c))
        self._like = lru_cache(maxsize=64)(lambda ids, k, c: index.more_like(list(ids), k, constraints=c))

    def search(self, query: str, k: int = 10, *, constraints: Constraints = Constraints()) -> list[Any]:
        return self._search(query, k, constraints)  # type: ignore[no-any-return]

    def more_like(self, item_ids: Sequence[int], k: int = 10, *, constraints: Constraints = Constraints()) -> list[Any]:
        return self._like(tuple(item_ids), k, constraints)  # type: ignore[no-any-return]

    def encode(self, text: str) -> np.ndarray:
        return self.index.encode(text)

    def vectors(self, item_ids: Sequence[int]) -> np.ndarray:
        return self.index.vectors(item_ids)


class ListProbe:
    """The explained item's (rank, margin, score) in the list remade without each of several sets of films."""

    def __init__(self, ranker: Ranker, index: Retriever, user: UserRef, shown: ShownList, item_id: int) -> None:
        self.ranker, self.index, self.user, self.shown, self.item_id = ranker, _Memo(index), user, shown, item_id
        history = [int(i) for i in ranker.history(user)]
        self.films = list(dict.fromkeys([*history, *shown.like]))  # what the person has told us: removable
        self._history = set(history)
        self.k = shown.k

    def ranked(self, removed: Sequence[int] = (), gcn: np.ndarray | None = None) -> list[tuple[int, float]]:
        """(item_id, blended score) of the list remade without ``removed``, to DEPTH items."""
        s = self.shown
        like = tuple(i for i in s.like if i not in removed)
        result = hybrid_recommend(
            self.ranker, self.index, without(self.user, removed) if removed else self.user,
            query=s.query, like_ids=like, constraints=s.constraints, k=max(DEPTH, s.k), config=s.config,
            gcn_all=gcn, prior=s.prior, named=tuple(i for i in s.named if i not in removed), asked=s.asked,
            topic=s.topic,
        )  # fmt: skip
        return [(item.item_id, item.score) for item in result.items]

    def read(self, ranked: list[tuple[int, float]]) -> tuple[int, float, float]:
        """(rank, margin, score): the margin over the k-th other film is below zero once it is out."""
        ids = [i for i, _ in ranked]
        if self.item_id not in ids:
            return DEPTH + 1, -1.0, 0.0
        at = ids.index(self.item_id)
        others = [score for i, score in ranked if i != self.item_id]
        kth = others[self.k - 1] if len(others) >= self.k else float("-inf")
        return at + 1, ranked[at][1] - kth, ranked[at][1]

    def run(self, sets: Sequence[tuple[int, ...]]) -> list[tuple[int, float, float]]:
        """The item's place in the list without each set; the GCN scores of all sets in one re-propagation."""
        if not sets:
            return []
        variants = [
            (list(s), [i for i in self.shown.like if i not in s and i not in self._history]) for s in sets
        ]  # the request's liked films fold in as edges, as the pipeline folds them in
        scores = self.ranker.all_scores_many(self.user, variants).astype(np.float64)
        return [self.read(self.ranked(s, scores[n])) for n, s in enumerate(sets)]


def explain_shown(
    ranker: Ranker,
    index: Retriever,
    user: UserRef,
    item_id: int,
    shown: ShownList = ShownList(),
    *,
    max_size: int = 10,
    m: int = 5,
) -> Explanation:
    """The smallest set of the person's films without which ``item_id`` leaves the list ``shown`` made.

    Raises UnknownItemError for an unknown item and NotRecommendedError if it is not in that list.
    The set is found by the search; :func:`whyrec.causal.verify.verify` re-checks it independently.
    """
    if shown.k < 1 or max_size < 1 or m < 0:
        raise WhyrecError(f"k and max_size must be at least 1 and m at least 0 ({shown.k}, {max_size}, {m})")
    catalog = ranker.catalog
    title = catalog.item(item_id).label
    probe = ListProbe(ranker, index, user, shown, item_id)
    rank_before, base_margin, _ = probe.read(probe.ranked())
    if rank_before > shown.k:
        where = f"#{rank_before}" if rank_before <= DEPTH else "not even in the top 50"
        raise NotRecommendedError(f"{title} is {where} in the list, not in its top {shown.k}")
    greedy, ordered = estimate(ranker, user, item_id, shown, max_size)
    candidates = ordered[:SHORTLIST]
    singles = dict(zip(candidates, probe.run([(f,) for f in candidates]), strict=True))
    influences = tuple(
        Influence(f, catalog.item(f).label, r, mg - base_margin)
        for f, (r, mg, _) in sorted(singles.items(), key=lambda e: (-e[1][0], e[1][1], e[0]))[:m]
    )
    removal = search(probe, greedy, singles, max_size)
    rank_after = probe.read(probe.ranked(removal))[0] if removal else None
    found = rank_after is not None and rank_after > shown.k
    return Explanation(
        item_id=item_id,
        title=title,
        k=shown.k,
        rank_before=rank_before,
        rank_after=(rank_after if rank_after is not None and rank_after <= DEPTH else None) if found else None,
        removal=tuple(ItemRef(f, catalog.item(f).label) for f in removal) if found else (),
        found=found,
        verified=False,  # set by whyrec.causal.verify
        influences=influences,
        max_size=max_size,
        history_size=len(probe.films),
        history="chat" if ranker.node(user) == ranker.graph.guest else "ratings",
        takes=None if found else how_many(probe, ordered, max_size),
    )


def estimate(ranker: Ranker, user: UserRef, item_id: int, shown: ShownList, steps: int) -> tuple[list[int], list[int]]:
    """(the greedy's removal order, the person's films by estimated single effect), from the edge model.

    The request's liked films count as the person's edges, as the pipeline folds them in.
    """
    catalog = ranker.catalog
    history = set(ranker.history(user).tolist())
    like = [i for i in shown.like if i not in history]
    person = user
    if like:
        base = user if isinstance(user, Profile) else Profile(user_id=int(user))  # type: ignore[arg-type]
        person = Profile((*base.liked, *like), base.disliked, base.user_id)
    allowed = shown_mask(ranker, person) & shown.constraints.validate(catalog).mask(catalog)
    target = int(catalog.item_index([item_id])[0])
    return greedy_removals(edge_model(ranker, person), target, allowed, shown.k, steps)


def how_many(probe: ListProbe, ordered: list[int], max_size: int) -> int | None:
    """The fewest of the most supportive films, on a widening grid past ``max_size``, that take the item out.

    An overdetermined film ("because of your ratings as a whole") gets a size: Terminator 2 leaves
    user 1's top 10 only without about half of their 200 ratings. One batch; None if none works.
    """
    sizes, n = [], max_size
    while n < len(ordered):
        n = min(len(ordered), max(n + 1, round(n * 1.5)))
        sizes.append(n)
    sets = [tuple(sorted(ordered[:n])) for n in sizes]
    return next((n for n, (r, _, _) in zip(sizes, probe.run(sets), strict=True) if r > probe.k), None)


def search(
    probe: ListProbe, greedy: list[int], singles: dict[int, tuple[int, float, float]], max_size: int
) -> tuple[int, ...]:
    """The smallest pruned set whose removal takes the item out of the top-k; () if none within ``max_size``."""
    k = probe.k
    single = [(mg, (f,)) for f, (r, mg, _) in singles.items() if r > k]
    if single:
        return min(single)[1]
    films, size = sorted(probe.films), 2
    while size <= min(max_size, len(films)) and comb(len(films), size) <= EXHAUSTIVE:
        tried = list(combinations(films, size))
        found = [(mg, s) for s, (r, mg, _) in zip(tried, probe.run(tried), strict=True) if r > k]
        if found:
            return min(found)[1]  # every smaller set was tried: minimal already
        size += 1
    prefixes = [tuple(sorted(greedy[:n])) for n in range(size, min(max_size, len(greedy)) + 1)]
    works = [s for s, (r, _, _) in zip(prefixes, probe.run(prefixes), strict=True) if r > k]
    return prune(probe, works[0]) if works else ()


def prune(probe: ListProbe, removal: tuple[int, ...]) -> tuple[int, ...]:
    """Drop members while the rest still takes the item out, so no single member is redundant."""
    while len(removal) > 1:
        smaller = [tuple(q for q in removal if q != f) for f in removal]
        still = [(mg, s) for s, (r, mg, _) in zip(smaller, probe.run(smaller), strict=True) if r > probe.k]
        if not still:
            break
        removal = min(still)[1]
    return removal
