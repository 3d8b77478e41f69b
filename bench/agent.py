"""``whyrec bench agent``: every labeled and held-out conversation set, through the whole agent, per planner.

Each case runs through :meth:`Agent.turn` with the real tools (history user turns replayed first),
and each planner asked for (``--planner llm,semantic``) runs every set in the same run, so the
rows sit side by side: intent accuracy, slot accuracy, constraint satisfaction of the returned
items, p50/p95 turn latency, and who planned the scored turns (the language model, or its
deterministic fallback). What each set may be trusted for is stated with it: the labeled set and
the first three held-out sets were tuned on (by the deterministic planner's lexicon and exemplars,
and the LLM prompt was written against the labeled set); ``heldout4`` was written blind and, after its
third run, looked at for general fixes; ``heldout5`` was written blind, and its first run (recorded in
the README) chose the chat's default planner; after that run it too was looked at for general fixes,
so ``heldout6`` was written blind after it; its first run (also in the README) was looked at for
general fixes in turn, and so was ``heldout7``, written blind after that by someone who saw neither the
code, the prompts nor the other sets, after its first run (2026-12-06) chose the planner again, and
so was ``heldout8``, written blind the same way after that, after its first run (2026-12-07) chose the
deterministic planner, and so was ``heldout9``, written blind after that, after its first run
(2026-12-07) chose the model again, and so was ``heldout10``, written blind the same way after that,
after its first run (2026-12-07) chose the model too, and so was ``heldout11``, written blind the same way
after that, after its first run (2026-12-07) chose the deterministic planner, and so was ``heldout12``,
written blind the same way after that, after its first run (2026-12-07) chose the deterministic planner
again, and so was ``heldout13``, written blind the same way after that, after its first run (2026-12-07)
chose the model, and so was ``heldout14``, written blind the same way after that, after its first run (2026-12-08)
chose the model again. The next comparison needs a set written blind after it.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from whyrec.agent.cases import load_cases
from whyrec.agent.evaluate import Report, evaluate_agent
from whyrec.config import AppConfig

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
SETS: dict[str, tuple[str, str]] = {  # name -> (file, what it was tuned on by)
    "labeled": ("conversations.jsonl", "written by the team; tuned on by the deterministic planner and the LLM prompt"),
    "heldout": ("heldout.jsonl", "written blind; later tuned on by the deterministic planner"),
    "heldout2": ("heldout2.jsonl", "written blind; later tuned on by the deterministic planner"),
    "heldout3": ("heldout3.jsonl", "written blind; later tuned on by the deterministic planner"),
    "heldout4": ("heldout4.jsonl", "written blind; looked at for general fixes after its third run"),
    "heldout5": ("heldout5.jsonl", "written blind; its first run chose the planner, then it was looked at for fixes"),
    "heldout6": ("heldout6.jsonl", "written blind; its first run chose the planner, then it was looked at for fixes"),
    "heldout7": ("heldout7.jsonl", "written blind; its first run chose the planner, then it was looked at for fixes"),
    "heldout8": ("heldout8.jsonl", "written blind; its first run chose the planner, then it was looked at for fixes"),
    "heldout9": ("heldout9.jsonl", "written blind; its first run chose the planner, then it was looked at for fixes"),
    "heldout10": ("heldout10.jsonl", "written blind; its first run chose the planner, then it was looked at for fixes"),
    "heldout11": ("heldout11.jsonl", "written blind; its first run chose the planner, then it was looked at for fixes"),
    "heldout12": ("heldout12.jsonl", "written blind; its first run chose the planner, then it was looked at for fixes"),
    "heldout13": ("heldout13.jsonl", "written blind; its first run chose the planner, then it was looked at for fixes"),
    "heldout14": ("heldout14.jsonl", "written blind; its first run chose the planner, then it was looked at for fixes"),
}
BLIND = "heldout14"
GOALS = {
    "intent_accuracy": 0.95,
    "slot_accuracy": 0.85,
    "constraint_satisfaction": 0.97,
    "latency_p50_ms": 8000.0,
    "latency_p95_ms": 20000.0,
}
Progress = Callable[[str, int, int], None]


def goals_met(report: Report) -> dict[str, bool | None]:
    """Each goal against a run's numbers; None where the set has nothing to measure it on."""
    values = {key: getattr(report, key) for key in GOALS}
    return {
        key: None if value is None else (value <= goal if key.startswith("latency") else value >= goal)
        for key, value in values.items()
        for goal in (GOALS[key],)
    }


def run(
    config: AppConfig,
    planners: Sequence[str] = ("semantic",),
    sets: Sequence[str] = tuple(SETS),
    k: int = 10,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Every set through the agent, once per planner; one row per (set, planner)."""
    from whyrec.agent.runtime import Agent
    from whyrec.agent.sessions import SessionStore

    rows = []
    for planner in planners:
        settings = config.model_copy(update={"agent": config.agent.model_copy(update={"planner": planner})})
        with tempfile.TemporaryDirectory(prefix="whyrec-bench-") as scratch:  # scratch sessions, not the person's
            agent = Agent(settings, store=SessionStore.under(Path(scratch)))
            try:
                agent.warm(wait_for_model_s=settings.llm.startup_timeout_s)
                for name in sets:
                    file, tuned = SETS[name]
                    cases = load_cases(DATA / file)
                    report = evaluate_agent(
                        agent, cases, agent.resources.catalog, k, run_id=f"bench-{planner}-{name}",
                        progress=_labelled(progress, f"{planner} · {name}"),
                    )  # fmt: skip
                    rows.append(
                        {"set": name, "planner": planner, "cases": len(cases), "blind": name == BLIND,
                         "tuned_on": tuned, "goals_met": goals_met(report), "report": report.to_json()}
                    )  # fmt: skip
            finally:
                agent.close()
    return {"goals": GOALS, "rows": rows, "choice": choose(rows)}


def _labelled(progress: Progress | None, label: str) -> Callable[[int, int], None] | None:
    if progress is None:
        return None
    return lambda done, total: progress(label, done, total)


def choose(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The more accurate planner on the blind set (intent, then slots, then constraints); None with one planner."""
    blind = {r["planner"]: r["report"] for r in rows if r["blind"]}
    if len(blind) < 2:
        return None

    def accuracy(report: dict[str, Any]) -> tuple[float, float, float]:
        return tuple(report[key] or 0.0 for key in ("intent_accuracy", "slot_accuracy", "constraint_satisfaction"))  # type: ignore[return-value]

    best = max(blind, key=lambda p: accuracy(blind[p]))
    return {"set": BLIND, "planner": best, "by": {p: accuracy(r) for p, r in blind.items()}}
