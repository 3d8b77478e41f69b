"""A turn's tool calls matched with what came back: what the responder, the memory and the report read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from langchain_core.messages import AIMessage, ToolMessage


@dataclass(frozen=True)
class ToolOutcome:
    """One tool call of a turn and what came back; ``args`` as the tool ran them (films as movieIds)."""

    name: str
    args: dict[str, Any]
    ok: bool
    output: dict[str, Any] | None = None
    error: str | None = None
    duration_s: float = 0.0
    call_id: str = ""


def calls_of(messages: list[Any]) -> list[dict[str, Any]]:
    """Every tool call of this turn's rounds, in order."""
    return [dict(call) for m in messages if isinstance(m, AIMessage) for call in m.tool_calls]


def outcomes_of(messages: list[Any]) -> list[ToolOutcome]:
    """Every call of this turn, in order, with its ToolMessage's artifact (or why it did not run)."""
    results = {m.tool_call_id: m for m in messages if isinstance(m, ToolMessage)}
    outcomes = []
    for call in calls_of(messages):
        msg = results.get(call["id"] or "")
        if msg is None:
            continue  # the round is still running
        art = msg.artifact if isinstance(msg.artifact, dict) else None
        if art is not None and art.get("ok"):
            args = art.get("args") or call["args"]
            outcomes.append(
                ToolOutcome(call["name"], args, True, art.get("output"), None, art.get("duration_s", 0.0), call["id"])
            )
        else:
            error = art.get("error") if art is not None else str(msg.content)
            took = art.get("duration_s", 0.0) if art is not None else 0.0
            args = (art.get("args") if art is not None else None) or call["args"]  # resolved, if it got that far
            outcomes.append(ToolOutcome(call["name"], args, False, None, error, took, call["id"] or ""))
    return outcomes
