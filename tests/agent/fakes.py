"""Scripted stand-ins for the planner and the chat model, so agent tests are fast and deterministic."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import Field

from whyrec.agent.semantic import slots as sl
from whyrec.agent.state import SessionProfile
from whyrec.catalog.titles import normalize

MATRIX = 2571


@dataclass(frozen=True)
class Plan:
    intent: str
    tool_calls: list[dict[str, Any]]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Words:
    """What grounding reads of a message, from its words alone (no film linked): a scripted planner's parse."""

    words: list[str]
    genres: sl.Genres = field(default_factory=sl.Genres)
    years: sl.Years = field(default_factory=sl.Years)
    k: int | None = None
    refs: sl.References = field(default_factory=sl.References)

    def items(self) -> list[int]:
        return []

    def focus(self) -> int | None:
        return None


@dataclass
class ScriptedPlanner:
    """Plans by a function of (message, profile); records what it saw."""

    rule: Callable[[str, SessionProfile], Plan]
    seen: list[tuple[str, SessionProfile]] = field(default_factory=list)

    def plan(self, message: str, profile: SessionProfile) -> Plan:
        self.seen.append((message, profile.model_copy(deep=True)))
        return self.rule(message, profile)

    def parse(self, message: str, profile: SessionProfile) -> Words:
        words = normalize(message).split()
        return Words(words, sl.genres(words), refs=sl.references(words))


def call(name: str, n: int = 0, **args: Any) -> dict[str, Any]:
    return {"name": name, "args": args, "id": f"call-{name}-{n}"}


class ScriptedChatModel(BaseChatModel):
    """Answers with the next scripted AIMessage (or raises it, if it is an exception)."""

    script: list[Any]
    calls: list[Sequence[BaseMessage]] = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def bind_tools(self, tools: Any, **kwargs: Any) -> ScriptedChatModel:  # type: ignore[override]
        return self

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        self.calls.append(messages)
        answer = self.script.pop(0)
        if isinstance(answer, Exception):
            raise answer
        message = answer if isinstance(answer, AIMessage) else AIMessage(content=str(answer))
        return ChatResult(generations=[ChatGeneration(message=message)])
