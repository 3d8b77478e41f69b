"""The loaders on the real ml-latest-small, and clear errors on missing or corrupt files."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from whyrec.catalog import dataset
from whyrec.catalog.config import CatalogConfig
from whyrec.catalog.errors import DataError, UnknownItemError, UnknownUserError
from whyrec.catalog.load import load_catalog


def test_real_catalog_counts(catalog) -> None:
    stats = catalog.stats()
    assert (stats["ratings"], stats["users"], stats["items"]) == (100836, 610, 9742)
    assert stats["items_with_overview"] >= 5000
    matrix = catalog.item(2571)
    assert (matrix.title, matrix.year, matrix.label) == ("The Matrix", 1999, "The Matrix (1999)")
    assert "Sci-Fi" in matrix.genres and matrix.overview and matrix.popularity > 200
    assert catalog.positives["rating"].min() >= 4.0
    split = catalog.split
    assert len(split.train) + len(split.valid) + len(split.test) == len(catalog.positives)


def test_unknown_ids_raise_clear_errors(catalog) -> None:
    with pytest.raises(UnknownItemError, match="999999999"):
        catalog.item(999999999)
    with pytest.raises(UnknownItemError, match="-3"):
        catalog.item_index([1, -3])
    with pytest.raises(UnknownUserError, match="611"):
        catalog.user_index(611)


@pytest.fixture()
def data_copy(tmp_path: Path, app_config) -> Path:
    target = tmp_path / "data"
    shutil.copytree(app_config.data_path / dataset.MOVIELENS_DIR, target / dataset.MOVIELENS_DIR)
    return target


def test_missing_files_are_named(tmp_path: Path, tmp_home: Path, monkeypatch) -> None:
    def offline(*args, **kwargs):
        raise DataError("network unreachable")

    monkeypatch.setattr(dataset, "download", offline)
    with pytest.raises(DataError, match=r"ratings\.csv.*movies\.csv") as err:
        load_catalog(tmp_path / "empty", tmp_home, CatalogConfig())
    assert "WHYREC_DATA_DIR" in str(err.value)


def test_truncated_file_names_file_and_line(data_copy: Path, tmp_home: Path) -> None:
    ratings = data_copy / dataset.MOVIELENS_DIR / "ratings.csv"
    lines = ratings.read_text().splitlines()
    ratings.write_text("\n".join([*lines[:1001], "610,170"]) + "\n")
    with pytest.raises(DataError, match=r"ratings\.csv, line 1002: column 'rating' is empty"):
        load_catalog(data_copy, tmp_home, CatalogConfig())


def test_corrupt_values_and_extra_fields(data_copy: Path, tmp_home: Path) -> None:
    movies = data_copy / dataset.MOVIELENS_DIR / "movies.csv"
    lines = movies.read_text().splitlines()
    lines[5] = "abc,Broken (1995),Comedy"
    movies.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataError, match=r"movies\.csv, line 6: column 'movieId' is not an integer"):
        load_catalog(data_copy, tmp_home, CatalogConfig())
    tags = data_copy / dataset.MOVIELENS_DIR / "tags.csv"
    tags.write_text(tags.read_text() + "1,2,a,b,c,d\n")
    with pytest.raises(DataError, match=r"tags\.csv"):
        dataset.read_table(tags, dataset.SCHEMAS["tags.csv"])


def test_empty_file(data_copy: Path) -> None:
    links = data_copy / dataset.MOVIELENS_DIR / "links.csv"
    links.write_text("")
    with pytest.raises(DataError, match=r"links\.csv is empty"):
        dataset.read_table(links, dataset.SCHEMAS["links.csv"])


def test_snapshot_is_reused_and_refreshed_on_change(data_copy: Path, tmp_home: Path) -> None:
    first = load_catalog(data_copy, tmp_home, CatalogConfig())
    t0 = time.perf_counter()
    second = load_catalog(data_copy, tmp_home, CatalogConfig())
    assert time.perf_counter() - t0 < 5
    assert second.fingerprint == first.fingerprint
    assert second.item(2571) == first.item(2571)
    assert len(second.split.test) == len(first.split.test)
    changed = load_catalog(data_copy, tmp_home, CatalogConfig(positive_threshold=3.5))
    assert changed.fingerprint != first.fingerprint
    assert len(changed.positives) > len(first.positives)


def test_snapshot_serves_when_data_dir_is_gone(data_copy: Path, tmp_home: Path) -> None:
    first = load_catalog(data_copy, tmp_home, CatalogConfig())
    shutil.rmtree(data_copy)
    again = load_catalog(data_copy, tmp_home, CatalogConfig())
    assert again.n_items == first.n_items
