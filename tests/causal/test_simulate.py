"""The exposure simulator: exact ground truth, confounding, seeding, and its prepared artifact."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rich.progress import Progress

from whyrec.catalog.errors import ArtifactError
from whyrec.causal.config import CausalConfig
from whyrec.causal.estimate import estimate_effect
from whyrec.causal.simulate import SEGMENT_UPLIFT, load_exposure_log, prepare, primary_genres, simulate
from whyrec.config import AppConfig, load_config

SMALL = CausalConfig(sim_users=300, sim_items_per_user=100, refute_simulations=2)


@pytest.fixture(scope="module")
def log(catalog):  # type: ignore[no-untyped-def]
    return simulate(catalog, SMALL)


def test_log_has_the_documented_columns_and_binary_treatment(log) -> None:  # type: ignore[no-untyped-def]
    assert len(log.data) == 300 * 100
    assert {"user_id", "item_id", "genre", "log_popularity", "user_activity", "activity_segment"} <= set(log.data)
    assert set(log.data["featured"]) == {0, 1} and set(log.data["watched"]) == {0, 1}
    assert not log.data.duplicated(["user_id", "item_id"]).any()


def test_ground_truth_is_consistent(log) -> None:  # type: ignore[no-untyped-def]
    truth = log.truth
    counts = log.data["genre"].value_counts()
    weighted = sum(truth.cate_genre[g] * counts[g] for g in counts.index) / counts.sum()
    assert truth.ate == pytest.approx(weighted)
    light, heavy = truth.cate_activity["light"], truth.cate_activity["heavy"]
    assert light / heavy == pytest.approx(SEGMENT_UPLIFT["light"] / SEGMENT_UPLIFT["heavy"], rel=0.25)
    low, high = 0.02 * min(SEGMENT_UPLIFT.values()), 0.14 * max(SEGMENT_UPLIFT.values())  # uplift range x segment
    assert all(low <= v <= high for v in truth.cate_genre.values())
    assert max(truth.cate_genre.values()) - min(truth.cate_genre.values()) > 0.03  # genres really differ


def test_naive_difference_is_confounded_by_at_least_30_percent(log) -> None:  # type: ignore[no-untyped-def]
    assert abs(log.truth.naive - log.truth.ate) / log.truth.ate >= 0.3


def test_adjusted_estimate_matches_the_exact_truth(log) -> None:  # type: ignore[no-untyped-def]
    est = estimate_effect(log.data, "featured", "watched", graph=log.dag, method="aipw", refute=False, config=SMALL)
    assert est.ci_low - 0.005 <= log.truth.ate <= est.ci_high + 0.005
    assert abs(est.value - log.truth.ate) < abs(est.naive - log.truth.ate) / 3


def test_seeded(catalog) -> None:  # type: ignore[no-untyped-def]
    config = CausalConfig(sim_users=20, sim_items_per_user=10)
    a, b, c = simulate(catalog, config), simulate(catalog, config), simulate(catalog, config, seed=99)
    assert a.data.equals(b.data) and a.fingerprint == b.fingerprint
    assert not a.data.equals(c.data) and a.fingerprint != c.fingerprint


def test_primary_genre_is_the_rarest_of_an_items_genres(catalog) -> None:  # type: ignore[no-untyped-def]
    genres = primary_genres(catalog)
    toy_story = catalog.item(1)
    assert genres.loc[1] in toy_story.genres
    assert np.all([g in gs or g == "(none)" for g, gs in zip(genres, catalog.items["genres"], strict=True)])


def test_prepare_writes_a_fresh_log_once_and_loads_it(catalog, tmp_home: Path) -> None:  # type: ignore[no-untyped-def]
    config = AppConfig(home=tmp_home, causal=CausalConfig(sim_users=30, sim_items_per_user=20))
    with pytest.raises(ArtifactError, match="whyrec prepare"):
        load_exposure_log(config)
    with Progress(disable=True) as progress:
        assert "impressions" in prepare(config, catalog, progress)
        assert "up to date" in prepare(config, catalog, progress)
    loaded = load_exposure_log(config)
    assert len(loaded.data) == 600 and loaded.truth is not None and "featured -> watched" in loaded.dag
    changed = config.model_copy(update={"causal": CausalConfig(sim_users=31, sim_items_per_user=20)})
    with pytest.raises(ArtifactError, match="other simulator settings"):
        load_exposure_log(changed)


def test_load_config_has_causal_defaults() -> None:
    assert load_config().causal.default_method.startswith("backdoor.")
