"""Effect estimation with DoWhy's four verbs: model, identify, estimate, refute.

``estimate_effect`` takes any table, a binary treatment, an outcome and either a causal graph or
a list of common causes, and returns a frozen :class:`EffectEstimate`: the value with a 95%
interval, the estimand DoWhy identified, the naive difference in means beside it, the refutations
and warnings (dropped rows, small samples, poor overlap).

Categorical confounders (text or ``categorical=`` columns, e.g. genre) are one-hot encoded by
DoWhy's encoders, which is a fixed effect per level: adjustment compares treated and untreated
rows *within* each level. Levels beyond ``max_categories`` are refused rather than lumped,
because lumping would silently leave confounding in.

Intervals: linear regression uses its OLS standard error; inverse-propensity weighting and AIPW
use their influence functions (no bootstrap, so they cost nothing); matching, stratification and
the front-door / IV estimators fall back to DoWhy's bootstrap with ``bootstrap_simulations``.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
from dowhy import CausalModel
from dowhy.causal_estimator import CausalEstimate
from dowhy.causal_estimator import estimate_effect as dowhy_estimate
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from whyrec.causal import inputs
from whyrec.causal.aipw import AipwEstimator, design_matrix
from whyrec.causal.config import CausalConfig
from whyrec.causal.inputs import EffectInputError, UnidentifiableError
from whyrec.causal.refute import Refutation, refute_all

Z95 = 1.959963984540054
TARGETED_METHODS = ("backdoor.aipw",)  # the methods that also estimate ATT / ATC with a valid interval
# Propensity strata: 5 remove ~90% of the bias of one confounder (Cochran 1968, https://doi.org/10.2307/2528036);
# 50 keep that for several confounders while leaving hundreds of rows per stratum at typical log sizes.
NUM_STRATA = 50
ROWS_PER_STRATUM = 400
METHODS = (
    "backdoor.linear_regression",
    "backdoor.propensity_score_weighting",
    "backdoor.propensity_score_matching",
    "backdoor.propensity_score_stratification",
    "backdoor.aipw",
)
ALIASES = {
    "doubly_robust": "backdoor.aipw",
    "backdoor.doubly_robust": "backdoor.aipw",
    "dr": "backdoor.aipw",
    "regression": "backdoor.linear_regression",
    "ipw": "backdoor.propensity_score_weighting",
    "weighting": "backdoor.propensity_score_weighting",
    "matching": "backdoor.propensity_score_matching",
    "stratification": "backdoor.propensity_score_stratification",
}


@dataclass(frozen=True)
class EffectEstimate:
    """An average effect of ``treatment`` on ``outcome`` (difference in the outcome's mean, treated − untreated)."""

    treatment: str
    outcome: str
    value: float
    ci_low: float
    ci_high: float
    method: str
    estimand: str
    n: int
    naive: float
    refutations: tuple[Refutation, ...]
    warnings: tuple[str, ...]
    true_value: float | None = None


def resolve_method(method: str | None, config: CausalConfig) -> str:
    name = (method or config.default_method).strip()
    name = ALIASES.get(name, name)
    if not name.startswith("backdoor."):
        name = ALIASES.get(f"backdoor.{name}", f"backdoor.{name}")
    if name not in METHODS:
        shown = ", ".join(m.removeprefix("backdoor.") for m in METHODS)
        raise EffectInputError(f"unknown estimation method {method!r}; choose one of: {shown}")
    return name


def naive_difference(frame: pd.DataFrame, treatment: str, outcome: str) -> float:
    means = frame.groupby(treatment)[outcome].mean()
    return float(means.get(1, np.nan) - means.get(0, np.nan))


def build_model(
    frame: pd.DataFrame, treatment: str, outcome: str, dag: nx.DiGraph | None, common_causes: Sequence[str]
) -> CausalModel:
    """DoWhy's model verb; a graph if one was given, else the common causes (DoWhy builds the graph)."""
    if dag is not None:
        return CausalModel(data=frame, treatment=treatment, outcome=outcome, graph=dag)
    return CausalModel(data=frame, treatment=treatment, outcome=outcome, common_causes=list(common_causes))


def identify(model: CausalModel, method: str) -> tuple[Any, str, str]:
    """DoWhy's identify verb: the estimand and the method that fits it (backdoor, else front-door, else IV)."""
    estimand = model.identify_effect(proceed_when_unidentifiable=True)
    if estimand.estimands.get("backdoor") is not None:
        adjust = estimand.get_backdoor_variables()
        if not adjust:  # no confounders: the difference in means is causal, regression gives its interval
            return estimand, "backdoor.linear_regression", "backdoor (no adjustment needed)"
        return estimand, method, f"backdoor: adjust for {', '.join(sorted(adjust))}"
    if estimand.estimands.get("frontdoor") is not None:
        mediators = ", ".join(estimand.get_frontdoor_variables())
        return estimand, "frontdoor.two_stage_regression", f"front-door through {mediators}"
    if estimand.estimands.get("iv") is not None:
        instruments = ", ".join(estimand.get_instrumental_variables())
        return estimand, "iv.instrumental_variable", f"instrumental variable(s) {instruments}"
    raise UnidentifiableError(
        "the effect is not identifiable from this graph: no back-door adjustment set, front-door mediator or "
        "instrument among the observed columns (add the confounders to the data, or revise the graph)"
    )


def _estimator(estimand: object, method: str, n_rows: int) -> object:
    from dowhy.causal_estimators.instrumental_variable_estimator import InstrumentalVariableEstimator
    from dowhy.causal_estimators.linear_regression_estimator import LinearRegressionEstimator
    from dowhy.causal_estimators.propensity_score_matching_estimator import PropensityScoreMatchingEstimator
    from dowhy.causal_estimators.propensity_score_stratification_estimator import (
        PropensityScoreStratificationEstimator,
    )
    from dowhy.causal_estimators.propensity_score_weighting_estimator import PropensityScoreWeightingEstimator
    from dowhy.causal_estimators.two_stage_regression_estimator import TwoStageRegressionEstimator

    classes = {
        "backdoor.linear_regression": LinearRegressionEstimator,
        "backdoor.propensity_score_weighting": PropensityScoreWeightingEstimator,
        "backdoor.propensity_score_matching": PropensityScoreMatchingEstimator,
        "backdoor.propensity_score_stratification": PropensityScoreStratificationEstimator,
        "backdoor.aipw": AipwEstimator,
        "frontdoor.two_stage_regression": TwoStageRegressionEstimator,
        "iv.instrumental_variable": InstrumentalVariableEstimator,
    }
    kwargs: dict[str, object] = {}
    if "propensity" in method:  # scaled features: lbfgs converges in a few iterations instead of hitting max_iter
        kwargs["propensity_score_model"] = make_pipeline(StandardScaler(), LogisticRegression(C=1e4, max_iter=500))
    if method.endswith("weighting"):
        kwargs["weighting_scheme"] = "ips_normalized_weight"
    if method.endswith("stratification"):  # DoWhy's "auto" tries ~n/20 strata and halves: minutes at 100k rows
        kwargs["num_strata"] = int(np.clip(n_rows // ROWS_PER_STRATUM, 2, NUM_STRATA))
    return classes[method](identified_estimand=estimand, **kwargs)


def run_estimator(
    frame: pd.DataFrame, estimand: object, method: str, treatment: str, outcome: str, target_units: str = "ate"
) -> CausalEstimate:
    """DoWhy's estimate verb on a copy (DoWhy's propensity estimators write columns into the frame)."""
    return dowhy_estimate(
        frame.copy(),
        treatment=treatment,
        outcome=outcome,
        identifier_name=method.split(".", 1)[0],
        estimator=_estimator(estimand, method, len(frame)),
        method_params={},
        target_units=target_units,
    )


def standard_error(estimate: CausalEstimate, method: str, bootstrap_simulations: int) -> float:
    """The estimate's standard error: analytic where the method has one, else DoWhy's bootstrap."""
    estimator = estimate.estimator
    if method == "backdoor.aipw":
        return float(estimator.std_error)
    if method == "backdoor.linear_regression":
        low, high = np.ravel(estimate.get_confidence_intervals(confidence_level=0.95))[:2]
        return float(high - low) / (2 * Z95)
    if method == "backdoor.propensity_score_weighting":
        return _hajek_se(estimate._data, estimator)
    return float(np.ravel(estimate.get_standard_error(method="bootstrap", num_simulations=bootstrap_simulations))[0])


def _hajek_se(data: pd.DataFrame, estimator: Any) -> float:
    """Influence-function SE of the self-normalised IPW estimate, from the propensities DoWhy fitted."""
    t = data[estimator._target_estimand.treatment_variable[0]].to_numpy(dtype=np.float64)
    y = data[estimator._target_estimand.outcome_variable[0]].to_numpy(dtype=np.float64)
    e = data[estimator.propensity_score_column].to_numpy(dtype=np.float64)
    w1, w0 = t / e, (1 - t) / (1 - e)
    mu1, mu0 = np.sum(w1 * y) / np.sum(w1), np.sum(w0 * y) / np.sum(w0)
    psi = w1 * (y - mu1) / np.mean(w1) - w0 * (y - mu0) / np.mean(w0)
    return float(psi.std(ddof=1) / np.sqrt(len(psi)))


def overlap_warning(frame: pd.DataFrame, treatment: str, adjust: Sequence[str]) -> str | None:
    """Positivity check, the same for every method: share of rows with a propensity outside [0.02, 0.98]."""
    if not adjust:
        return None
    covariates = pd.get_dummies(frame[list(adjust)], drop_first=True, dtype=float)
    x = design_matrix(covariates)
    model = LogisticRegression(C=1e4, max_iter=500, fit_intercept=False)
    ps = model.fit(x, frame[treatment].to_numpy()).predict_proba(x)[:, 1]
    extreme = float(np.mean((ps < 0.02) | (ps > 0.98)))
    if extreme > 0.05:
        return (
            f"poor overlap: {extreme:.0%} of rows have a propensity below 0.02 or above 0.98, so every method "
            "extrapolates for them (weighting methods most of all); treat the estimate with caution"
        )
    return None


def estimate_effect(
    data: pd.DataFrame,
    treatment: str,
    outcome: str,
    *,
    graph: str | None = None,
    common_causes: Sequence[str] | None = None,
    method: str | None = None,
    refute: bool = True,
    sensitivity: bool = False,
    categorical: Sequence[str] = (),
    config: CausalConfig | None = None,
    true_value: float | None = None,
    target_units: str = "ate",
) -> EffectEstimate:
    """Model, identify, estimate and (optionally) refute the effect of a binary ``treatment`` on ``outcome``."""
    config = config or CausalConfig()
    chosen = resolve_method(method, config)
    if (graph is None) == (common_causes is None):
        raise EffectInputError("give either a causal graph or a list of common causes (exactly one of them)")
    dag = inputs.parse_graph(graph) if graph is not None else None
    if dag is not None:
        for name in (treatment, outcome):
            if name not in dag:
                raise EffectInputError(
                    f"{name!r} is not a node of the causal graph (nodes: {', '.join(map(str, dag))})"
                )
        covariates = [str(n) for n in dag if n in data.columns and n not in (treatment, outcome)]
    else:
        covariates = [c.strip() for c in common_causes or () if c.strip()]
    for column in categorical:
        if column in data.columns:
            data = data.assign(**{column: data[column].astype(str)})
    cleaned = inputs.clean(
        data, treatment, outcome, covariates, min_rows=config.min_rows, max_categories=config.max_categories
    )
    frame = cleaned.frame
    with warnings.catch_warnings(), _quiet_dowhy():
        warnings.simplefilter("ignore")
        model = build_model(frame, treatment, outcome, dag, covariates)
        estimand, chosen, estimand_text = identify(model, chosen)
        if target_units != "ate" and chosen not in TARGETED_METHODS:
            raise EffectInputError(f"{chosen} estimates only the ATE; use aipw for "
                                   f"{target_units}")  # fmt: skip
        estimate = run_estimator(frame, estimand, chosen, treatment, outcome, target_units)
        value = float(estimate.value)
        se = standard_error(estimate, chosen, config.bootstrap_simulations)
        found: list[str] = list(cleaned.warnings)
        adjust = estimand.get_backdoor_variables() if chosen.startswith("backdoor") else []
        overlap = overlap_warning(frame, treatment, adjust)
        if overlap:
            found.append(overlap)
        refutations = refute_all(model, estimand, estimate, se, config, sensitivity=sensitivity) if refute else ()
    return EffectEstimate(
        treatment=treatment,
        outcome=outcome,
        value=value,
        ci_low=value - Z95 * se,
        ci_high=value + Z95 * se,
        method=chosen,
        estimand=estimand_text,
        n=len(frame),
        naive=naive_difference(frame, treatment, outcome),
        refutations=tuple(refutations),
        warnings=tuple(found),
        true_value=true_value,
    )


class _quiet_dowhy:
    """DoWhy logs every step at INFO/WARNING; users see our warnings instead."""

    def __enter__(self) -> None:
        self.logger = logging.getLogger("dowhy")
        self.level = self.logger.level
        self.logger.setLevel(logging.ERROR)

    def __exit__(self, *exc: object) -> None:
        self.logger.setLevel(self.level)
