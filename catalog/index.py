"""The item index: build it incrementally, then search it by text, by example items, or by filters only.

Building compares a hash of each item's document with the one stored in Chroma: only new or
changed items are embedded again, items gone from the catalog are deleted, and metadata-only
changes (popularity) are updated in place. Chroma commits each batch, so an interrupted build keeps
what it stored and the next ``whyrec prepare`` resumes; the collection's ``fingerprint`` is written
last, and only a complete index matching the catalog opens.

Scores are cosine similarities in [-1, 1]. A query with no text is a filter-only browse: the items
that pass the filters, most popular first, each with score 1.0 (they match the request fully).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from whyrec.catalog.constraints import Constraints
from whyrec.catalog.documents import documents
from whyrec.catalog.errors import ArtifactError
from whyrec.catalog.vectorstore import EF_SEARCH, MiniLMEmbeddingFunction, open_client, where_filter
from whyrec.errors import WhyrecError

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection

    from whyrec.catalog.model import Catalog
    from whyrec.config import AppConfig

# Bump when documents() or metadata() change shape, so every item is re-indexed.
DOCUMENT_VERSION = 1


@dataclass(frozen=True)
class Hit:
    item_id: int
    title: str
    score: float  # cosine similarity in [-1, 1]; 1.0 for a filter-only browse


@dataclass(frozen=True)
class BuildReport:
    total: int
    embedded: int
    updated: int
    deleted: int

    def __str__(self) -> str:
        return f"{self.total} items ({self.embedded} embedded, {self.updated} updated, {self.deleted} deleted)"


def index_fingerprint(catalog: Catalog, *, with_tags: bool = True) -> str:
    return f"{catalog.fingerprint}-v{DOCUMENT_VERSION}-{'tags' if with_tags else 'notags'}"


def collection(client: ClientAPI, name: str, ef: MiniLMEmbeddingFunction) -> Collection:
    """The named collection (created if missing) with our embedding function, in cosine space."""
    coll = client.get_or_create_collection(
        name,
        configuration={"hnsw": {"space": "cosine", "ef_search": EF_SEARCH}},
        embedding_function=ef,  # type: ignore[arg-type]
    )
    if (coll.configuration_json.get("hnsw") or {}).get("ef_search") != EF_SEARCH:
        coll.modify(configuration={"hnsw": {"ef_search": EF_SEARCH}})
    return coll


def build_index(
    coll: Collection,
    ef: MiniLMEmbeddingFunction,
    items: pd.DataFrame,
    genres: Sequence[str],
    *,
    fingerprint: str,
    with_tags: bool = True,
    batch: int = 256,
    on_progress: Callable[[int, int], None] | None = None,
) -> BuildReport:
    """Bring ``coll`` in line with ``items``, embedding only new or changed documents."""
    start_time = time.perf_counter()
    docs = documents(items, genres, with_tags=with_tags)
    stored = coll.get(include=["metadatas"])
    stored_meta = {int(i): dict(m or {}) for i, m in zip(stored["ids"], stored["metadatas"] or [], strict=True)}
    deleted = [i for i in stored_meta if i not in docs]
    stale = [i for i, (_, meta) in docs.items() if stored_meta.get(i, {}).get("hash") != meta["hash"]]
    changed_meta = [
        i for i, (_, meta) in docs.items() if i in stored_meta and i not in stale and stored_meta[i] != meta
    ]
    # changed items are deleted and added again rather than upserted: an update merges metadata
    # and could keep a stale key (a year that is no longer known)
    gone = [str(i) for i in [*deleted, *(i for i in stale if i in stored_meta)]]
    if gone:
        coll.delete(ids=gone)
    if on_progress:
        on_progress(0, len(stale))
    for start in range(0, len(stale), batch):
        chunk = stale[start : start + batch]
        texts = [docs[i][0] for i in chunk]
        coll.add(
            ids=[str(i) for i in chunk],
            embeddings=ef(texts),
            documents=texts,
            metadatas=[docs[i][1] for i in chunk],  # type: ignore[misc]
        )
        if on_progress:
            on_progress(min(start + batch, len(stale)), len(stale))
    for start in range(0, len(changed_meta), 1000):
        chunk = changed_meta[start : start + 1000]
        coll.update(ids=[str(i) for i in chunk], metadatas=[docs[i][1] for i in chunk])  # type: ignore[misc]
    built = {"fingerprint": fingerprint, "items": len(docs), "embedded": len(stale)}
    coll.modify(metadata={**built, "build_s": round(time.perf_counter() - start_time, 1)})
    return BuildReport(total=len(docs), embedded=len(stale), updated=len(changed_meta), deleted=len(deleted))


class ItemIndex:
    """Semantic search over the catalog with hard filters (see the module docstring)."""

    def __init__(self, coll: Collection, catalog: Catalog) -> None:
        self.collection = coll
        self.catalog = catalog
        self._ef = MiniLMEmbeddingFunction()
        self._vector_memo: dict[str, np.ndarray] = {}  # item id -> stored unit vector, read once
        # A turn embeds its query for the search and again for the blend: remember recent ones.
        self.encode = lru_cache(maxsize=256)(self._encode)  # type: ignore[method-assign]

    @classmethod
    def open(cls, config: AppConfig, catalog: Catalog) -> ItemIndex:
        """The built index; ArtifactError if missing, empty or stale, IndexUnavailableError if a server is down."""
        from chromadb.errors import NotFoundError

        client = open_client(config)
        where = config.chroma.url or str(config.home_dir / "index")
        try:
            coll = client.get_collection(config.chroma.collection, embedding_function=MiniLMEmbeddingFunction())  # type: ignore[arg-type]
        except (NotFoundError, ValueError):
            raise ArtifactError(f"the item index is not built ({where}); run `whyrec prepare`") from None
        return cls.checked(coll, catalog, where)

    @classmethod
    def checked(cls, coll: Collection, catalog: Catalog, where: str = "the collection") -> ItemIndex:
        """Wrap ``coll`` after checking it is complete and built from ``catalog``."""
        if coll.count() == 0:
            raise ArtifactError(f"the item index is empty ({where}); run `whyrec prepare`")
        built = (coll.metadata or {}).get("fingerprint")
        if built not in {index_fingerprint(catalog), index_fingerprint(catalog, with_tags=False)}:
            raise ArtifactError(f"the item index ({where}) was built from another catalog; run `whyrec prepare`")
        return cls(coll, catalog)

    def search(self, query: str, k: int = 10, *, constraints: Constraints = Constraints()) -> list[Hit]:
        """The ``k`` items closest to ``query`` that meet ``constraints``; empty text = filter-only browse."""
        valid = self._valid(k, constraints)
        if not query.strip():
            return self._browse(valid, k)
        result = self.collection.query(
            query_embeddings=[self.encode(query)],
            n_results=k,
            where=where_filter(valid),
            include=["distances"],  # type: ignore[arg-type]
        )
        return self._hits(result["ids"][0], (result["distances"] or [[]])[0], valid)

    def search_many(
        self, queries: Sequence[str], k: int = 10, *, constraints: Constraints = Constraints()
    ) -> list[list[Hit]]:
        """:meth:`search` for several texts in one batched embedding and query."""
        valid = self._valid(k, constraints)
        result = self.collection.query(
            query_texts=list(queries),
            n_results=k,
            where=where_filter(valid),
            include=["distances"],  # type: ignore[arg-type]
        )
        distances = result["distances"] or [[] for _ in queries]
        return [self._hits(ids, dist, valid) for ids, dist in zip(result["ids"], distances, strict=True)]

    def more_like(self, item_ids: Sequence[int], k: int = 10, *, constraints: Constraints = Constraints()) -> list[Hit]:
        """Items closest to the mean embedding of ``item_ids``, which are themselves excluded."""
        if not item_ids:
            raise WhyrecError("more_like needs at least one item id")
        self.catalog.item_index(item_ids)  # UnknownItemError names unknown ids
        valid = self._valid(k, constraints).with_excluded(item_ids)
        vectors = self.vectors(item_ids)
        centre = vectors.mean(axis=0)
        centre /= max(float(np.linalg.norm(centre)), 1e-12)
        result = self.collection.query(
            query_embeddings=[centre],
            n_results=k,
            where=where_filter(valid),
            include=["distances"],  # type: ignore[arg-type]
        )
        return self._hits(result["ids"][0], (result["distances"] or [[]])[0], valid)

    def encode(self, text: str) -> np.ndarray:
        """The query vector of ``text`` (unit length), as :meth:`search` embeds it (memoised per index)."""
        return self._encode(text)

    def _encode(self, text: str) -> np.ndarray:
        vector = np.asarray(self._ef([text])[0], dtype=np.float32)
        vector.flags.writeable = False  # shared by the memo: nobody may change it
        return vector

    def vectors(self, item_ids: Sequence[int]) -> np.ndarray:
        """Stored unit vectors of ``item_ids``, in that order; ArtifactError if one is not indexed."""
        if not len(item_ids):
            return np.zeros((0, 0), dtype=np.float32)
        keys = [str(int(i)) for i in item_ids]
        found = self._vector_memo
        wanted = [k for k in dict.fromkeys(keys) if k not in found]
        if wanted:  # stored vectors change only when the index is rebuilt, which opens a new ItemIndex
            got = self.collection.get(ids=wanted, include=["embeddings"])
            found.update(zip(got["ids"], np.asarray(got["embeddings"], dtype=np.float32), strict=True))
        missing = [k for k in keys if k not in found]
        if missing:
            raise ArtifactError(f"items {', '.join(missing[:5])} are not in the index; run `whyrec prepare`")
        return np.stack([found[k] for k in keys])

    def _valid(self, k: int, constraints: Constraints) -> Constraints:
        if k < 1:
            raise WhyrecError(f"k must be at least 1 (got {k})")
        return constraints.validate(self.catalog)

    def _browse(self, valid: Constraints, k: int) -> list[Hit]:
        got = self.collection.get(where=where_filter(valid), include=[])  # type: ignore[arg-type]
        ids = [int(i) for i in got["ids"]]
        popularity = self.catalog.items.loc[ids, "popularity"].to_numpy() if ids else np.zeros(0)
        order = sorted(range(len(ids)), key=lambda j: (-int(popularity[j]), ids[j]))
        return self._hits([str(ids[j]) for j in order], [0.0] * len(order), valid, limit=k)

    def _hits(
        self, ids: Sequence[str], distances: Sequence[float], valid: Constraints, limit: int | None = None
    ) -> list[Hit]:
        """Hits in order, re-checked against the constraints (defence in depth: they are hard)."""
        catalog = self.catalog
        allowed = valid.mask(catalog)
        positions = catalog.item_index([int(i) for i in ids]) if len(ids) else np.zeros(0, dtype=np.int64)
        hits: list[Hit] = []
        for raw_id, pos, distance in zip(ids, positions, distances, strict=True):
            if allowed[pos]:
                hits.append(Hit(item_id=int(raw_id), title=str(catalog.titles[pos]), score=float(1.0 - distance)))
            if limit is not None and len(hits) >= limit:
                break
        return hits
