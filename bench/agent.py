"""``whyrec bench agent``: the semantic planner and the whole agent on the labeled conversations.

Side by side in one run: the planner alone (intent and slot accuracy, planning latency) and every
case through the agent with the real tools (intent accuracy, constraint satisfaction of the items
it returned, Recall/NDCG on expected items, per-turn latency p50/p95; the first turn, which loads
the catalog, ranker and index, is reported as warm-up). Goals from the issue sit beside the numbers.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from whyrec.agent.evaluate import Report, evaluate_agent, evaluate_planner, load_cases
from whyrec.config import AppConfig

GOALS = {"intent_accuracy": 0.97, "constraint_satisfaction": 1.0, "latency_p50_ms": 300.0, "latency_p95_ms": 1000.0}
DEFAULT_CASES = Path(__file__).resolve().parents[1] / "tests" / "data" / "conversations.jsonl"


def goals_met(report: Report) -> dict[str, bool]:
    """Each goal against the agent's numbers (constraint satisfaction counts as met with nothing to check)."""
    return {
        "intent_accuracy": report.intent_accuracy >= GOALS["intent_accuracy"],
        "constraint_satisfaction": (report.constraint_satisfaction or 1.0) >= GOALS["constraint_satisfaction"],
        "latency_p50_ms": report.latency_p50_ms <= GOALS["latency_p50_ms"],
        "latency_p95_ms": report.latency_p95_ms <= GOALS["latency_p95_ms"],
    }


def run(
    config: AppConfig, path: Path = DEFAULT_CASES, k: int = 10, progress: Callable[[int, int], None] | None = None
) -> dict[str, Any]:
    from whyrec.agent.runtime import Agent
    from whyrec.agent.sessions import SessionStore

    semantic = config.model_copy(update={"agent": config.agent.model_copy(update={"planner": "semantic"})})
    cases = load_cases(path)
    with tempfile.TemporaryDirectory(prefix="whyrec-bench-") as scratch:  # scratch sessions, not the person's
        agent = Agent(semantic, store=SessionStore.under(Path(scratch)))
        try:
            planner = evaluate_planner(agent.planner.semantic, cases, agent.resources.catalog, k)
            full = evaluate_agent(agent, cases, agent.resources.catalog, k, run_id="bench", progress=progress)
        finally:
            agent.close()
    return {
        "cases": len(cases),
        "goals": GOALS,
        "goals_met": goals_met(full),
        "planner": planner.to_json(),
        "agent": full.to_json(),
    }
