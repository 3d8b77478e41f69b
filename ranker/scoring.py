"""Scoring with a trained LightGCN: known users, chat users by fold-in, and interventions on the graph.

Every score is a dot product of final LightGCN embeddings (``LightGCN.get_embedding``, PyG).
Changing a user's edges (``remove``/``add``) rebuilds the graph with those edges and re-runs the
same propagation over the whole graph, with no retraining: a real intervention on the model's
input, which the counterfactual explanations rely on. A known user keeps their learned layer-0
embedding; a chat user (:class:`Profile`) is the graph's guest node, whose layer-0 embedding is zero,
so their representation comes only from the items they liked (fold-in).

Disliked items are not edges (LightGCN has no negative edges); they are only masked from results.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp
import torch
from torch_geometric.nn.models import LightGCN

from whyrec.catalog.model import Catalog
from whyrec.errors import WhyrecError
from whyrec.ranker.graph import Interactions
from whyrec.ranker.intervene import Intervention

if TYPE_CHECKING:
    from whyrec.config import AppConfig

EMPTY_PROFILE_FALLBACK = "popularity (empty profile)"


@dataclass(frozen=True)
class Profile:
    """A person with what they told this session: a chat user (fold-in), or a MovieLens user (``user_id``).

    A chat user's edges are their liked items. A MovieLens user's edges are their graph edges, plus
    the items they liked here, minus the ones they disliked here: a thumbs-up or -down changes the
    graph the next list is computed on, exactly as an intervention does.
    """

    liked: tuple[int, ...] = ()
    disliked: tuple[int, ...] = ()
    user_id: int | None = None


UserRef = int | Profile  # int = MovieLens userId, as the graph has them


@dataclass(frozen=True)
class ScoredItem:
    item_id: int
    score: float
    rank: int  # 1-based


@dataclass(frozen=True)
class Ranking:
    items: tuple[ScoredItem, ...]
    fallback: str | None = None  # e.g. "popularity (empty profile)"


Variant = tuple[Sequence[int], Sequence[int]]  # (remove, add) item ids


class Ranker:
    """Top-k recommendation and scores for MovieLens users and chat profiles."""

    def __init__(self, catalog: Catalog, model: LightGCN, graph: Interactions) -> None:
        if model.num_nodes != graph.n_nodes:
            raise WhyrecError(
                f"the model has {model.num_nodes} nodes but the graph needs {graph.n_nodes} "
                f"({graph.n_users} users + {graph.n_items} items + 1 guest)"
            )
        self.catalog = catalog
        self.model = model.eval()
        self.graph = graph
        with torch.no_grad():  # the guest's layer-0 embedding is zero by definition (see module docstring)
            self.model.embedding.weight[graph.guest].zero_()
        counts = np.bincount(graph.users, minlength=graph.n_users)
        self._starts = np.concatenate([[0], np.cumsum(counts)])
        self._item_nodes = graph.items + graph.n_users

    @classmethod
    def from_model(cls, catalog: Catalog, model: LightGCN, train_edges: Interactions | None = None) -> Ranker:
        """A ranker over ``train_edges`` (default: the catalog's training split, as the benchmarks use)."""
        graph = train_edges if train_edges is not None else Interactions.from_frame(catalog, catalog.split.train)
        return cls(catalog, model, graph)

    @classmethod
    def load(cls, config: AppConfig, catalog: Catalog) -> Ranker:
        """The served model `whyrec prepare` trained, over every positive; ArtifactError if missing or stale."""
        from whyrec.ranker.checkpoint import load_checkpoint

        checkpoint = load_checkpoint(config.home_dir, catalog)
        return cls.from_model(catalog, checkpoint.model, Interactions.from_frame(catalog, catalog.positives))

    # --- who the user is -------------------------------------------------------------------------

    def history(self, user: UserRef) -> np.ndarray:
        """Item ids that are this user's edges (a chat profile's liked items; a MovieLens user's, edited)."""
        return self.catalog.item_ids[self._edges(user)]

    def seen(self, user: UserRef) -> np.ndarray:
        """Item ids hidden by ``exclude_seen``: everything a known user rated, and a profile's liked and disliked."""
        told: np.ndarray = np.zeros(0, dtype=np.int64)
        if isinstance(user, Profile):
            self._check_profile(user)
            told = np.asarray(user.liked + user.disliked, dtype=np.int64)
            if user.user_id is None:
                return np.unique(told)
        m = self._rated
        row = self.catalog.user_index(_member(user))
        return np.union1d(self.catalog.item_ids[m.indices[m.indptr[row] : m.indptr[row + 1]]], told)

    def node(self, user: UserRef) -> int:
        """The user's node in the graph: their own for a MovieLens user, the guest for a chat user."""
        return self._node(user)

    # --- scores ----------------------------------------------------------------------------------

    def all_scores(self, user: UserRef, *, remove: Sequence[int] = (), add: Sequence[int] = ()) -> np.ndarray:
        """Scores of every item (aligned with ``catalog.item_ids``) after removing/adding the user's edges."""
        return self.all_scores_many(user, [(remove, add)])[0]

    def all_scores_many(self, user: UserRef, variants: Sequence[Variant]) -> np.ndarray:
        """[len(variants), n_items]: one re-propagation per (remove, add) variant of the user's edges.

        A profile left with no edges scores items by training popularity (see :meth:`recommend`).
        """
        node, start = self._node(user), self._edges(user)
        in_graph = self._graph_edges(node)  # the guest is isolated: it has none
        out = np.empty((len(variants), self.catalog.n_items), dtype=np.float32)
        pending: list[tuple[int, np.ndarray]] = []
        for row, (remove, add) in enumerate(variants):
            edges = self._apply(start, remove, add)
            if node == self.graph.guest and len(edges) == 0:
                out[row] = self._popularity
            elif node != self.graph.guest and np.array_equal(edges, in_graph):
                out[row] = self._base_scores(node)
            else:
                pending.append((row, edges))
        if pending:
            rows = [row for row, _ in pending]
            out[rows] = self._intervention.scores(node, in_graph, [edges for _, edges in pending])
        return out

    def score(self, user: UserRef, item_ids: Sequence[int]) -> np.ndarray:
        """Scores of ``item_ids`` for ``user``, in the given order."""
        return self.all_scores(user)[self.catalog.item_index(item_ids)]

    def recommend(
        self,
        user: UserRef,
        k: int = 10,
        exclude_seen: bool = True,
        candidates: Sequence[int] | None = None,
        *,
        remove: Sequence[int] = (),
        add: Sequence[int] = (),
    ) -> Ranking:
        """The top-``k`` items; ``exclude_seen`` hides ``seen(user)`` and the added items.

        Removed items stay hidden (the user did see them); a profile's disliked items are always
        hidden. An empty profile is ranked by popularity and the result says so in ``fallback``.
        """
        if k < 1:
            raise WhyrecError(f"k must be at least 1 (got {k})")
        scores = self.all_scores(user, remove=remove, add=add).astype(np.float64)
        allowed = np.ones(self.catalog.n_items, dtype=bool)
        if candidates is not None:
            allowed[:] = False
            allowed[self.catalog.item_index(candidates)] = True
        if exclude_seen:
            allowed[self.catalog.item_index(self.seen(user))] = False
            allowed[self.catalog.item_index(add)] = False
        if isinstance(user, Profile):
            allowed[self.catalog.item_index(user.disliked)] = False
        positions = np.flatnonzero(allowed)
        order = np.lexsort((positions, -scores[positions]))[:k]  # ties: lower item position first
        top = positions[order]
        items = tuple(
            ScoredItem(item_id=int(self.catalog.item_ids[p]), score=float(scores[p]), rank=r)
            for r, p in enumerate(top, start=1)
        )
        empty = self._node(user) == self.graph.guest and len(self._apply(self._edges(user), remove, add)) == 0
        return Ranking(items=items, fallback=EMPTY_PROFILE_FALLBACK if empty else None)

    # --- internals -------------------------------------------------------------------------------

    def _check_profile(self, profile: Profile) -> None:
        self.catalog.item_index(profile.liked + profile.disliked)
        both = sorted(set(profile.liked) & set(profile.disliked))
        if both:
            raise WhyrecError(f"items {both} are both liked and disliked; each item can be one or the other")

    def _node(self, user: UserRef) -> int:
        if isinstance(user, Profile) and user.user_id is None:
            return self.graph.guest
        return self.catalog.user_index(_member(user))

    def _graph_edges(self, node: int) -> np.ndarray:
        """Item positions of a node's edges in the graph (none for the guest)."""
        if node == self.graph.guest:
            return np.zeros(0, dtype=np.int64)
        return self.graph.items[self._starts[node] : self._starts[node + 1]]

    def _edges(self, user: UserRef) -> np.ndarray:
        """Item positions of the user's edges: a known user's (as edited this session), a chat user's likes."""
        node = self._node(user)
        if not isinstance(user, Profile):
            return self._graph_edges(node)
        self._check_profile(user)
        return self._apply(self._graph_edges(node), user.disliked, user.liked)

    def _apply(self, base: np.ndarray, remove: Sequence[int], add: Sequence[int]) -> np.ndarray:
        removed = self.catalog.item_index(remove)
        added = self.catalog.item_index(add)
        return np.union1d(np.setdiff1d(base, removed), added).astype(np.int64)

    @cached_property
    def _intervention(self) -> Intervention:
        return Intervention(self.graph, self.model)

    @cached_property
    def _base_embedding(self) -> torch.Tensor:
        with torch.no_grad():
            return self.model.get_embedding(self.graph.adjacency)

    def _base_scores(self, node: int) -> np.ndarray:
        emb = self._base_embedding
        return (emb[self.graph.n_users : self.graph.guest] @ emb[node]).numpy()

    @cached_property
    def _popularity(self) -> np.ndarray:
        """Training-graph degree scaled to [0, 1]: the empty-profile fallback."""
        degree = np.bincount(self.graph.items, minlength=self.catalog.n_items).astype(np.float32)
        return degree / max(float(degree.max()), 1.0)

    @cached_property
    def _rated(self) -> sp.csr_matrix:
        r = self.catalog.ratings
        rows = np.searchsorted(self.catalog.user_ids, r["user_id"].to_numpy(dtype=np.int64))
        cols = self.catalog.item_index(r["item_id"].to_numpy(dtype=np.int64))
        shape = (self.catalog.n_users, self.catalog.n_items)
        m = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=shape)
        m.sort_indices()
        return m


def _member(user: UserRef) -> int:
    """The MovieLens user id behind ``user`` (a plain id, or a profile with ``user_id``)."""
    return int(user.user_id) if isinstance(user, Profile) and user.user_id is not None else int(user)  # type: ignore[arg-type]
