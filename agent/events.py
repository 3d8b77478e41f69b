"""What a turn streams while it runs, and the result it ends with (the ``whyrec ask --json`` contract).

A turn streams a planning step at once (so the person sees within a second that something runs),
each tool call as it starts and as it finishes, the model's written tokens as they come, then one
:class:`Final`. The UI and the CLI only ever see these types, never the graph.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

from langchain_core.messages import AIMessage, ToolMessage
from pydantic import BaseModel, Field

from whyrec.agent import prompts
from whyrec.agent.outcomes import ToolOutcome, outcomes_of
from whyrec.agent.state import Planner


class TurnResult(BaseModel):
    """One answered turn; ``model_dump()`` is the ``whyrec ask --json`` contract."""

    intent: str
    reply: str
    planner: Planner = "semantic"  # who chose the turn's first calls (a model failing later hands over, with a note)
    tool_calls: list[dict[str, Any]] = Field(default_factory=list)  # [{"name", "args"}], films as movieIds
    steps: list[dict[str, Any]] = Field(default_factory=list)  # [{"round", "tool", "args", "ok", "error", ...}]
    grounding: list[str] = Field(default_factory=list)  # what grounding changed in the model's calls
    items: list[dict[str, Any]] = Field(default_factory=list)  # [{"item_id", "title", "score"}]
    explanation: dict[str, Any] | None = None
    effect: dict[str, Any] | None = None
    whatif: dict[str, Any] | None = None
    latency_ms: float = 0.0
    notes: list[str] = Field(default_factory=list)


class ToolStep(BaseModel):
    """A planning round or a tool call starting (pending) or finished (done/error), for live display."""

    name: str  # a tool's name, or "plan"
    title: str
    args: dict[str, Any]
    status: Literal["pending", "done", "error"]
    duration_s: float = 0.0
    output: dict[str, Any] | None = None
    error: str | None = None


class ReplyToken(BaseModel):
    """A piece of the model's written sentence, as it is generated (the final reply may still replace it)."""

    text: str


class Final(BaseModel):
    result: TurnResult


AgentEvent = ToolStep | ReplyToken | Final


def planning(planner: Planner, model: str, status: Literal["pending", "done"], took: float = 0.0) -> ToolStep:
    title = prompts.PLANNING[planner].format(model=model)
    return ToolStep(name="plan", title=title, args={}, status=status, duration_s=round(took, 4))


def tool_steps(node: str, change: dict[str, Any], messages: list[Any]) -> Iterator[ToolStep]:
    """The tool steps a graph update means: calls starting after ``model``, results after ``tools``."""
    if node == "model":
        for msg in change.get("messages", []):
            for call in getattr(msg, "tool_calls", []):
                title = prompts.TOOL_TITLES.get(call["name"], call["name"])
                yield ToolStep(name=call["name"], title=title, args=call["args"], status="pending")
    elif node == "tools":
        done = {m.tool_call_id for m in change.get("messages", []) if isinstance(m, ToolMessage)}
        for o in outcomes_of(messages):
            if o.call_id in done:
                yield ToolStep(
                    name=o.name,
                    title=prompts.TOOL_TITLES.get(o.name, o.name),
                    args=o.args,
                    status="done" if o.ok else "error",
                    duration_s=round(o.duration_s, 4),
                    output=o.output,
                    error=o.error,
                )


def _rounds(messages: list[Any]) -> dict[str, int]:
    rounds, n = {}, 0
    for m in messages:
        if isinstance(m, AIMessage) and m.tool_calls:
            n += 1
            rounds.update({c["id"] or "": n for c in m.tool_calls})
    return rounds


def result_of(state: dict[str, Any], notes: list[str], latency_ms: float) -> TurnResult:
    """The turn's result from the graph's final state."""
    outcomes: list[ToolOutcome] = outcomes_of(state["messages"])
    rounds = _rounds(state["messages"])
    result = TurnResult(
        intent=state.get("intent", "chitchat"),
        reply=state.get("reply", ""),
        planner=state.get("planned_by", state.get("planner", "semantic")),
        tool_calls=[{"name": o.name, "args": o.args} for o in outcomes],
        steps=[
            {
                "round": rounds.get(o.call_id, 0),
                "tool": o.name,
                "args": o.args,
                "ok": o.ok,
                "error": o.error,
                "duration_s": round(o.duration_s, 4),
            }
            for o in outcomes
        ],
        grounding=list(state.get("grounding", [])),
        latency_ms=latency_ms,
        notes=list(dict.fromkeys(notes)),
    )
    for o in outcomes:
        if not o.ok or o.output is None:
            continue
        if o.name in ("recommend", "search_items"):
            result.items = [
                {"item_id": i["item_id"], "title": i["title"], "score": i["score"]} for i in o.output["items"]
            ]
        elif o.name == "simulate_intervention":
            result.whatif = o.output
            result.items = [
                {"item_id": r["item_id"], "title": r["title"], "score": r["score"]} for r in o.output.get("after", [])
            ]
        elif o.name == "explain_recommendation":
            result.explanation = o.output
        elif o.name == "estimate_effect":
            result.effect = o.output
    return result
