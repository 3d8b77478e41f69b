"""The whole flow of one turn: plan -> act -> respond, with a step limit and no loops.

``plan`` asks the :class:`~whyrec.agent.planners.TurnPlanner` for tool calls (semantic planner,
LLM, or LLM checked against the semantic plan), ``act`` is LangGraph's ToolNode running them, and
``respond`` renders the grounded reply and updates the session profile. The graph is a straight
line: a turn can never loop back into planning, and ``max_steps`` caps the tool calls it runs.
See the LangGraph react-agent template this follows:
https://github.com/langchain-ai/react-agent
"""

from __future__ import annotations

import logging
from typing import Any

from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langchain_core.tools import BaseTool
from langgraph.graph import END, START, StateGraph
from langgraph.prebuilt import ToolNode
from langgraph.prebuilt.tool_node import ToolInvocationError
from pydantic import ValidationError

from whyrec.agent import prompts
from whyrec.agent.memory import remember
from whyrec.agent.planners import TurnPlanner
from whyrec.agent.respond import Responder, ToolOutcome
from whyrec.agent.state import State
from whyrec.errors import WhyrecError

log = logging.getLogger(__name__)


def tool_error_message(exc: Exception) -> str:
    """What the model (and the template) is told when a tool fails; internal errors are logged, not shown."""
    if isinstance(exc, ToolInvocationError) and isinstance(exc.source, ValidationError):
        exc = exc.source
    if isinstance(exc, ValidationError):
        return "invalid arguments: " + "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
    if isinstance(exc, WhyrecError):
        return str(exc)
    log.exception("tool failed", exc_info=exc)
    return f"internal error in the tool ({type(exc).__name__})"


def outcomes_of(messages: list[Any]) -> list[ToolOutcome]:
    """This turn's tool calls (from the last AIMessage) matched with their ToolMessages."""
    plan = next((m for m in reversed(messages) if isinstance(m, AIMessage) and m.tool_calls), None)
    if plan is None:
        return []
    results = {m.tool_call_id: m for m in messages if isinstance(m, ToolMessage)}
    outcomes = []
    for call in plan.tool_calls:
        msg = results.get(call["id"] or "")
        art = msg.artifact if msg is not None and isinstance(msg.artifact, dict) else None
        if art is not None:
            ok = bool(art.get("ok"))
            outcomes.append(
                ToolOutcome(
                    call["name"],
                    call["args"],
                    ok,
                    art.get("output"),
                    art.get("error"),
                    art.get("duration_s", 0.0),
                    call["id"] or "",
                )
            )
        else:
            error = str(msg.content) if msg is not None else "the tool did not run"
            outcomes.append(ToolOutcome(call["name"], call["args"], False, None, error, 0.0, call["id"] or ""))
    return outcomes


def build_graph(planner: TurnPlanner, tools: list[BaseTool], responder: Responder, max_steps: int) -> Any:
    """The compiled graph; invoke it with ``{"messages": [HumanMessage], "profile": ..., "context": [...]}``."""

    def plan(state: State) -> dict[str, Any]:
        message = str(state["messages"][-1].content)
        turn = planner.plan(message, state["profile"], state.get("context", []))
        notes = list(turn.notes)
        calls = turn.tool_calls
        if len(calls) > max_steps:
            calls, notes = calls[:max_steps], [*notes, prompts.NOTE_STEP_LIMIT.format(n=max_steps)]
        ai = AIMessage(content="", tool_calls=[{"name": c["name"], "args": c["args"], "id": c["id"]} for c in calls])
        return {"messages": [ai], "intent": turn.intent, "notes": notes, "source": turn.source}

    def route(state: State) -> str:
        last = state["messages"][-1]
        return "act" if isinstance(last, AIMessage) and last.tool_calls else "respond"

    def respond(state: State) -> dict[str, Any]:
        outcomes = outcomes_of(state["messages"])
        message = next(str(m.content) for m in reversed(state["messages"]) if isinstance(m, HumanMessage))
        reply = responder.reply(message, state["intent"], outcomes, state.get("notes", []))
        profile = remember(state["profile"], state["intent"], outcomes)
        return {"messages": [AIMessage(reply.text)], "reply": reply.text, "notes": reply.notes, "profile": profile}

    graph = StateGraph(State)
    graph.add_node("plan", plan)
    graph.add_node("act", ToolNode(tools, handle_tool_errors=tool_error_message))
    graph.add_node("respond", respond)
    graph.add_edge(START, "plan")
    graph.add_conditional_edges("plan", route, ["act", "respond"])
    graph.add_edge("act", "respond")
    graph.add_edge("respond", END)
    return graph.compile()
