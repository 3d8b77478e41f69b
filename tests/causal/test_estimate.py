"""The effect estimator on data with a known effect, its error paths, and refuters that catch a bad estimate."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from dowhy import CausalModel
from dowhy.causal_estimator import CausalEstimate, CausalEstimator
from dowhy.causal_estimator import estimate_effect as dowhy_estimate

from whyrec.causal.config import CausalConfig
from whyrec.causal.estimate import METHODS, estimate_effect, resolve_method
from whyrec.causal.inputs import EffectInputError, UnidentifiableError, parse_graph, read_csv, read_graph
from whyrec.causal.refute import data_subset, placebo, random_common_cause

FAST = CausalConfig(refute_simulations=2, bootstrap_simulations=5)


@pytest.fixture(scope="module")
def linear() -> dict[str, Any]:
    import dowhy.datasets

    np.random.seed(0)
    return dowhy.datasets.linear_dataset(beta=10, num_common_causes=3, num_samples=3000, treatment_is_binary=True)


def confounded(n: int = 4000, seed: int = 0) -> pd.DataFrame:
    """A categorical confounder (text levels) drives both treatment and outcome; the true effect is 2."""
    rng = np.random.default_rng(seed)
    level = rng.choice(["a", "b", "c", "d"], size=n)
    shift = pd.Series(level).map({"a": 0.0, "b": 1.0, "c": 2.0, "d": 3.0}).to_numpy()
    x = rng.normal(size=n)
    t = (rng.random(n) < 1 / (1 + np.exp(-(shift - 1.5 + 0.5 * x)))).astype(int)
    y = 2.0 * t + 3.0 * shift + x + rng.normal(size=n)
    return pd.DataFrame({"t": t, "y": y, "level": level, "x": x})


@pytest.mark.parametrize("method", ["backdoor.linear_regression", "backdoor.aipw"])
def test_linear_dataset_effect_is_recovered_within_its_interval(linear: dict[str, Any], method: str) -> None:
    data = linear["df"].assign(v0=linear["df"]["v0"].astype(int))
    est = estimate_effect(data, "v0", "y", graph=linear["gml_graph"], method=method, refute=False, config=FAST)
    assert est.ci_low <= 10 <= est.ci_high or abs(est.value - 10) < 0.5
    assert abs(est.value - 10) < 1.0
    assert est.estimand == "backdoor: adjust for W0, W1, W2"
    assert est.n == len(data)
    assert abs(est.naive - 10) > 5  # linear_dataset is strongly confounded


def test_poor_overlap_is_warned(linear: dict[str, Any]) -> None:
    """linear_dataset's confounding leaves a fifth of rows with propensities near 0 or 1: say so."""
    data = linear["df"].assign(v0=linear["df"]["v0"].astype(int))
    est = estimate_effect(data, "v0", "y", graph=linear["gml_graph"], method="propensity_score_weighting",
                          refute=False, config=FAST)  # fmt: skip
    assert any(w.startswith("poor overlap") for w in est.warnings)


def test_categorical_confounder_is_adjusted_by_one_hot_levels() -> None:
    est = estimate_effect(confounded(), "t", "y", common_causes=["level", "x"], method="aipw", config=FAST)
    assert abs(est.value - 2.0) < 0.25
    assert abs(est.naive - 2.0) > 1.0  # the naive gap is badly confounded
    assert all(r.passed for r in est.refutations), est.refutations


def test_every_method_runs_and_defaults_resolve() -> None:
    data = confounded(1500)
    for method in METHODS:
        est = estimate_effect(data, "t", "y", common_causes=["level", "x"], method=method, refute=False, config=FAST)
        assert est.method == method
        assert est.ci_low <= est.value <= est.ci_high
    assert resolve_method(None, CausalConfig()) == CausalConfig().default_method
    assert resolve_method("doubly_robust", CausalConfig()) == "backdoor.aipw"


def test_graph_formats_parse_to_the_same_dag() -> None:
    dot = "digraph { z -> t; z -> y; t -> y; }"
    edges = "z -> t\nz -> y\nt y  # plain pair\n"
    gml = 'graph [directed 1 node [id 0 label "z"] node [id 1 label "t"] node [id 2 label "y"] ' \
          "edge [source 0 target 1] edge [source 0 target 2] edge [source 1 target 2]]"  # fmt: skip
    for text in (dot, edges, gml):
        assert set(parse_graph(text).edges) == {("z", "t"), ("z", "y"), ("t", "y")}
    with pytest.raises(EffectInputError, match="cycle"):
        parse_graph("a -> b\nb -> a")
    with pytest.raises(EffectInputError, match="not an edge"):
        parse_graph("a -> b -> c")


def test_unidentifiable_effect_is_a_clear_error() -> None:
    data = confounded(600).drop(columns=["level"])
    graph = "u -> t\nu -> y\nt -> y\nx -> y"  # u is unobserved: no adjustment set, no front door, no instrument
    with pytest.raises(UnidentifiableError, match="not identifiable"):
        estimate_effect(data, "t", "y", graph=graph, config=FAST)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.drop(columns=["x"]), "not in the data: x"),
        (lambda d: d.assign(t=d["t"] * 2 + 1), "must be binary"),
        (lambda d: d.assign(x=1.0), "'x' is constant"),
        (lambda d: d.head(30), "only 30 complete rows"),
        (lambda d: d.assign(level=[f"l{i}" for i in range(len(d))]), "has 600 levels"),
        (lambda d: d.assign(t=[1] * 595 + [0] * 5), "only 5 rows in one arm"),
    ],
)
def test_bad_input_is_named(change: Any, message: str) -> None:
    with pytest.raises(EffectInputError, match=message):
        estimate_effect(change(confounded(600)), "t", "y", common_causes=["level", "x"], config=FAST)


def test_missing_values_are_dropped_counted_and_warned() -> None:
    data = confounded(800)
    data.loc[:9, "x"] = np.nan
    data.loc[10:14, "y"] = np.nan
    est = estimate_effect(data, "t", "y", common_causes=["level", "x"], refute=False, config=FAST)
    assert est.n == 785
    assert any("dropped 15 of 800 rows" in w and "x: 10" in w and "y: 5" in w for w in est.warnings)


def test_graph_or_common_causes_exactly_one_and_known_method() -> None:
    data = confounded(600)
    with pytest.raises(EffectInputError, match="exactly one"):
        estimate_effect(data, "t", "y", config=FAST)
    with pytest.raises(EffectInputError, match="unknown estimation method"):
        estimate_effect(data, "t", "y", common_causes=["x"], method="magic", config=FAST)
    with pytest.raises(EffectInputError, match="not a node"):
        estimate_effect(data, "t", "y", graph="x -> y", config=FAST)


def test_files_only_the_named_one_is_read(tmp_path: Path) -> None:
    with pytest.raises(EffectInputError, match="no such file"):
        read_csv(tmp_path / "absent.csv")
    with pytest.raises(EffectInputError, match="no such graph file"):
        read_graph(tmp_path / "absent.dot")
    binary = tmp_path / "bad.csv"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(EffectInputError, match=r"not a readable CSV|no rows"):
        read_csv(binary)


class _PlantedEstimator(CausalEstimator):
    """A deliberately wrong estimator: reports ``score(data)`` whatever the treatment does."""

    score: Any = None

    def fit(self, data: pd.DataFrame, effect_modifier_names: Any = None, **_: Any) -> _PlantedEstimator:
        self._set_effect_modifiers(data, effect_modifier_names)
        return self

    def estimate_effect(self, data: pd.DataFrame, treatment_value: Any = 1, control_value: Any = 0,
                        target_units: Any = "ate", **_: Any) -> CausalEstimate:  # fmt: skip
        self._target_units = target_units
        estimate = CausalEstimate(data, self._target_estimand.treatment_variable,
                                  self._target_estimand.outcome_variable, float(type(self).score(data)),
                                  self._target_estimand, None, control_value, treatment_value)  # fmt: skip
        estimate.add_estimator(self)
        return estimate


def _planted(score: Any) -> tuple[Any, Any, Any]:
    data = confounded(800)
    model = CausalModel(data=data, treatment="t", outcome="y", common_causes=["x"])
    estimand = model.identify_effect(proceed_when_unidentifiable=True)
    cls = type("Planted", (_PlantedEstimator,), {"score": staticmethod(score)})
    estimate = dowhy_estimate(data, "t", "y", "backdoor", cls(identified_estimand=estimand), method_params={})
    return model, estimand, estimate


def test_placebo_refuter_fails_an_estimate_that_ignores_the_treatment() -> None:
    model, estimand, estimate = _planted(lambda d: d["y"].mean())  # the outcome's mean, not an effect
    assert not placebo(model, estimand, estimate, se=0.05, sims=2).passed
    honest = estimate_effect(confounded(800), "t", "y", common_causes=["level", "x"], config=FAST)
    assert honest.refutations[0].name == "placebo_treatment" and honest.refutations[0].passed


def test_subset_and_random_cause_refuters_fail_an_unstable_estimate() -> None:
    model, estimand, estimate = _planted(lambda d: len(d) / 100 + d.shape[1])  # moves with rows and columns
    assert not data_subset(model, estimand, estimate, se=0.05, sims=2).passed
    assert not random_common_cause(model, estimand, estimate, se=0.05, sims=2).passed


def test_aipw_targets_the_untreated_when_asked() -> None:
    """Heterogeneous effect (1 + x) with treated units at high x: ATC < ATE < ATT, and AIPW finds the ATC."""
    rng = np.random.default_rng(3)
    n = 6000
    x = rng.normal(size=n)
    t = (rng.random(n) < 1 / (1 + np.exp(-1.5 * x))).astype(int)
    effect = 1 + x
    data = pd.DataFrame({"t": t, "y": effect * t + 2 * x + rng.normal(size=n), "x": x})
    atc = estimate_effect(data, "t", "y", common_causes=["x"], method="aipw", refute=False, target_units="atc")
    assert atc.ci_low - 0.05 <= effect[t == 0].mean() <= atc.ci_high + 0.05
    assert atc.value < effect.mean() - 0.3
    with pytest.raises(EffectInputError, match="only the ATE"):
        estimate_effect(data, "t", "y", common_causes=["x"], method="matching", refute=False, target_units="atc")
