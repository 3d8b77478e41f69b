"""DoWhy's refute verb, with a pass/fail rule and a one-line reading people cannot misread.

Refuter p-values are easy to misread: a *high* p-value from the placebo refuter is good news, from
others it means "no evidence of a problem", never "proven right". So each refutation is judged on
its effect size against the estimate's own standard error ``se`` and says in words what passing means:

* placebo treatment (treatment shuffled): the new effect should vanish, ``|new| <= max(3·se, 10% of |estimate|)``;
* random common cause (an irrelevant confounder added): the estimate should not move, ``|new − est| <= max(2·se, 5%)``;
* data subset (random 80% of rows): the estimate should not move either, same rule;
* unobserved common cause (sensitivity, optional): a hidden confounder that flips 5% of treatments
  and shifts the outcome by 5% of its range should not flip the sign of the effect.

Re-estimates per refuter are ``refute_simulations`` (few, for speed: the rules above use the SE,
not the refuter's own simulation spread, so they stay meaningful with 3 simulations).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from whyrec.causal.config import CausalConfig

SEED = 0
MIN_SIMS_FOR_P = 20


@dataclass(frozen=True)
class Refutation:
    name: str
    passed: bool
    new_effect: float
    p_value: float | None
    reading: str


def _p_value(result: Any, sims: int) -> float | None:
    """DoWhy's p-value, only where enough simulations make it meaningful (with 3 it is often 0.0 or 0.5)."""
    info = getattr(result, "refutation_result", None)
    if sims < MIN_SIMS_FOR_P:
        return None
    if isinstance(info, dict) and info.get("p_value") is not None:
        return float(np.ravel(info["p_value"])[0])
    return None


def _new_effect(result: Any) -> float:
    return float(np.mean(np.ravel(result.new_effect)))


def placebo(model: Any, estimand: Any, estimate: Any, se: float, sims: int) -> Refutation:
    result = model.refute_estimate(
        estimand,
        estimate,
        method_name="placebo_treatment_refuter",
        placebo_type="permute",
        num_simulations=sims,
        random_state=SEED,
    )
    new = _new_effect(result)
    tolerance = max(3 * se, 0.1 * abs(estimate.value))
    passed = bool(abs(new) <= tolerance)
    reading = (
        f"with the treatment shuffled the effect drops to {new:.4g} (≈ 0, within {tolerance:.2g}): the estimate "
        "reflects the real treatment assignment, not an artefact of the method"
        if passed
        else f"with the treatment shuffled the effect is still {new:.4g} (beyond {tolerance:.2g} of 0): the method "
        "finds an 'effect' even where there can be none, so do not trust this estimate"
    )
    return Refutation("placebo_treatment", passed, new, _p_value(result, sims), reading)


def _stability(name: str, what: str, result: Any, estimate: Any, se: float, sims: int) -> Refutation:
    new = _new_effect(result)
    tolerance = max(2 * se, 0.05 * abs(estimate.value))
    passed = bool(abs(new - estimate.value) <= tolerance)
    verdict = "stable" if passed else "UNSTABLE"
    reading = (
        f"{what} the estimate moves to {new:.4g} (from {estimate.value:.4g}; tolerance {tolerance:.2g}): {verdict}"
        + ("; passing means no evidence of fragility, not proof the estimate is right" if passed else "")
    )
    return Refutation(name, passed, new, _p_value(result, sims), reading)


def random_common_cause(model: Any, estimand: Any, estimate: Any, se: float, sims: int) -> Refutation:
    result = model.refute_estimate(
        estimand, estimate, method_name="random_common_cause", num_simulations=sims, random_state=SEED
    )
    return _stability("random_common_cause", "adding a random confounder,", result, estimate, se, sims)


def data_subset(model: Any, estimand: Any, estimate: Any, se: float, sims: int) -> Refutation:
    result = model.refute_estimate(
        estimand,
        estimate,
        method_name="data_subset_refuter",
        subset_fraction=0.8,
        num_simulations=sims,
        random_state=SEED,
    )
    return _stability("data_subset", "on random 80% subsets", result, estimate, se, sims)


def unobserved_common_cause(model: Any, estimand: Any, estimate: Any) -> Refutation:
    result = model.refute_estimate(
        estimand,
        estimate,
        method_name="add_unobserved_common_cause",
        simulation_method="direct-simulation",
        confounders_effect_on_treatment="binary_flip",
        confounders_effect_on_outcome="linear",
        effect_strength_on_treatment=0.05,
        effect_strength_on_outcome=0.05,
    )
    new = _new_effect(result)
    passed = bool(np.sign(new) == np.sign(estimate.value)) and abs(new) >= 0.5 * abs(estimate.value)
    reading = f"a hidden confounder flipping 5% of treatments would move the estimate to {new:.4g}: " + (
        "the conclusion survives that much hidden confounding" if passed else "the conclusion is sensitive to it"
    )
    return Refutation("unobserved_common_cause", passed, new, None, reading)


def refute_all(
    model: Any, estimand: Any, estimate: Any, se: float, config: CausalConfig, *, sensitivity: bool = False
) -> tuple[Refutation, ...]:
    """The three standard refuters (and the sensitivity analysis when asked)."""
    sims = config.refute_simulations
    found = [
        placebo(model, estimand, estimate, se, sims),
        random_common_cause(model, estimand, estimate, se, sims),
        data_subset(model, estimand, estimate, se, sims),
    ]
    if sensitivity:
        found.append(unobserved_common_cause(model, estimand, estimate))
    return tuple(found)
