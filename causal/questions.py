"""The population questions the agent asks of an exposure log, each a pure function of the log.

* ``ate`` — does featuring a film make people watch it? (the average effect, with refutations)
* ``cate_genre`` / ``cate_activity`` — for which genres / which users does featuring work?
  (the effect estimated within each subgroup, adjusting for the remaining confounders)
* ``policy`` — how many extra watches if every film of genre G were featured? (the subgroup effect
  times the impressions of G that are not featured today)
* ``naive_vs_causal`` — how and why the raw correlation differs from the causal effect.

Answers are cached by (log fingerprint, question, genre, method): the agent asks the same ones
again and again in a session, and an estimate with refutations costs seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from whyrec.causal.config import CausalConfig
from whyrec.causal.estimate import EffectEstimate, estimate_effect
from whyrec.causal.inputs import EffectInputError
from whyrec.causal.simulate import ExposureLog

Question = Literal["ate", "cate_genre", "cate_activity", "policy", "naive_vs_causal"]
QUESTIONS: tuple[str, ...] = ("ate", "cate_genre", "cate_activity", "policy", "naive_vs_causal")
MIN_GROUP_ROWS = 300


@dataclass(frozen=True)
class GroupEffect:
    group: str
    n: int
    featured_share: float
    estimate: float
    ci_low: float
    ci_high: float
    naive: float
    true_value: float | None


@dataclass(frozen=True)
class EffectAnswer:
    question: str
    estimate: EffectEstimate | None
    rows: tuple[GroupEffect, ...]
    facts: tuple[str, ...]


def answer(
    question: str,
    log: ExposureLog,
    *,
    genre: str | None = None,
    method: str | None = None,
    config: CausalConfig | None = None,
) -> EffectAnswer:
    """Answer one population question about ``log`` (cached by the log's fingerprint)."""
    if question not in QUESTIONS:
        raise EffectInputError(f"unknown effect question {question!r}; choose one of: {', '.join(QUESTIONS)}")
    config = config or CausalConfig()
    return _cached(question, _Log(log), genre if question == "policy" else None, method, config.model_dump_json())


class _Log:
    """Hashable by fingerprint, so answers for the same log are computed once per process."""

    def __init__(self, log: ExposureLog) -> None:
        self.log = log

    def __hash__(self) -> int:
        return hash(self.log.fingerprint)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Log) and other.log.fingerprint == self.log.fingerprint


@lru_cache(maxsize=64)
def _cached(question: str, wrapped: _Log, genre: str | None, method: str | None, config_json: str) -> EffectAnswer:
    log, config = wrapped.log, CausalConfig.model_validate_json(config_json)
    if question == "ate":
        return ate(log, method=method, config=config)
    if question == "cate_genre":
        return cate(log, "genre", method=method, config=config)
    if question == "cate_activity":
        return cate(log, "activity_segment", method=method, config=config)
    if question == "policy":
        return policy(log, _canonical_genre(log, genre), config=config)
    ate_answer = _cached("ate", wrapped, None, method, config_json)  # the same estimate, computed once
    return naive_vs_causal(log, ate_answer)


def _canonical_genre(log: ExposureLog, genre: str | None) -> str:
    known = sorted(set(log.data["genre"]))
    if not genre:
        raise EffectInputError(f"the policy question needs a genre (one of: {', '.join(known)})")
    match = {g.lower(): g for g in known}.get(genre.strip().lower())
    if match is None:
        raise EffectInputError(f"no impressions of genre {genre!r} in the exposure log (genres: {', '.join(known)})")
    return match


def ate(log: ExposureLog, *, method: str | None = None, config: CausalConfig | None = None) -> EffectAnswer:
    truth = log.truth.ate if log.truth else None
    est = estimate_effect(
        log.data, log.treatment, log.outcome, graph=log.dag, method=method, config=config, true_value=truth
    )
    facts = [
        f"featuring changes the chance of watching by {est.value:+.3f} "
        f"(95% CI {est.ci_low:+.3f} to {est.ci_high:+.3f})",
        f"identified by {est.estimand}; estimated with {est.method} on {est.n} impressions",
        f"{sum(r.passed for r in est.refutations)} of {len(est.refutations)} refutation checks passed",
    ]
    if truth is not None:
        facts.append(f"the simulator's true effect is {truth:+.3f}")
    return EffectAnswer("ate", est, (), tuple(facts))


def _group_rows(
    log: ExposureLog, column: str, groups: list[str], method: str | None, config: CausalConfig | None
) -> list[GroupEffect]:
    truth = None
    if log.truth:
        truth = log.truth.cate_genre if column == "genre" else log.truth.cate_activity
    adjust = [c for c in log.common_causes if c != column]
    rows = []
    for group in groups:
        part = log.data[log.data[column] == group]
        if len(part) < MIN_GROUP_ROWS or part[log.treatment].nunique() < 2:
            continue
        est = estimate_effect(
            part, log.treatment, log.outcome, common_causes=adjust, method=method, refute=False, config=config
        )
        rows.append(
            GroupEffect(
                group=group,
                n=est.n,
                featured_share=float(part[log.treatment].mean()),
                estimate=est.value,
                ci_low=est.ci_low,
                ci_high=est.ci_high,
                naive=est.naive,
                true_value=truth.get(group) if truth else None,
            )
        )
    return rows


def cate(
    log: ExposureLog, column: str, *, method: str | None = None, config: CausalConfig | None = None
) -> EffectAnswer:
    groups = sorted(set(log.data[column]))
    rows = sorted(_group_rows(log, column, groups, method, config), key=lambda r: -r.estimate)
    skipped = len(groups) - len(rows)
    what = "genre" if column == "genre" else "user activity segment"
    facts = [f"effect of featuring by {what}, largest first"]
    if rows:
        facts.append(f"works best for {rows[0].group} ({rows[0].estimate:+.3f}), least for {rows[-1].group} "
                     f"({rows[-1].estimate:+.3f})")  # fmt: skip
    if skipped:
        facts.append(f"{skipped} group(s) with fewer than {MIN_GROUP_ROWS} impressions were not estimated")
    name = "cate_genre" if column == "genre" else "cate_activity"
    return EffectAnswer(name, None, tuple(rows), tuple(facts))


def policy(log: ExposureLog, genre: str, *, config: CausalConfig | None = None) -> EffectAnswer:
    """Extra watches if every impression of ``genre`` were featured: the effect on the *unfeatured* ones (ATC).

    Impressions not featured today are lighter users and less popular films, whose uplift differs
    from the genre's average, so the right per-impression effect is the ATC, estimated by AIPW.
    """
    part = log.data[log.data["genre"] == genre]
    if len(part) < MIN_GROUP_ROWS or part[log.treatment].nunique() < 2:
        raise EffectInputError(f"too few impressions of {genre} (need {MIN_GROUP_ROWS}) to estimate its effect")
    adjust = [c for c in log.common_causes if c != "genre"]
    est = estimate_effect(part, log.treatment, log.outcome, common_causes=adjust, method="aipw", refute=False,
                          config=config, target_units="atc")  # fmt: skip
    unfeatured = int((part[log.treatment] == 0).sum())
    truth = log.truth.policy_extra_watches.get(genre) if log.truth else None
    row = GroupEffect(genre, est.n, float(part[log.treatment].mean()), est.value, est.ci_low, est.ci_high, est.naive,
                      truth / unfeatured if truth is not None and unfeatured else None)  # fmt: skip
    facts = [  # the answer first
        f"featuring every {genre} impression would bring about {est.value * unfeatured:.0f} extra watches "
        f"(95% CI {est.ci_low * unfeatured:.0f} to {est.ci_high * unfeatured:.0f}), "
        f"{est.value:+.3f} per newly featured impression",
        f"it would feature {unfeatured} more of the {len(part)} {genre} impressions",
        "estimated as the effect on the impressions not featured today (AIPW, ATC)",
    ]
    if truth is not None:
        facts.append(f"the simulator's true extra watches: {truth:.0f}")
    return EffectAnswer("policy", est, (row,), tuple(facts))


def naive_vs_causal(log: ExposureLog, ate_answer: EffectAnswer) -> EffectAnswer:
    est = ate_answer.estimate
    assert est is not None
    data, t = log.data, log.treatment
    gaps = []
    for column in ("log_popularity", "user_activity"):
        if column in data.columns:
            featured, other = data.loc[data[t] == 1, column].mean(), data.loc[data[t] == 0, column].mean()
            gaps.append(f"{column} averages {featured:.2f} among featured vs {other:.2f} among the rest")
    ratio = est.naive / est.value if est.value else float("nan")
    facts = (
        f"naive difference in watch rates: {est.naive:+.3f}; causal effect: {est.value:+.3f} ({ratio:.1f}× smaller)"
        if abs(ratio) > 1
        else f"naive difference in watch rates: {est.naive:+.3f}; causal effect: {est.value:+.3f}",
        "the logging policy features popular films and heavy users, who watch more anyway: "
        "part of the raw gap is who gets featured, not what featuring does",
        *gaps,
        f"adjusting for {est.estimand.removeprefix('backdoor: adjust for ')} removes that selection",
    )
    return EffectAnswer("naive_vs_causal", est, (), facts)
