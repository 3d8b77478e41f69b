"""The whole flow of one turn: the model and the tools in a loop, then the grounded reply.

``model`` asks the :class:`~whyrec.agent.planners.TurnPlanner` for this round: the language model's
grounded tool calls, or its closing sentence (the deterministic planner's plan, or the end of the
turn, when the model cannot). While it calls tools, ``tools`` runs them (LangGraph's ToolNode, for
the person the session names) and the model sees their results; at most ``max_steps`` rounds run.
``finish`` renders the reply from the tool outputs, led by the model's sentence if it stays
faithful, and folds the outcomes into the session profile. This follows the LangGraph react-agent
template: https://github.com/langchain-ai/react-agent
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from langchain_core.messages import AIMessage, HumanMessage
from langchain_core.runnables import RunnableConfig
from langchain_core.tools import BaseTool
from langgraph.graph import END, START, StateGraph
from langgraph.prebuilt import ToolNode
from langgraph.prebuilt.tool_node import ToolInvocationError
from pydantic import ValidationError

from whyrec.agent.memory import remember
from whyrec.agent.outcomes import outcomes_of
from whyrec.agent.planners import TurnPlanner
from whyrec.agent.respond import Responder
from whyrec.agent.state import State
from whyrec.errors import WhyrecError
from whyrec.tools.identity import identity_of, run_config

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


def build_graph(planner: TurnPlanner, tools: list[BaseTool], responder: Responder) -> Any:
    """The compiled graph; invoke it with ``{"messages": [HumanMessage], "profile", "context", "planner"}``."""
    tool_node = ToolNode(tools, handle_tool_errors=tool_error_message)

    def model(state: State, config: RunnableConfig) -> dict[str, Any]:
        return planner.step(state, config)

    def act(state: State, config: RunnableConfig) -> Any:
        """Run this round's calls for the person as they are now: this turn's earlier outcomes included."""
        now = remember(state["profile"], state.get("intent", ""), outcomes_of(state["messages"]))
        identity = replace(
            identity_of(config),
            liked=tuple(now.liked),
            disliked=tuple(now.disliked),
            last_request=now.last_request,
            last_items=tuple(now.last_items),
        )
        return tool_node.invoke(state, run_config(identity, config))

    def route(state: State) -> str:
        last = state["messages"][-1]
        return "tools" if isinstance(last, AIMessage) and last.tool_calls else "finish"

    def finish(state: State) -> dict[str, Any]:
        outcomes = outcomes_of(state["messages"])
        message = next(str(m.content) for m in reversed(state["messages"]) if isinstance(m, HumanMessage))
        last = state["messages"][-1]
        lead = str(last.content) if state.get("planner") == "llm" and isinstance(last, AIMessage) else ""
        intent = state.get("intent", "chitchat")
        reply = responder.reply(message, intent, outcomes, state.get("notes", []), lead)
        return {"reply": reply.text, "notes": reply.notes, "profile": remember(state["profile"], intent, outcomes)}

    graph = StateGraph(State)
    graph.add_node("model", model)
    graph.add_node("tools", act)
    graph.add_node("finish", finish)
    graph.add_edge(START, "model")
    graph.add_conditional_edges("model", route, ["tools", "finish"])
    graph.add_edge("tools", "model")
    graph.add_edge("finish", END)
    return graph.compile()
