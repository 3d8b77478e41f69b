"""BM25 over the same item documents: the lexical baseline the embedding retriever must beat.

Okapi BM25 (Robertson & Zaragoza 2009, https://doi.org/10.1561/1500000019) via ``rank-bm25``,
with lower-cased word tokens. It matches words only, so "time travel" finds films whose text
says "time travel" but not "a journey to the past": the gap the embeddings should close.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
from rank_bm25 import BM25Okapi

from whyrec.catalog.index import Hit

_TOKEN = re.compile(r"[a-z0-9]+")


def tokenize(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


class BM25Retriever:
    """Top-k items by BM25 score of a text query (no filters: it is only a benchmark baseline)."""

    def __init__(self, docs: Mapping[int, str], titles: Mapping[int, str]) -> None:
        self.ids = np.fromiter(docs.keys(), dtype=np.int64, count=len(docs))
        self.titles = titles
        self.bm25 = BM25Okapi([tokenize(text) for text in docs.values()])

    def search(self, query: str, k: int = 10) -> list[Hit]:
        scores = np.asarray(self.bm25.get_scores(tokenize(query)), dtype=np.float64)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.lexsort((self.ids[top], -scores[top]))]
        return [Hit(int(self.ids[p]), self.titles[int(self.ids[p])], float(scores[p])) for p in top if scores[p] > 0]
