"""Who chooses the tool calls: the deterministic semantic planner, an LLM with native tool calling, or both.

All planners produce ``AIMessage.tool_calls``-shaped lists, so the graph does not care which one
planned. ``auto`` asks the LLM only when the config declares the served model tool-capable, then
checks its calls (schema, item ids that exist, an intent that agrees with the semantic plan) and
falls back to the semantic plan on any failure: down, slow, HTTP errors, malformed or implausible
calls. The fallback is logged and noted in the reply; correctness never depends on the LLM.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AnyMessage, HumanMessage, SystemMessage
from langchain_core.tools import BaseTool
from pydantic import BaseModel, ValidationError

from whyrec.agent import prompts
from whyrec.agent.state import SessionProfile
from whyrec.errors import WhyrecError

log = logging.getLogger(__name__)

INTENT_OF_TOOL = {
    "recommend": "recommend",
    "search_items": "recommend",
    "explain_recommendation": "explain",
    "simulate_intervention": "what_if",
    "estimate_effect": "effect",
    "lookup_item": "item_info",
    "record_feedback": "feedback",
}
ID_ARGS = ("item_id", "item_ids", "like_item_ids")


class SemanticPlannerLike(Protocol):
    """``agent.semantic``'s planner: ``plan(message, profile) -> Plan(intent, tool_calls, notes)``."""

    def plan(self, message: str, profile: SessionProfile) -> Any: ...


@dataclass(frozen=True)
class TurnPlan:
    intent: str
    tool_calls: list[dict[str, Any]]
    notes: tuple[str, ...] = ()
    source: Literal["semantic", "llm"] = "semantic"


class PlanRejected(Exception):
    """The LLM's plan is unusable; the reason goes into the reply's note."""


class LLMUnavailable(PlanRejected):
    """The LLM gave no usable answer at all: down, too slow, an HTTP error or a malformed tool call."""


def intent_of(tool_calls: Sequence[dict[str, Any]]) -> str:
    return INTENT_OF_TOOL.get(tool_calls[0]["name"], "chitchat") if tool_calls else "chitchat"


def validate_calls(
    calls: Sequence[dict[str, Any]], tools: dict[str, BaseTool], has_item: Callable[[int], bool], max_steps: int
) -> None:
    """Raise PlanRejected unless every call names a tool, fits its schema and uses item ids that exist."""
    if len(calls) > max_steps:
        raise PlanRejected(f"{len(calls)} tool calls, more than the step limit {max_steps}")
    for call in calls:
        tool = tools.get(call.get("name", ""))
        if tool is None:
            raise PlanRejected(f"unknown tool {call.get('name')!r}")
        schema = tool.args_schema
        args = call.get("args") or {}
        if isinstance(schema, type) and issubclass(schema, BaseModel):
            try:
                schema.model_validate(args)
            except ValidationError as exc:
                raise PlanRejected(f"bad arguments for {tool.name}: {exc.errors()[0]['msg']}") from None
        for key in ID_ARGS:
            value = args.get(key)
            ids = value if isinstance(value, list) else [] if value is None else [value]
            unknown = [i for i in ids if not isinstance(i, int) or not has_item(i)]
            if unknown:
                raise PlanRejected(f"{tool.name} names unknown item ids {unknown[:5]}")


class LLMPlanner:
    """Native tool calling through any OpenAI-compatible endpoint (vLLM, llama.cpp, a hosted API)."""

    def __init__(self, chat_model: BaseChatModel, tools: list[BaseTool], timeout_s: float) -> None:
        self.model = chat_model.bind_tools(tools)
        self.timeout_s = timeout_s
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="whyrec-llm")

    def invoke(self, messages: list[AnyMessage]) -> AIMessage:
        """The model's answer within ``timeout_s`` or PlanRejected: a hung server never hangs a turn."""
        future = self._pool.submit(self.model.invoke, messages)
        try:
            answer = future.result(timeout=self.timeout_s)
        except FutureTimeout:
            future.cancel()
            raise LLMUnavailable(f"no answer within {self.timeout_s:g} s") from None
        except Exception as exc:  # any client or server failure means: plan without the LLM
            raise LLMUnavailable(f"{type(exc).__name__}: {str(exc)[:200]}") from None
        if not isinstance(answer, AIMessage):
            raise LLMUnavailable(f"unexpected answer type {type(answer).__name__}")
        if answer.invalid_tool_calls:
            raise LLMUnavailable("malformed tool call")
        return answer

    def plan(
        self, message: str, profile: SessionProfile, context: list[AnyMessage], titles: Callable[[int], str]
    ) -> TurnPlan:
        last = ", ".join(f"{i}: {titles(i)}" for i in profile.last_items[:10]) or "none"
        filters = {k: v for k, v in profile.model_dump().items() if k.startswith(("genres_", "year_")) and v}
        system = prompts.PLANNER_SYSTEM.format(last_items=last, constraints=filters or "none")
        answer = self.invoke([SystemMessage(system), *context, HumanMessage(message)])
        calls = [
            {"name": c["name"], "args": dict(c["args"]), "id": c.get("id") or f"llm-{n}"}
            for n, c in enumerate(answer.tool_calls)
        ]
        return TurnPlan(intent=intent_of(calls), tool_calls=calls, source="llm")


class TurnPlanner:
    """Applies the configured mode: semantic, llm (semantic on failure) or auto (llm only when capable, checked)."""

    def __init__(
        self,
        mode: Literal["auto", "llm", "semantic"],
        semantic: SemanticPlannerLike,
        llm: LLMPlanner | None,
        tools: list[BaseTool],
        has_item: Callable[[int], bool],
        titles: Callable[[int], str],
        *,
        llm_capable: bool,
        max_steps: int,
    ) -> None:
        self.mode, self.semantic, self.llm = mode, semantic, llm
        self.tools = {t.name: t for t in tools}
        self.has_item, self.titles = has_item, titles
        self.use_llm = llm is not None and (mode == "llm" or (mode == "auto" and llm_capable))
        self.max_steps = max_steps

    def semantic_plan(self, message: str, profile: SessionProfile) -> TurnPlan:
        plan = self.semantic.plan(message, profile)
        calls = [c for c in plan.tool_calls if c["name"] in self.tools]
        notes = list(plan.notes)
        missing = sorted({c["name"] for c in plan.tool_calls} - set(self.tools))
        if missing:
            notes.append(f"not available in this installation: {', '.join(missing)}")
        return TurnPlan(intent=plan.intent, tool_calls=calls, notes=tuple(notes))

    def plan(self, message: str, profile: SessionProfile, context: list[AnyMessage]) -> TurnPlan:
        semantic = self.semantic_plan(message, profile)
        if not self.use_llm or self.llm is None:
            return semantic
        try:
            planned = self.llm.plan(message, profile, context, self.titles)
            validate_calls(planned.tool_calls, self.tools, self.has_item, self.max_steps)
            if self.mode == "auto" and planned.intent != semantic.intent:
                raise PlanRejected(f"intent {planned.intent} disagrees with {semantic.intent}")
        except (PlanRejected, WhyrecError) as exc:
            log.warning("LLM plan not used, semantic fallback: %s", exc)
            template = prompts.NOTE_LLM_FAILED if isinstance(exc, LLMUnavailable) else prompts.NOTE_LLM_REJECTED
            return TurnPlan(semantic.intent, semantic.tool_calls, (*semantic.notes, template.format(reason=exc)))
        return planned
