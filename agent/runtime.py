"""The agent as the app and the CLI use it: one object per process, any number of sessions.

:class:`Agent` loads resources once, runs a turn through the graph, streams tool steps as they
happen (for the UI), and persists the session after every turn. Turns of one session are
serialised; different sessions run concurrently and never share state.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal

from langchain_core.messages import AIMessage, AnyMessage, HumanMessage, ToolMessage
from pydantic import BaseModel, Field

from whyrec.agent import prompts
from whyrec.agent.graph import build_graph, outcomes_of
from whyrec.agent.planners import LLMPlanner, SemanticPlannerLike, TurnPlanner
from whyrec.agent.respond import Responder
from whyrec.agent.sessions import SessionStore, check_session_id
from whyrec.agent.state import SessionProfile
from whyrec.errors import WhyrecError
from whyrec.tools.identity import Identity, run_config
from whyrec.tools.registry import build_tools
from whyrec.tools.resources import Resources

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from whyrec.config import AppConfig

log = logging.getLogger(__name__)
MAX_MESSAGE = 4000  # characters of a message the planner reads; longer input is cut, with a note
CONTEXT_TURNS = 6


class TurnResult(BaseModel):
    """One answered turn; ``model_dump()`` is the ``whyrec ask --json`` contract."""

    intent: str
    reply: str
    tool_calls: list[dict[str, Any]] = Field(default_factory=list)  # [{"name", "args"}]
    items: list[dict[str, Any]] = Field(default_factory=list)  # [{"item_id", "title", "score"}]
    explanation: dict[str, Any] | None = None
    effect: dict[str, Any] | None = None
    whatif: dict[str, Any] | None = None
    latency_ms: float = 0.0
    notes: list[str] = Field(default_factory=list)


class ToolStep(BaseModel):
    """A tool call starting (pending) or finished (done/error), for live display."""

    name: str
    title: str
    args: dict[str, Any]
    status: Literal["pending", "done", "error"]
    duration_s: float = 0.0
    output: dict[str, Any] | None = None
    error: str | None = None


class Final(BaseModel):
    result: TurnResult


AgentEvent = ToolStep | Final


def load_semantic_planner(resources: Resources) -> SemanticPlannerLike:
    try:
        from whyrec.agent.semantic.planner import SemanticPlanner
    except ImportError as exc:
        raise WhyrecError(f"the semantic planner is not available in this installation ({exc})") from None

    return SemanticPlanner(resources.catalog, resources.embedder)  # type: ignore[no-any-return]


def openai_chat_model(config: AppConfig, base_url: str) -> BaseChatModel:
    from langchain_openai import ChatOpenAI

    llm = config.llm
    return ChatOpenAI(
        base_url=base_url,
        model=llm.model,
        api_key=llm.api_key,
        timeout=llm.timeout_s,
        max_retries=0,
        temperature=0,  # type: ignore[arg-type]
    )


class Agent:
    """Recommends, explains and answers what-if and effect questions, one turn at a time."""

    def __init__(
        self,
        config: AppConfig,
        *,
        resources: Resources | None = None,
        chat_model: BaseChatModel | None = None,
        semantic: SemanticPlannerLike | None = None,
        store: SessionStore | None = None,
    ) -> None:
        self.config = config
        self.resources = resources or Resources(config)
        self.store = store or SessionStore.under(config.home_dir)
        self.tools = build_tools(self.resources)
        catalog = self.resources.catalog
        self._server = None
        if chat_model is None and config.agent.planner != "semantic":
            base_url = config.llm.base_url
            if base_url is None and config.llm.backend == "embedded" and config.agent.planner == "llm":
                from whyrec.agent.llm_server import LlamaServer

                self._server = LlamaServer(
                    alias=config.llm.model
                )  # asked for explicitly: SmolLM2 plans poorly, see the guide
                base_url = self._server.start()
            if base_url is not None:
                chat_model = openai_chat_model(config, base_url)
        capable = config.llm.tool_calling
        llm = LLMPlanner(chat_model, self.tools, config.llm.timeout_s) if chat_model is not None else None
        self.planner = TurnPlanner(
            config.agent.planner,
            semantic or load_semantic_planner(self.resources),
            llm,
            self.tools,
            catalog.has_item,
            lambda i: catalog.item(i).label,
            llm_capable=capable,
            max_steps=config.agent.max_steps,
        )
        writer = chat_model if chat_model is not None and capable else None
        checker = None
        if writer is not None:
            from whyrec.agent.faithfulness import FaithfulnessChecker

            checker = FaithfulnessChecker(catalog, secrets=(prompts.PLANNER_SYSTEM, prompts.RESPONDER_SYSTEM))
        self.responder = Responder(writer, checker, config.llm.timeout_s)
        self.graph = build_graph(self.planner, self.tools, self.responder, config.agent.max_steps)
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def close(self) -> None:
        """Stop the embedded LLM server, if this agent started one."""
        if self._server is not None:
            self._server.stop()
            self._server = None

    def warm(self) -> None:
        """Load every resource and run the planner once, so the first real turn is as fast as the rest."""
        self.resources.warm()
        self.planner.semantic.plan("hello", SessionProfile())

    # --- sessions -------------------------------------------------------------------------------
    def profile(self, session_id: str) -> SessionProfile:
        return self.store.load(session_id)

    def set_user(self, session_id: str, user_id: int | None) -> SessionProfile:
        if user_id is not None and not self.resources.catalog.has_user(user_id):
            from whyrec.catalog.errors import UnknownUserError

            raise UnknownUserError(user_id)
        with self._session_lock(session_id):
            profile = self.store.load(session_id)
            profile.user_id = user_id
            self.store.save(session_id, profile)
        return profile

    def update_profile(self, session_id: str, liked: list[int], disliked: list[int]) -> SessionProfile:
        catalog = self.resources.catalog
        catalog.item_index([*liked, *disliked])  # UnknownItemError naming every unknown id
        with self._session_lock(session_id):
            profile = self.store.load(session_id)
            profile.liked = list(dict.fromkeys(int(i) for i in liked))
            profile.disliked = [int(i) for i in dict.fromkeys(disliked) if i not in profile.liked]
            self.store.save(session_id, profile)
        return profile

    def _session_lock(self, session_id: str) -> threading.Lock:
        check_session_id(session_id)
        with self._guard:
            return self._locks.setdefault(session_id, threading.Lock())

    # --- turns ----------------------------------------------------------------------------------
    def turn(self, message: str, *, session_id: str, user_id: int | None = None) -> TurnResult:
        final = None
        for event in self.stream(message, session_id=session_id, user_id=user_id):
            if isinstance(event, Final):
                final = event.result
        assert final is not None  # stream always ends with Final
        return final

    def stream(self, message: str, *, session_id: str, user_id: int | None = None) -> Iterator[AgentEvent]:
        """Tool steps as they start and finish, then the Final result; errors become a clear reply."""
        start = time.perf_counter()
        if user_id is not None:
            check_session_id(session_id)  # a bad session id is the app's bug: raised, as without a user
            try:
                self.set_user(session_id, user_id)
            except WhyrecError as exc:  # an unknown user is the person's input: a clear reply, session unchanged
                yield Final(
                    result=TurnResult(intent="chitchat", reply=f"I couldn't do that: {exc}", latency_ms=_ms(start))
                )
                return
        with self._session_lock(session_id):
            try:
                yield from self._run(message, session_id, start)
            except WhyrecError as exc:
                yield Final(
                    result=TurnResult(intent="chitchat", reply=f"I couldn't do that: {exc}", latency_ms=_ms(start))
                )
            except Exception:  # a bug: logged with its traceback, never shown to the person
                log.exception("turn failed in session %s", session_id)
                reply = "Something went wrong on my side; nothing in your session was changed. Please try again."
                yield Final(result=TurnResult(intent="chitchat", reply=reply, latency_ms=_ms(start)))

    def _run(self, message: str, session_id: str, start: float) -> Iterator[AgentEvent]:
        notes: list[str] = []
        text = " ".join(str(message).replace("\x00", " ").split())
        if len(text) > MAX_MESSAGE:
            text, notes = text[:MAX_MESSAGE], [f"only the first {MAX_MESSAGE} characters of your message were read"]
        profile = self.store.load(session_id)
        identity = Identity(
            session_id=session_id,
            user_id=profile.user_id,
            liked=tuple(profile.liked),
            disliked=tuple(profile.disliked),
            record_feedback=lambda item_id, liked: self.store.record_feedback(session_id, item_id, liked),
            last_request=profile.last_request,
        )
        state: dict[str, Any] = {
            "messages": [HumanMessage(text)],
            "profile": profile,
            "context": self._context(session_id),
        }
        config = run_config(identity)
        config["recursion_limit"] = 8
        for update in self.graph.stream(state, config, stream_mode="updates"):
            for node, change in update.items():
                state.update({k: v for k, v in change.items() if k != "messages"})
                state["messages"] = [*state["messages"], *change.get("messages", [])]
                yield from _steps(node, change, state["messages"])
        outcomes = outcomes_of(state["messages"])
        result = _result(state, outcomes, [*notes, *state.get("notes", [])], _ms(start))
        self.store.save_turn(session_id, text, result.reply, state["profile"], {"intent": result.intent})
        yield Final(result=result)

    def _context(self, session_id: str) -> list[AnyMessage]:
        history = self.store.history(session_id, limit=2 * CONTEXT_TURNS)
        return [HumanMessage(c) if role == "user" else AIMessage(c) for role, c in history]


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 1)


def _steps(node: str, change: dict[str, Any], messages: list[Any]) -> Iterator[ToolStep]:
    if node == "plan":
        for msg in change.get("messages", []):
            for call in getattr(msg, "tool_calls", []):
                yield ToolStep(
                    name=call["name"],
                    title=prompts.TOOL_TITLES.get(call["name"], call["name"]),
                    args=call["args"],
                    status="pending",
                )
    elif node == "act":
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


def _result(state: dict[str, Any], outcomes: list[Any], notes: list[str], latency_ms: float) -> TurnResult:
    result = TurnResult(
        intent=state.get("intent", "chitchat"),
        reply=state.get("reply", ""),
        tool_calls=[{"name": o.name, "args": o.args} for o in outcomes],
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
