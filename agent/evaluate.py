"""Labeled conversations (:mod:`whyrec.agent.cases`), run through the planner alone or through the whole agent.

Through the agent, history *user* turns are replayed so their preferences, mentions and lists reach
the session; the agent's own reply takes the place of each written assistant turn, except that the
films a written assistant turn names are the list the person saw, which "the first one" names (or, with
``history="transcript"``, the recorded conversation is read as the session's history). The first
turn of a run is the warm-up (loading the catalog, ranker, index) and is reported on its own, not in
the latency percentiles.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Protocol

from whyrec.agent.cases import Case
from whyrec.agent.memory import remember
from whyrec.agent.outcomes import ToolOutcome
from whyrec.agent.state import SessionProfile
from whyrec.catalog.constraints import Constraints
from whyrec.catalog.model import Catalog


@dataclass(frozen=True)
class CaseResult:
    id: str
    intent: str
    expected_intent: str | None
    tool: str | None
    args: dict[str, Any]
    items: list[int]
    latency_ms: float
    slots_ok: bool | None  # tool and args as expected (None when the case expects neither)
    satisfied: int = 0  # returned items meeting the expected constraints
    checked: int = 0
    recall: float | None = None
    ndcg: float | None = None
    planner: str = "semantic"  # who planned the scored turn
    followed_up: bool = False  # scored on the answer to FOLLOW_UP (a transcript turn that listed no film)


@dataclass(frozen=True)
class Report:
    cases: int
    intent_accuracy: float
    slot_accuracy: float | None
    constraint_satisfaction: float | None  # share of returned items meeting the expected constraints
    items_checked: int
    recall_at_k: float | None
    ndcg_at_k: float | None
    k: int
    latency_p50_ms: float
    latency_p95_ms: float
    warmup_ms: float
    per_intent: dict[str, dict[str, float]]
    planner_sources: dict[str, int] = field(default_factory=dict)  # scored turns planned by each planner
    followed_up: int = 0  # transcript cases scored on the answer to FOLLOW_UP
    failures: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def recall_ndcg(returned: Sequence[int], relevant: Iterable[int], k: int) -> tuple[float, float]:
    """Recall@k and NDCG@k with binary relevance (Järvelin & Kekäläinen 2002)."""
    rel = set(relevant)
    top = list(returned)[:k]
    hits = [1.0 if i in rel else 0.0 for i in top]
    dcg = sum(h / math.log2(r + 2) for r, h in enumerate(hits))
    ideal = sum(1 / math.log2(r + 2) for r in range(min(len(rel), k)))
    return (sum(hits) / len(rel) if rel else 0.0), (dcg / ideal if ideal else 0.0)


def args_match(expected: dict[str, Any], actual: dict[str, Any]) -> bool:
    """Every expected argument equals the actual one (lists of genres compare as sets)."""
    for key, want in expected.items():
        got = actual.get(key)
        if isinstance(want, list) and key.startswith("genres"):
            if set(want) != set(got or []):
                return False
        elif want != got:
            return False
    return True


def score_case(
    case: Case,
    intent: str,
    calls: list[dict[str, Any]],
    items: list[int] | None,
    latency_ms: float,
    catalog: Catalog,
    k: int,
    planner: str = "semantic",
) -> CaseResult:
    """One case's result against its expectations; ``items`` None when no tool ran (planner only)."""
    e = case.expect
    first = calls[0] if calls else None
    tool, args = (first["name"], dict(first["args"])) if first else (None, {})
    slots_ok = None
    if e.has_tool or e.args is not None:
        slots_ok = (not e.has_tool or tool == e.tool) and (e.args is None or args_match(e.args, args))
    satisfied = checked = 0
    if e.constraints is not None and items is not None:
        wanted = Constraints(
            genres_include=tuple(e.constraints.get("genres_include", ())),
            genres_exclude=tuple(e.constraints.get("genres_exclude", ())),
            year_min=e.constraints.get("year_min"),
            year_max=e.constraints.get("year_max"),
            genres_any=tuple(e.constraints.get("genres_any", ())),
        )
        checked = len(items)
        satisfied = sum(wanted.admits(catalog.item(i)) for i in items)
    recall = ndcg = None
    if e.items and items is not None:
        recall, ndcg = recall_ndcg(items, e.items, k)
    return CaseResult(
        case.id, intent, e.intent, tool, args, items or [], latency_ms, slots_ok, satisfied, checked, recall, ndcg,
        planner,
    )  # fmt: skip


def _percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))], 1)


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


def summarise(results: list[CaseResult], k: int, warmup_ms: float) -> Report:
    labeled = [r for r in results if r.expected_intent is not None]
    per_intent: dict[str, dict[str, float]] = {}
    for intent in sorted({r.expected_intent for r in labeled if r.expected_intent}):
        own = [r for r in labeled if r.expected_intent == intent]
        per_intent[intent] = {
            "cases": len(own),
            "accuracy": round(sum(r.intent == intent for r in own) / len(own), 4),
            "latency_p50_ms": _percentile([r.latency_ms for r in own], 0.5),
            "latency_p95_ms": _percentile([r.latency_ms for r in own], 0.95),
        }
    slots = [r.slots_ok for r in results if r.slots_ok is not None]
    checked = sum(r.checked for r in results)
    failures = [
        {
            "id": r.id,
            "intent": r.intent,
            "expected": r.expected_intent,
            "tool": r.tool,
            "args": r.args,
            "planner": r.planner,
            "unmet": r.checked - r.satisfied,  # returned items breaking the expected constraints
        }
        for r in results
        if (r.expected_intent is not None and r.intent != r.expected_intent)
        or r.slots_ok is False
        or r.satisfied < r.checked
    ]
    latencies = [r.latency_ms for r in results]
    return Report(
        cases=len(results),
        intent_accuracy=round(sum(r.intent == r.expected_intent for r in labeled) / max(1, len(labeled)), 4),
        slot_accuracy=_mean([float(s) for s in slots]),
        constraint_satisfaction=round(sum(r.satisfied for r in results) / checked, 4) if checked else None,
        items_checked=checked,
        recall_at_k=_mean([r.recall for r in results if r.recall is not None]),
        ndcg_at_k=_mean([r.ndcg for r in results if r.ndcg is not None]),
        k=k,
        latency_p50_ms=_percentile(latencies, 0.5),
        latency_p95_ms=_percentile(latencies, 0.95),
        warmup_ms=round(warmup_ms, 1),
        per_intent=per_intent,
        planner_sources=dict(sorted(Counter(r.planner for r in results).items())),
        followed_up=sum(r.followed_up for r in results),
        failures=failures,
    )


# --- the planner alone ------------------------------------------------------------------------------
class PlannerLike(Protocol):
    def plan(self, message: str, profile: SessionProfile) -> Any: ...


def stand_in_outcome(call: dict[str, Any], list_ids: list[int]) -> ToolOutcome:
    """What a tool would return, enough for the session memory to resolve later references."""
    args = call["args"]
    outputs: dict[str, dict[str, Any]] = {
        "recommend": {"items": [{"item_id": i} for i in list_ids], "like_item_ids": args.get("like", [])},
        "search_items": {"items": [{"item_id": i} for i in list_ids]},
        "explain_recommendation": {"item_id": args.get("item")},
        "simulate_intervention": {"after": [{"item_id": i} for i in list_ids]},
        "record_feedback": {"item_id": args.get("item"), "liked": args.get("liked")},
        "estimate_effect": {},
        "lookup_item": {"item_id": args.get("item")},
    }
    return ToolOutcome(call["name"], args, True, outputs.get(call["name"], {}))


def evaluate_planner(planner: PlannerLike, cases: list[Case], catalog: Catalog, k: int = 10) -> Report:
    """Intent and slot accuracy of the planner alone; history turns update a profile as the agent's memory does.

    Tools do not run: a recommendation "returns" the catalog's most rated items, so references
    ("the second one") resolve to real ids without the ranker. Constraints and items are not scored.
    """
    popular = [int(i) for i in catalog.items["popularity"].sort_values(ascending=False).index[:k]]
    results = []
    warmup = time.perf_counter()
    planner.plan("hello", SessionProfile())
    warmup_ms = (time.perf_counter() - warmup) * 1000
    for case in cases:
        profile = SessionProfile(user_id=case.user_id)
        for turn in case.history:
            if turn.role == "user":
                plan = planner.plan(turn.content, profile)
                profile = remember(profile, plan.intent, [stand_in_outcome(c, popular) for c in plan.tool_calls])
        start = time.perf_counter()
        plan = planner.plan(case.message, profile)
        latency = (time.perf_counter() - start) * 1000
        results.append(score_case(case, plan.intent, plan.tool_calls, None, latency, catalog, k))
    return summarise(results, k, warmup_ms)


# What a recorded conversation's seeker is taken to ask when the agent's own turn listed no film.
FOLLOW_UP = "what would you recommend?"


# --- the whole agent --------------------------------------------------------------------------------
class AgentLike(Protocol):
    def turn(self, message: str, *, session_id: str, user_id: int | None = None) -> Any: ...
    def load_transcript(self, session_id: str, turns: Sequence[tuple[str, str]]) -> Any: ...
    def show_recorded(self, session_id: str, text: str) -> Any: ...


def evaluate_agent(
    agent: AgentLike,
    cases: list[Case],
    catalog: Catalog,
    k: int = 10,
    *,
    run_id: str = "eval",
    history: str = "replay",
    progress: Callable[[int, int], None] | None = None,
) -> Report:
    """Every case through ``Agent.turn`` in its own session (:func:`run_agent`), summarised."""
    results, warmup_ms = run_agent(agent, cases, k, run_id=run_id, history=history, progress=progress, catalog=catalog)
    return summarise(results, k, warmup_ms)


def run_agent(
    agent: AgentLike,
    cases: list[Case],
    k: int = 10,
    *,
    catalog: Catalog,
    run_id: str = "eval",
    history: str = "replay",
    progress: Callable[[int, int], None] | None = None,
) -> tuple[list[CaseResult], float]:
    """Each case's result and the warm-up time: the case's history, then the scored message, in its own session.

    ``history="replay"`` runs the case's user turns through the agent first (each with its tools),
    and shows the person the films each recorded assistant turn names (:meth:`Agent.show_recorded`);
    ``"transcript"`` gives the agent the recorded conversation, both roles, as the session's history,
    running nothing (:meth:`Agent.load_transcript`): how a dialogue corpus such as ReDial is scored.
    A recorded conversation's scored moment is the recommender's next suggestion, so when the agent's
    own turn lists no film (the message was a reaction, "seen it, loved it"), the case is scored on its
    answer to :data:`FOLLOW_UP` in the same session (counted in ``Report.followed_up``), as
    conversational recommenders' recommendation modules are scored at every suggesting turn.
    """
    results = []
    start = time.perf_counter()
    warm = getattr(agent, "warm", None)  # Agent.warm loads catalog, ranker, index and embedder now
    if callable(warm):
        warm()
    agent.turn("hello", session_id=f"{run_id}-warmup")
    warmup_ms = (time.perf_counter() - start) * 1000
    for n, case in enumerate(cases):
        session = f"{run_id}-{n}"
        if history == "transcript":
            agent.load_transcript(session, [(t.role, t.content) for t in case.history])
        for turn in case.history if history == "replay" else ():
            if turn.role == "user":
                agent.turn(turn.content, session_id=session, user_id=case.user_id)
            else:
                agent.show_recorded(session, turn.content)
        result = agent.turn(case.message, session_id=session, user_id=case.user_id)
        followed = history == "transcript" and bool(case.expect.items) and not result.items
        listed = agent.turn(FOLLOW_UP, session_id=session, user_id=case.user_id) if followed else result
        items = [int(i["item_id"]) for i in listed.items][:k]
        calls = [{"name": c["name"], "args": c["args"]} for c in result.tool_calls]
        scored = score_case(case, result.intent, calls, items, result.latency_ms, catalog, k, result.planner)
        results.append(replace(scored, followed_up=followed))
        if progress is not None:
            progress(n + 1, len(cases))
    return results, warmup_ms
