"""``whyrec bench calls``: what asking the server for one tool call saves, side by side in one run.

A request that only asks for films gets one call (:func:`whyrec.agent.support.may_chain`): the
client sends ``parallel_tool_calls=false`` to an OpenAI-compatible server and stops the embedded
server at the first call's closing tag, so a model that would add an unasked "explain #1" (which
grounding drops) never writes it. This bench times the first round of each fresh-session request
for films in the given sets both ways: one pass over the requests per arm, so in both every request
follows a different one and reads its own words afresh, as a new turn does (timing the same request
twice in a row would hand the second a cached prompt). It reports the time, the calls per answer
and whether the first call is the same. A third arm, ``narrowed``, is asked for one call with the
grammar narrowed to what grounding would keep (:mod:`whyrec.agent.narrowing`; the same as
``one_call`` on a server that builds no grammar from the schemas), and is set beside ``one_call``.
By default it runs on ``heldout2`` and ``heldout3``, which the LLM prompt was never written against.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from whyrec.agent.cases import load_cases
from whyrec.bench.agent import DATA, SETS
from whyrec.config import AppConfig
from whyrec.errors import WhyrecError

DEFAULT_SETS = ("heldout2", "heldout3")
ARMS = ("free", "one_call", "narrowed")  # MAX_CALLS calls / one call / one call, narrowed to what is supported


def messages_of(sets: Sequence[str]) -> list[str]:
    """The fresh-session requests for films in ``sets`` (cases with no history, labeled recommend)."""
    cases = [c for name in sets for c in load_cases(DATA / SETS[name][0])]
    return [c.message for c in cases if c.expect.intent == "recommend" and not c.history]


def run(
    config: AppConfig, sets: Sequence[str] = DEFAULT_SETS, progress: Callable[[int, int], None] | None = None
) -> dict[str, Any]:
    """Each request's first LLM round, once per arm, with the real tools and the configured model."""
    from langchain_core.messages import HumanMessage, SystemMessage

    from whyrec.agent import prompts
    from whyrec.agent.runtime import Agent
    from whyrec.agent.sessions import SessionStore
    from whyrec.agent.state import SessionProfile

    settings = config.model_copy(update={"agent": config.agent.model_copy(update={"planner": "llm"})})
    messages = messages_of(sets)
    with tempfile.TemporaryDirectory(prefix="whyrec-bench-") as scratch:
        agent = Agent(settings, store=SessionStore.under(Path(scratch)))
        try:
            llm = agent.planner.llm
            if llm is None or agent.backend is None or not agent.backend.wait_ready(settings.llm.startup_timeout_s):
                raise WhyrecError("no language model answered; run `whyrec prepare`, or set WHYREC_LLM_BASE_URL")
            rows: list[dict[str, Any]] = [{"message": message} for message in messages]
            fresh = SessionProfile()
            for arm in ARMS:
                for n, row in enumerate(rows):
                    prompt = [SystemMessage(prompts.SYSTEM), HumanMessage(row["message"])]
                    support = agent.planner.support(row["message"], fresh) if arm == "narrowed" else None
                    start = time.perf_counter()
                    model = llm.model(one_call=arm != "free", support=support)
                    answer = model.invoke(prompt, timeout=settings.llm.timeout_s)
                    calls = [c["name"] for c in getattr(answer, "tool_calls", [])]
                    usage = getattr(answer, "usage_metadata", None) or {}
                    row[arm] = {"s": round(time.perf_counter() - start, 3), "calls": calls}
                    row[arm]["tokens"] = usage.get("output_tokens")
                    if progress is not None:
                        progress(len(rows) * ARMS.index(arm) + n + 1, len(rows) * len(ARMS))
        finally:
            agent.close()
    return {"sets": list(sets), "model": settings.llm.model, **summary(rows), "rows": rows}


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Per arm: total and median seconds, calls per answer; the ratio of totals; first calls that agree."""
    if not rows:
        raise WhyrecError("the sets hold no fresh-session requests for films to time")
    arms = {
        arm: {
            "total_s": round(sum(r[arm]["s"] for r in rows), 2),
            "p50_s": round(statistics.median(r[arm]["s"] for r in rows), 2),
            "calls_per_answer": round(sum(len(r[arm]["calls"]) for r in rows) / len(rows), 2),
            "tokens": sum(r[arm].get("tokens") or 0 for r in rows) or None,  # generated, where the server says
        }
        for arm in ARMS
        if all(arm in r for r in rows)
    }

    def same(a: str, b: str) -> float:
        return sum(r[a]["calls"][:1] == r[b]["calls"][:1] for r in rows) / len(rows)

    result = {
        "requests": len(rows),
        "arms": arms,
        "time_ratio": round(arms["one_call"]["total_s"] / arms["free"]["total_s"], 3),
        "same_first_call": same("free", "one_call"),
    }
    if "narrowed" in arms:
        result["narrowed_time_ratio"] = round(arms["narrowed"]["total_s"] / arms["one_call"]["total_s"], 3)
        result["narrowed_same_first_call"] = same("one_call", "narrowed")
    return result
