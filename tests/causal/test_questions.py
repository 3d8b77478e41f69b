"""The population questions the agent asks, on a small simulated log."""

from __future__ import annotations

import pytest

from whyrec.causal.config import CausalConfig
from whyrec.causal.inputs import EffectInputError
from whyrec.causal.questions import answer
from whyrec.causal.simulate import simulate

CONFIG = CausalConfig(sim_users=200, sim_items_per_user=80, refute_simulations=2, default_method="backdoor.aipw")


@pytest.fixture(scope="module")
def log(catalog):  # type: ignore[no-untyped-def]
    return simulate(catalog, CONFIG)


def test_ate_reports_estimate_truth_and_refutations(log) -> None:  # type: ignore[no-untyped-def]
    result = answer("ate", log, config=CONFIG)
    assert result.estimate is not None and result.estimate.true_value == log.truth.ate
    assert len(result.estimate.refutations) == 3
    assert any("true effect" in f for f in result.facts)
    assert answer("ate", log, config=CONFIG) is result  # cached by the log's fingerprint


def test_cate_by_activity_finds_light_users_respond_most(log) -> None:  # type: ignore[no-untyped-def]
    result = answer("cate_activity", log, config=CONFIG)
    by_group = {r.group: r for r in result.rows}
    assert set(by_group) == {"light", "medium", "heavy"}
    assert by_group["light"].true_value > by_group["heavy"].true_value
    for row in result.rows:
        assert row.ci_low - 0.05 <= row.true_value <= row.ci_high + 0.05


def test_cate_by_genre_rows_are_sorted_and_skip_tiny_genres(log) -> None:  # type: ignore[no-untyped-def]
    result = answer("cate_genre", log, config=CONFIG)
    estimates = [r.estimate for r in result.rows]
    assert estimates == sorted(estimates, reverse=True)
    assert all(r.n >= 300 for r in result.rows)


def test_policy_value_scales_the_genre_effect_by_unfeatured_impressions(log) -> None:  # type: ignore[no-untyped-def]
    result = answer("policy", log, genre="comedy", config=CONFIG)
    (row,) = result.rows
    assert row.group == "Comedy"
    assert any("true extra watches" in f for f in result.facts)
    assert row.ci_low - 0.03 <= row.true_value <= row.ci_high + 0.03  # effect on the unfeatured (ATC)
    with pytest.raises(EffectInputError, match="needs a genre"):
        answer("policy", log, config=CONFIG)
    with pytest.raises(EffectInputError, match="no impressions of genre 'Cooking'"):
        answer("policy", log, genre="Cooking", config=CONFIG)


def test_naive_vs_causal_explains_the_gap(log) -> None:  # type: ignore[no-untyped-def]
    result = answer("naive_vs_causal", log, config=CONFIG)
    assert result.estimate is not None and result.estimate.naive > result.estimate.value
    assert any("popular films and heavy users" in f for f in result.facts)
    assert result.estimate is answer("ate", log, config=CONFIG).estimate  # reuses the cached ATE


def test_unknown_question() -> None:
    with pytest.raises(EffectInputError, match="unknown effect question"):
        answer("why", None, config=CONFIG)  # type: ignore[arg-type]
