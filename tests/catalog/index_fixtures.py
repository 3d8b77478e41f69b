"""A small real index (about 200 items, real embeddings) that the index and hybrid tests share."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import strategies as st

from whyrec.catalog.constraints import Constraints
from whyrec.catalog.embed import Embedder, load_embedder
from whyrec.catalog.index import ItemIndex, build_index, collection, index_fingerprint
from whyrec.catalog.model import Catalog
from whyrec.catalog.split import Split
from whyrec.catalog.vectorstore import MiniLMEmbeddingFunction, open_client
from whyrec.config import AppConfig, load_config


def small_catalog(catalog: Catalog, per_genre: int = 4, popular: int = 80) -> Catalog:
    """The most popular items, a few of every genre and some undated ones: every filter has work to do."""
    items = catalog.items
    chosen = set(items.nlargest(popular, "popularity").index)
    rng = np.random.default_rng(0)
    for genre in catalog.genres:
        ids = items.index[items["genres"].map(lambda gs, g=genre: g in gs)].to_numpy()
        chosen |= set(rng.choice(ids, size=min(per_genre, len(ids)), replace=False).tolist())
    chosen |= set(items.index[items["year"].isna()][:6])
    ids = sorted(int(i) for i in chosen)

    def keep(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["item_id"].isin(ids)].reset_index(drop=True)

    split = Split(train=keep(catalog.split.train), valid=keep(catalog.split.valid), test=keep(catalog.split.test))
    return Catalog(items.loc[ids], keep(catalog.ratings), split, catalog.fingerprint)


class CountingEmbedder(Embedder):
    """The real embedder, counting the texts it encodes (to prove rebuilds are incremental)."""

    def __init__(self) -> None:
        real = load_embedder()
        self.__dict__.update(real.__dict__)
        self.encoded: list[str] = []

    def encode(self, texts, batch_size: int = 64) -> np.ndarray:  # type: ignore[no-untyped-def]
        self.encoded.extend(texts)
        return super().encode(texts, batch_size)


_SHARED: dict[str, tuple[Catalog, ItemIndex]] = {}


def shared_small_index(catalog: Catalog) -> tuple[Catalog, ItemIndex]:
    """One small catalog and its index per test session (the index and hybrid tests share it)."""
    if catalog.fingerprint not in _SHARED:
        home = Path(tempfile.mkdtemp(prefix="whyrec-small-index-"))
        atexit.register(shutil.rmtree, home, ignore_errors=True)
        small = small_catalog(catalog)
        _SHARED[catalog.fingerprint] = (small, build_small_index(home, small)[1])
    return _SHARED[catalog.fingerprint]


def build_small_index(home: Path, catalog: Catalog, name: str = "items") -> tuple[AppConfig, ItemIndex]:
    config = load_config(home=home)
    ef = MiniLMEmbeddingFunction()
    coll = collection(open_client(config), name, ef)
    build_index(coll, ef, catalog.items, catalog.genres, fingerprint=index_fingerprint(catalog))
    return config, ItemIndex.open(config, catalog)


@st.composite
def constraint_sets(
    draw: st.DrawFn, catalog: Catalog, *, year_min_range: tuple[int, int] = (1920, 2018), exclude_items: bool = True
) -> Constraints:
    """Random genre filters (every one of, any of, none of), years and excluded items: never invalid."""
    genres = catalog.genres
    include = draw(st.lists(st.sampled_from(genres), max_size=2, unique=True))
    exclude = draw(st.lists(st.sampled_from([g for g in genres if g not in include]), max_size=2, unique=True))
    year_min = draw(st.none() | st.integers(*year_min_range))
    year_max = draw(st.none() | st.integers(year_min or year_min_range[0], 2019))
    ids = [int(i) for i in catalog.item_ids]
    excluded = draw(st.lists(st.sampled_from(ids), max_size=20)) if exclude_items else []
    either = draw(st.lists(st.sampled_from([g for g in genres if g not in exclude]), max_size=3, unique=True))
    return Constraints(tuple(include), tuple(exclude), year_min, year_max, tuple(excluded), tuple(either))
