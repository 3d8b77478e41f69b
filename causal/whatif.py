"""What-if: the user's top-k before and after an intervention on their own edges of the ranker's graph.

Four interventions, each a real change of the LightGCN graph re-propagated without retraining:

- ``remove``: drop the user's edges to ``item_ids`` ("if I hadn't watched X"); any film they rated
  can be named: one rated below the positive threshold is no edge, so removing it changes nothing.
- ``add``: add edges to ``item_ids`` ("if I loved X"); they must be unseen. They leave the list.
- ``more_genre``: add edges to the ``n`` most representative unseen items of the genre, where
  representative = training popularity x genre purity (1 / number of genres the item carries), ties by id:
  popular films that are *only* comedies say "more comedy" more clearly than comedy-dramas.
- ``exclude_genre``: drop all of the user's edges to items of the genre and hide the genre from the list.

The mask of seen items stays fixed, so ranks before and after are comparable. Each changed item gets
a cause built from graph facts: genres shared with the added items, or the training users it shares
with the removed items (its 2-hop links through them).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from whyrec.causal.ranks import full_ranks, order, shown_mask
from whyrec.causal.results import ItemRef, Move, RankedItem, WhatIf, WhatIfKind
from whyrec.errors import WhyrecError
from whyrec.ranker.scoring import Ranker, UserRef

KINDS: tuple[WhatIfKind, ...] = ("remove", "add", "more_genre", "exclude_genre")


def what_if(
    ranker: Ranker,
    user: UserRef,
    kind: str,
    *,
    item_ids: Sequence[int] = (),
    genre: str | None = None,
    k: int = 10,
    n: int = 5,
) -> WhatIf:
    """Before/after top-``k`` lists of ``user`` under the intervention ``kind`` (see the module docstring)."""
    if kind not in KINDS:
        raise WhyrecError(f"unknown what-if kind {kind!r}; use one of {', '.join(KINDS)}")
    if k < 1 or n < 1:
        raise WhyrecError(f"k and n must be at least 1 (got {k}, {n})")
    catalog = ranker.catalog
    history = set(int(i) for i in ranker.history(user))
    seen = set(int(i) for i in ranker.seen(user))
    remove: list[int] = []
    add: list[int] = []
    hidden: list[int] = []
    if kind in ("remove", "add"):
        if not item_ids:
            raise WhyrecError(f"what-if {kind!r} needs item ids")
        ids = list(dict.fromkeys(int(i) for i in item_ids))
        catalog.item_index(ids)  # UnknownItemError names unknown ids
        if kind == "remove":
            unrated = [catalog.item(i).label for i in ids if i not in history and i not in seen]
            if unrated:
                raise WhyrecError(f"not among your ratings, so it cannot be removed: {', '.join(unrated)}")
            remove = [i for i in ids if i in history]  # a rating below the positive threshold is no edge
        else:
            rated = [catalog.item(i).label for i in ids if i in seen]
            if rated:
                raise WhyrecError(f"already among your ratings, so it cannot be added: {', '.join(rated)}")
            add = ids
        description = f"if you {'had not rated' if kind == 'remove' else 'loved'} " + ", ".join(
            catalog.item(i).label for i in ids
        )
        low = [catalog.item(i).label for i in ids if kind == "remove" and i not in history]
        if low:  # the ranker only learns from positive ratings, so these change nothing: say so, not fail
            description += f" ({', '.join(low)}: rated below the positive threshold, which the ranker does not use)"
    else:
        genre = canonical_genre(ranker, genre)
        in_genre = [int(i) for i, g in zip(catalog.items.index, catalog.items["genres"], strict=True) if genre in g]
        if kind == "more_genre":
            add = representative(ranker, genre, seen, n)
            description = f"if you liked {len(add)} more {genre} films"
        else:
            remove = sorted(history.intersection(in_genre))
            hidden = in_genre
            description = f"if you excluded {genre} (your {len(remove)} {genre} ratings removed, {genre} hidden)"
    return _compare(ranker, user, kind, description, remove, add, hidden, k)  # type: ignore[arg-type]


def canonical_genre(ranker: Ranker, genre: str | None) -> str:
    """The catalog's spelling of ``genre`` (case-insensitive); WhyrecError naming the known genres."""
    names = {g.lower(): g for g in ranker.catalog.genres}
    if not genre or genre.strip().lower() not in names:
        raise WhyrecError(f"unknown genre {genre!r}; known genres: {', '.join(sorted(names.values()))}")
    return names[genre.strip().lower()]


def representative(ranker: Ranker, genre: str, exclude: set[int], n: int) -> list[int]:
    """The ``n`` unseen items of ``genre`` with the highest popularity x purity (1 / number of genres)."""
    items = ranker.catalog.items
    rows = [
        (-float(pop) / len(g), int(i))
        for i, g, pop in zip(items.index, items["genres"], items["popularity"], strict=True)
        if genre in g and int(i) not in exclude
    ]
    return [i for _, i in sorted(rows)[:n]]


def _compare(
    ranker: Ranker,
    user: UserRef,
    kind: WhatIfKind,
    description: str,
    remove: list[int],
    add: list[int],
    hidden: list[int],
    k: int,
) -> WhatIf:
    catalog = ranker.catalog
    before_s, after_s = ranker.all_scores_many(user, [((), ()), (remove, add)])
    before_r = full_ranks(before_s, shown_mask(ranker, user))
    after_r = full_ranks(after_s, shown_mask(ranker, user, hidden=[*add, *hidden]))
    before = order(before_s, before_r > 0)[:k]
    after = order(after_s, after_r > 0)[:k]

    def listing(top: np.ndarray, scores: np.ndarray) -> tuple[RankedItem, ...]:
        return tuple(
            RankedItem(int(catalog.item_ids[p]), catalog.item(int(catalog.item_ids[p])).label, r, float(scores[p]))
            for r, p in enumerate(top, start=1)
        )

    causes = _Causes(ranker, kind, remove, add, hidden, before_s, after_s)

    def move(p: int) -> Move:
        item_id = int(catalog.item_ids[p])
        rb, ra = int(before_r[p]) or None, int(after_r[p]) or None
        return Move(item_id, catalog.item(item_id).label, rb, ra, causes.of(p, rb, ra))

    top_before, top_after = set(before.tolist()), set(after.tolist())
    entered = tuple(move(int(p)) for p in after if p not in top_before)
    left = tuple(move(int(p)) for p in before if p not in top_after)
    moved = tuple(move(int(p)) for p in after if p in top_before and before_r[p] != after_r[p])
    intervened = tuple(ItemRef(i, catalog.item(i).label) for i in [*remove, *add])
    return WhatIf(
        kind, description, k, intervened, listing(before, before_s), listing(after, after_s), entered, left, moved
    )


class _Causes:
    """One sentence per changed item, built only from graph facts."""

    def __init__(
        self,
        ranker: Ranker,
        kind: WhatIfKind,
        remove: list[int],
        add: list[int],
        hidden: list[int],
        before: np.ndarray,
        after: np.ndarray,
    ) -> None:
        self.catalog, self.kind = ranker.catalog, kind
        self.remove, self.add, self.hidden = remove, set(add), set(hidden)
        self.intervened = [*remove, *add]
        self.before, self.after = before, after
        by_item = ranker.graph.matrix.tocsc()
        self.cols = by_item[:, self.catalog.item_index(self.intervened)] if self.intervened else None
        self.by_item = by_item

    def of(self, pos: int, rank_before: int | None, rank_after: int | None) -> str:
        item_id = int(self.catalog.item_ids[pos])
        item = self.catalog.item(item_id)
        if item_id in self.add:
            return "it is now one of your ratings, so it is no longer recommended"
        if item_id in self.hidden:
            return f"it is {'/'.join(item.genres)}, and that genre is excluded"
        change = float(self.after[pos] - self.before[pos])
        fact = self._link(pos, item.genres)
        own = f"it scores {'higher' if change > 0 else 'lower'} for you now"  # the numbers stay in before/after
        if rank_before is not None and rank_after is not None:
            up = rank_after < rank_before
            if up != (change > 0):  # moved against its own score change: the others moved more
                other = "fell further" if up else "rose more"
                return f"{own}, but the films around it {other}" + (f"; {fact}" if fact else "")
        return f"{own}: {fact}" if fact else own

    def _link(self, pos: int, genres: tuple[str, ...]) -> str:
        """Genres shared with the added items, or the raters shared with the removed ones."""
        if not self.intervened or self.cols is None:
            return ""
        shared_users = np.asarray((self.by_item[:, [pos]].T @ self.cols).todense()).ravel()
        if self.add:
            added = [self.catalog.item(i) for i in self.add]
            common = {g: sum(g in a.genres for a in added) for g in genres}
            g, count = max(common.items(), key=lambda e: (e[1], e[0]), default=("", 0))
            if count:
                return f"shares {g} with {count} of the {len(added)} added films"
        # the strongest link as LightGCN weighs it: shared raters / sqrt(degree x degree), ties by order
        degrees = np.asarray(self.cols.sum(axis=0)).ravel() * max(float(self.by_item[:, [pos]].sum()), 1.0)
        best = int(np.argmax(shared_users / np.sqrt(np.maximum(degrees, 1.0)))) if len(shared_users) else 0
        if not len(shared_users) or shared_users[best] == 0:
            return "no rater in common with the changed films (it moved as the list around it changed)"
        label = self.catalog.item(self.intervened[best]).label
        verb = "lost its link through the removed" if self.remove else "gained a link through the added"
        count = int(shared_users[best])
        return f"{verb} {label} ({count} rater{'s' if count != 1 else ''} in common)"
