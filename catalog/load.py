"""Building the catalog from the raw files, and its snapshot under ``WHYREC_HOME``.

The snapshot (parquet) makes start-up fast and lets the app run where only prepared artifacts
exist. It is rebuilt whenever a data file or the catalog config changes (by fingerprint).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from whyrec.catalog import dataset
from whyrec.catalog.artifacts import ArtifactStore, fingerprint
from whyrec.catalog.config import CatalogConfig
from whyrec.catalog.errors import ArtifactError, DataError
from whyrec.catalog.model import Catalog
from whyrec.catalog.split import Split, split_positives
from whyrec.catalog.titles import parse_title

SNAPSHOT = "catalog"
NO_GENRES = "(no genres listed)"


def data_fingerprint(files: dataset.DataFiles, config: CatalogConfig) -> str:
    return fingerprint([dataset.sha256(p) for p in files.all()], config)


def build_catalog(files: dataset.DataFiles, config: CatalogConfig) -> Catalog:
    """Read and join the raw files into a :class:`Catalog`."""
    raw_ratings = dataset.read_table(files.ratings, dataset.SCHEMAS["ratings.csv"])
    movies = dataset.read_table(files.movies, dataset.SCHEMAS["movies.csv"])
    tags = dataset.read_table(files.tags, dataset.SCHEMAS["tags.csv"])
    dataset.read_table(files.links, dataset.SCHEMAS["links.csv"])  # validated; ids joined via overviews
    if movies["movieId"].duplicated().any():
        dup = int(movies.loc[movies["movieId"].duplicated(), "movieId"].iloc[0])
        raise DataError(f"{files.movies}: movieId {dup} appears more than once")
    ratings = raw_ratings.rename(columns={"userId": "user_id", "movieId": "item_id"})
    ratings = ratings.astype({"user_id": "int64", "item_id": "int64", "rating": "float32", "timestamp": "int64"})
    unknown = ~ratings["item_id"].isin(movies["movieId"])
    if unknown.any():
        raise DataError(f"{files.ratings}: {int(unknown.sum())} ratings name movies not in {files.movies.name}")

    parsed = [parse_title(t) for t in movies["title"]]
    items = pd.DataFrame(
        {
            "title": [p.title for p in parsed],
            "raw_title": movies["title"].str.strip().to_numpy(),
            "alt_title": [p.alt_title for p in parsed],
            "year": pd.array([p.year for p in parsed], dtype="Int64"),
            "genres": [tuple(g for g in s.split("|") if g and g != NO_GENRES) for s in movies["genres"]],
        },
        index=pd.Index(movies["movieId"].to_numpy(), name="item_id"),
    ).sort_index()

    tag_text = tags["tag"].str.strip().str.lower()
    tag_table = pd.DataFrame({"item_id": tags["movieId"], "tag": tag_text})
    tag_table = tag_table[tag_table["tag"] != ""]
    counted = (
        tag_table.value_counts()
        .reset_index(name="n")
        .sort_values(["item_id", "n", "tag"], ascending=[True, False, True])
    )
    tags_by_item = counted.groupby("item_id")["tag"].agg(tuple)
    items["tags"] = [tags_by_item.get(i, ()) for i in items.index]

    overview = pd.Series("", index=items.index, dtype=object)
    if files.overviews is not None:
        ov = dataset.read_table(files.overviews, dataset.OVERVIEW_SCHEMA)
        ov = ov.drop_duplicates("ml_latest_movieId").set_index("ml_latest_movieId")["overview"].fillna("")
        overview.update(ov[ov.index.isin(items.index)].str.strip())
    items["overview"] = overview

    per_item = ratings.groupby("item_id")["rating"]
    items["popularity"] = per_item.size().reindex(items.index, fill_value=0).astype("int64")
    items["mean_rating"] = per_item.mean().reindex(items.index).round(3).astype("float64")

    positives = ratings[ratings["rating"] >= config.positive_threshold]
    split = split_positives(
        positives,
        seed=config.split_seed,
        valid_frac=config.valid_frac,
        test_frac=config.test_frac,
        min_holdout=config.min_holdout_positives,
    )
    return Catalog(items, ratings.reset_index(drop=True), split, data_fingerprint(files, config))


def save_snapshot(catalog: Catalog, folder: Path) -> None:
    items = catalog.items.copy()
    items["genres"] = items["genres"].map("|".join)
    items["tags"] = items["tags"].map(json.dumps)
    items.to_parquet(folder / "items.parquet")
    catalog.ratings.to_parquet(folder / "ratings.parquet")
    for part in ("train", "valid", "test"):
        getattr(catalog.split, part).to_parquet(folder / f"{part}.parquet")


def load_snapshot(folder: Path, fp: str) -> Catalog:
    try:
        items = pd.read_parquet(folder / "items.parquet")
        items["genres"] = items["genres"].map(lambda s: tuple(g for g in s.split("|") if g))
        items["tags"] = items["tags"].map(lambda s: tuple(json.loads(s)))
        ratings = pd.read_parquet(folder / "ratings.parquet")
        split = Split(*(pd.read_parquet(folder / f"{p}.parquet") for p in ("train", "valid", "test")))
    except (OSError, ValueError) as exc:
        raise ArtifactError(f"the catalog snapshot in {folder} is unreadable ({exc}); run `whyrec prepare`") from exc
    return Catalog(items, ratings, split, fp)


def load_catalog(
    data_dir: Path,
    home: Path,
    config: CatalogConfig,
    *,
    refresh: bool = True,
    download_progress: dataset.ProgressHook | None = None,
) -> Catalog:
    """The catalog for ``data_dir``: from the snapshot when it matches, else built and snapshotted.

    When the data dir is missing but a snapshot exists, the snapshot is used as is; with neither,
    the official zip is downloaded (and verified) into ``data_dir``.
    """
    store = ArtifactStore(home)
    try:
        files = dataset.locate(data_dir)
    except DataError as missing:
        manifest = store.manifest(SNAPSHOT)
        if manifest is not None:
            return load_snapshot(store.path(SNAPSHOT), str(manifest["fingerprint"]))
        try:
            dataset.download(data_dir, progress=download_progress)
        except DataError as failed:
            raise DataError(f"{missing} The automatic download failed too: {failed}") from failed
        files = dataset.locate(data_dir)
    fp = data_fingerprint(files, config)
    if store.is_fresh(SNAPSHOT, fp):
        try:
            return load_snapshot(store.path(SNAPSHOT), fp)
        except ArtifactError:
            if not refresh:
                raise
    catalog = build_catalog(files, config)
    if refresh:
        with store.building(SNAPSHOT, fp, items=catalog.n_items, ratings=len(catalog.ratings)) as folder:
            save_snapshot(catalog, folder)
    return catalog
