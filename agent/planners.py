"""Who plans each round of a turn: the language model, or the deterministic planner when it cannot.

The graph's model node calls :meth:`TurnPlanner.step` once per round. With the LLM, the model reads
the fixed system prompt, the conversation, a note on the session (the list the person last saw,
their films and filters) and this turn's calls with a brief of each result; it answers with tool
calls or with a sentence. Its calls are grounded (:mod:`whyrec.agent.grounding`) before they run.
Anything unusable (down, slower than ``llm.timeout_s``, an HTTP error, a malformed call, no call
left after grounding, a call-free answer naming facts no tool returned) hands the rest of the turn
to the deterministic planner, with a note saying why, so a turn never depends on the model. A
closing sentence the server cut at ``llm.max_reply_tokens`` is not shown (the template answers alone,
with a note): half a sentence reads as a fault, and a runaway answer is usually the model rambling.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, AnyMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.runnables import RunnableConfig
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool
from langgraph.config import get_stream_writer

from whyrec.agent import prompts
from whyrec.agent.briefs import brief
from whyrec.agent.faithfulness import FaithfulnessChecker
from whyrec.agent.grounding import Grounder
from whyrec.agent.narrowing import narrowed_tools
from whyrec.agent.outcomes import calls_of, outcomes_of
from whyrec.agent.state import SessionProfile, State
from whyrec.agent.support import CUED, INTENT_OF_TOOL, ParsedLike, Support, may_chain, support_for

log = logging.getLogger(__name__)

REQUIRED = {"tool_choice": "required"}  # OpenAI's (and vLLM's, and the embedded handler's) "call a tool"
WARM_UP_S = 300.0  # the first request reads the whole fixed prompt: about 20 s on two cores
CONTEXT_CHARS = 160  # of each earlier reply the model re-reads: the first line says what it was


class SemanticPlannerLike(Protocol):
    """``agent.semantic``'s planner: ``plan(message, profile) -> Plan(intent, tool_calls, notes)`` and ``parse``."""

    def plan(self, message: str, profile: SessionProfile) -> Any: ...
    def parse(self, message: str, profile: SessionProfile) -> ParsedLike: ...


class PlanRejected(Exception):
    """The model's answer is unusable; the reason goes into the reply's note."""


def intent_of(tool_calls: Sequence[dict[str, Any]]) -> str:
    return INTENT_OF_TOOL.get(tool_calls[0]["name"], "chitchat") if tool_calls else "chitchat"


class LLMRound:
    """One call to the chat model within ``timeout_s``, streaming a written answer's tokens as they come.

    ``one_call``: the request options with which the server writes at most one tool call
    (:data:`whyrec.agent.llm.backend.ONE_CALL_OPENAI`); a round asked for one call gets them. A round
    asked to call (``must_call``) sends ``tool_choice="required"``, so the server writes no sentence.
    ``narrows``: the server builds its grammar from the schemas it is sent (the embedded handler),
    so a round given what the words support is sent the tools narrowed to what grounding would keep
    (:mod:`whyrec.agent.narrowing`).
    """

    def __init__(
        self,
        chat_model: BaseChatModel,
        tools: list[BaseTool],
        timeout_s: float,
        one_call: Mapping[str, Any] = {},
        *,
        narrows: bool = False,
    ) -> None:
        self.chat_model, self.timeout_s, self.one_call, self.narrows = chat_model, timeout_s, one_call, narrows
        self.schemas = [convert_to_openai_tool(tool) for tool in tools]

    def model(
        self,
        *,
        one_call: bool = False,
        must_call: bool = False,
        support: Support | None = None,
        follow_on: bool = False,
        call: str | None = None,
    ) -> Any:
        """The chat model bound to the tools, narrowed to ``support`` when the server reads a narrowing;
        ``call``: the one tool it must call now (OpenAI's named ``tool_choice``)."""
        tools = self.schemas
        if self.narrows and support is not None:
            tools = narrowed_tools(tools, support, follow_on=follow_on)
        options = {**(self.one_call if one_call else {}), **(REQUIRED if must_call else {})}
        if call is not None:
            options["tool_choice"] = {"type": "function", "function": {"name": call}}
        return self.chat_model.bind_tools(tools, **options)

    def warm_up(self) -> None:
        """Evaluate the fixed prompt and the tool schemas once, so the server keeps them for every turn."""
        self.model().invoke([SystemMessage(prompts.SYSTEM), HumanMessage("hello")], timeout=WARM_UP_S)

    def __call__(self, messages: list[AnyMessage], config: RunnableConfig, **binding: Any) -> AIMessage:
        """The model's answer; ``binding``: :meth:`model`'s options for this round."""
        deadline = time.monotonic() + self.timeout_s
        write = get_stream_writer()
        total: AIMessageChunk | None = None
        try:
            for chunk in self.model(**binding).stream(messages, config):
                if not isinstance(chunk, AIMessageChunk):
                    raise PlanRejected(f"unexpected answer type {type(chunk).__name__}")
                total = chunk if total is None else total + chunk
                if isinstance(chunk.content, str) and chunk.content:
                    write({"token": chunk.content})
                if time.monotonic() > deadline:
                    raise PlanRejected(f"no answer within {self.timeout_s:g} s")
        except PlanRejected:
            raise
        except Exception as exc:  # any client or server failure means: plan without the model
            raise PlanRejected(f"{type(exc).__name__}: {str(exc)[:200]}") from None
        if total is None:
            raise PlanRejected("an empty answer")
        if total.invalid_tool_calls:
            raise PlanRejected("a malformed tool call")
        finish = {"finish_reason": total.response_metadata.get("finish_reason")}
        return AIMessage(content=total.content, tool_calls=total.tool_calls, id=total.id, response_metadata=finish)


def session_note(profile: SessionProfile, label: Callable[[int], str]) -> str | None:
    """What the model must know of the session to resolve "the first one", "more like those", "why Heat?"."""
    facts = []
    if profile.last_items:
        listed = "; ".join(f"{n}. {label(i)}" for n, i in enumerate(profile.last_items[:10], 1))
        facts.append(prompts.SESSION_LIST.format(items=listed))
    if profile.liked:
        facts.append(prompts.SESSION_LIKED.format(items="; ".join(label(i) for i in profile.liked[-10:])))
    if profile.disliked:
        facts.append(prompts.SESSION_DISLIKED.format(items="; ".join(label(i) for i in profile.disliked[-10:])))
    filters = {k: v for k, v in profile.model_dump().items() if k.startswith(("genres_", "year_")) and v}
    if filters:
        facts.append(prompts.SESSION_FILTERS.format(filters=filters))
    return prompts.SESSION.format(facts="; ".join(facts)) if facts else None


class TurnPlanner:
    """One round: the model's grounded calls or sentence, or the deterministic plan / template when it fails."""

    def __init__(
        self,
        semantic: SemanticPlannerLike,
        llm: LLMRound | None,
        grounder: Grounder,
        checker: FaithfulnessChecker,
        label: Callable[[int], str],
        *,
        max_steps: int,
    ) -> None:
        self.semantic, self.llm, self.grounder, self.checker = semantic, llm, grounder, checker
        self.label, self.max_steps = label, max_steps

    def step(self, state: State, config: RunnableConfig) -> dict[str, Any]:
        queued = list(state.get("queued", []))
        if queued and state.get("rounds", 0) < self.max_steps:  # a planned follow-up, on the results just shown
            return {
                "messages": [AIMessage("", tool_calls=queued[:1])],
                "queued": queued[1:],
                "rounds": state["rounds"] + 1,
            }
        if state.get("planner") == "llm" and self.llm is not None:
            try:
                return self._llm(state, config)
            except PlanRejected as exc:
                log.warning("LLM plan not used, deterministic fallback: %s", exc)
                note = prompts.NOTE_LLM_FAILED.format(reason=exc)
                return {**self._semantic(state, [*state.get("notes", []), note]), "planner": "semantic"}
        return self._semantic(state, list(state.get("notes", [])))

    def _semantic(self, state: State, notes: list[str]) -> dict[str, Any]:
        """The first round is the deterministic plan; a later one ends the turn (the template writes the reply)."""
        if state.get("rounds", 0):
            return {"messages": [AIMessage("")], "notes": notes}
        plan = self.semantic.plan(_message(state), state["profile"])
        calls = [{"name": c["name"], "args": c["args"], "id": c["id"]} for c in plan.tool_calls]
        return {
            "messages": [AIMessage("", tool_calls=calls)],
            "intent": plan.intent,
            "notes": [*notes, *plan.notes],
            "rounds": 1 if calls else 0,
            "planned_by": "semantic",
        }

    def _llm(self, state: State, config: RunnableConfig) -> dict[str, Any]:
        assert self.llm is not None
        rounds, notes = state.get("rounds", 0), list(state.get("notes", []))
        if rounds >= self.max_steps:
            return {"messages": [AIMessage("")], "notes": [*notes, prompts.NOTE_STEP_LIMIT.format(n=rounds)]}
        message = _message(state)
        reader = self.semantic.plan(message, state["profile"]).tool_calls if rounds == 0 else []
        earlier = [str(m.content) for m in state.get("context", []) if isinstance(m, HumanMessage)]
        support = self.support(message, state["profile"], earlier, reader)
        # a second call in one answer is kept only when the words ask for it (grounding), so the model is
        # not given the tokens to write one otherwise; a later round has a result to act on, call by call.
        # A request the reader plans a tool for must be planned with a tool (a sentence is rejected
        # below), so the model is not given the choice to write one.
        one_call = rounds > 0 or not may_chain(support)
        # "recommend 3 like it and tell me why the first one is there": a why the words ask for that the first
        # call did not answer is called next, on the list just made, rather than left to the model to skip
        made = calls_of(state["messages"])
        due = [name for name in state.get("due", []) if name not in {c["name"] for c in made}] if rounds else []
        answer = self.llm(
            self.messages(state), config, one_call=one_call, must_call=bool(reader or due),
            call=next(iter(due), None), support=support, follow_on=rounds > 0,
        )  # fmt: skip
        if not answer.tool_calls:
            text = answer.content if isinstance(answer.content, str) else ""
            if answer.response_metadata.get("finish_reason") == "length":  # a sentence cut short is not shown
                if rounds == 0:
                    raise PlanRejected(f"its answer ran past the length limit: {text[:80]!r}")
                return {"messages": [AIMessage("")], "notes": [*notes, prompts.NOTE_REPLY_CUT]}
            if rounds == 0 and reader:  # a question about films, answered from the model's own memory
                raise PlanRejected(f"it answered a request about films without a tool: {text[:80]!r}")
            if rounds == 0 and not self.checker.check(text, [], message).faithful:
                raise PlanRejected(f"it answered without a tool, naming facts no tool returned: {text[:80]!r}")
            return {"messages": [AIMessage(text)], **({} if rounds else {"intent": "chitchat", "planned_by": "llm"})}
        calls = [dict(call) for call in answer.tool_calls]
        grounded = self.grounder.ground(calls, support, made=made)
        changes = [*state.get("grounding", []), *grounded.changes]
        if not grounded.calls:
            if rounds == 0:
                raise PlanRejected(f"no usable tool call ({'; '.join(grounded.changes)})")
            return {"messages": [AIMessage("")], "grounding": changes}
        update: dict[str, Any] = {
            "messages": [AIMessage("", tool_calls=grounded.calls[:1], id=answer.id)],
            "queued": grounded.calls[1:],  # one call per round, so "#1" means the list the call before made
            "rounds": rounds + 1,
            "grounding": changes,
        }
        if rounds:
            return update
        called = {c["name"] for c in grounded.calls}
        due = [c["name"] for c in reader if c["name"] not in called and INTENT_OF_TOOL.get(c["name"]) in CUED]
        return {**update, "intent": intent_of(grounded.calls), "planned_by": "llm", "due": due}

    def support(
        self,
        message: str,
        profile: SessionProfile,
        earlier: Sequence[str] = (),
        reader: Sequence[dict[str, Any]] | None = None,
    ) -> Support:
        """What the message, the earlier user turns and the session support (what grounding judges by).

        ``reader``: the deterministic reader's calls for the message (planned here when not given).
        """
        parsed = self.semantic.parse(message, profile)
        reader = self.semantic.plan(message, profile).tool_calls if reader is None else reader
        return support_for(parsed, profile, earlier, self.grounder.linker, message, reader)

    def messages(self, state: State) -> list[AnyMessage]:
        """What the model reads: the fixed prompt and examples, the conversation, the session note, this turn."""
        messages: list[AnyMessage] = [SystemMessage(prompts.SYSTEM)]
        for m in state.get("context", []):
            text = str(m.content)
            messages.append(m if isinstance(m, HumanMessage) else AIMessage(text.splitlines()[0][:CONTEXT_CHARS]))
        note = session_note(state["profile"], self.label)
        if note:
            messages.append(SystemMessage(note))
        briefs = {o.call_id: brief(o) for o in outcomes_of(state["messages"])}
        for m in state["messages"]:
            if isinstance(m, ToolMessage):
                messages.append(ToolMessage(briefs.get(m.tool_call_id, str(m.content)), tool_call_id=m.tool_call_id))
            else:
                messages.append(m)
        return messages


def _message(state: State) -> str:
    return next(str(m.content) for m in reversed(state["messages"]) if isinstance(m, HumanMessage))
