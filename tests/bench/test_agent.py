"""bench agent's goals: a measured 0.0 is a miss, not a pass; a set with nothing to measure is None."""

from __future__ import annotations

from whyrec.agent.evaluate import Report
from whyrec.bench.agent import choose, goals_met


def report(intent: float, slots: float | None, constraints: float | None, p50: float = 10.0) -> Report:
    return Report(
        cases=10, intent_accuracy=intent, slot_accuracy=slots, constraint_satisfaction=constraints,
        items_checked=0, recall_at_k=None, ndcg_at_k=None, k=10, latency_p50_ms=p50, latency_p95_ms=p50,
        warmup_ms=0.0, per_intent={},
    )  # fmt: skip


def test_zero_satisfaction_misses_the_goal() -> None:
    met = goals_met(report(1.0, 1.0, 0.0))
    assert met["constraint_satisfaction"] is False and met["intent_accuracy"] is True
    assert goals_met(report(1.0, None, None))["slot_accuracy"] is None
    assert goals_met(report(1.0, 1.0, 1.0, p50=9000.0))["latency_p50_ms"] is False


def test_the_blind_set_chooses_by_intent_then_slots() -> None:
    rows = [
        {"planner": "llm", "blind": True, "report": {"intent_accuracy": 0.96, "slot_accuracy": 0.84,
                                                     "constraint_satisfaction": 0.95}},
        {"planner": "semantic", "blind": True, "report": {"intent_accuracy": 0.975, "slot_accuracy": 0.82,
                                                          "constraint_satisfaction": 0.92}},
        {"planner": "llm", "blind": False, "report": {"intent_accuracy": 1.0, "slot_accuracy": 1.0,
                                                      "constraint_satisfaction": 1.0}},
    ]  # fmt: skip
    choice = choose(rows)
    assert choice is not None and choice["planner"] == "semantic"
    assert choose(rows[:1]) is None
