"""Shared fixtures: the real catalog from WHYREC_DATA_DIR and the prepared artifacts of `whyrec prepare`."""

from __future__ import annotations

from pathlib import Path

import pytest

from whyrec.config import AppConfig, load_config


@pytest.fixture(scope="session")
def app_config() -> AppConfig:
    """The environment's config (make test points WHYREC_DATA_DIR at ../shared/data and runs prepare)."""
    return load_config()


@pytest.fixture(scope="session")
def catalog(app_config: AppConfig):  # type: ignore[no-untyped-def]
    from whyrec.catalog.load import load_catalog

    return load_catalog(app_config.data_path, app_config.home_dir, app_config.catalog)


@pytest.fixture()
def tmp_home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    return home
