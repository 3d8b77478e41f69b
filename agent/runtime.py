"""The agent as the app and the CLI use it: one object per process, any number of sessions.

:class:`Agent` composes the parts, each in its own module: the shared resources and tools
(:mod:`whyrec.tools`), the language model and its server (:mod:`whyrec.agent.llm.backend`), the
planners (:mod:`.planners`), the graph (:mod:`.graph`), sessions and their locks
(:mod:`.sessions`), and the events a turn streams (:mod:`.events`). A turn takes the shared model
for its whole run (one CPU model, a bounded wait); turns of one session run one at a time.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from langchain_core.messages import AIMessage, AnyMessage, HumanMessage

from whyrec.agent import prompts
from whyrec.agent.events import AgentEvent, Final, ReplyToken, ToolStep, TurnResult, planning, result_of, tool_steps
from whyrec.agent.faithfulness import FaithfulnessChecker
from whyrec.agent.graph import build_graph
from whyrec.agent.grounding import Grounder
from whyrec.agent.llm.backend import ModelBackend
from whyrec.agent.memory import hear, topic_of
from whyrec.agent.planners import LLMRound, SemanticPlannerLike, TurnPlanner
from whyrec.agent.respond import Responder
from whyrec.agent.sessions import SessionLocks, SessionStore, check_session_id
from whyrec.agent.state import Planner, SessionProfile
from whyrec.catalog.errors import UnknownUserError
from whyrec.errors import WhyrecError
from whyrec.tools.identity import Identity, run_config
from whyrec.tools.registry import build_tools
from whyrec.tools.resources import Resources

if TYPE_CHECKING:
    from whyrec.config import AppConfig

log = logging.getLogger(__name__)
MAX_MESSAGE = 4000  # characters of a message the planner reads; longer input is cut, with a note
CONTEXT_TURNS = 3  # earlier turns the model re-reads (each costs prompt time on a CPU)
RECURSION_LIMIT = 40  # graph steps; max_steps rounds of model + tools stay well inside it

__all__ = ["Agent", "AgentEvent", "Final", "ReplyToken", "ToolStep", "TurnResult"]


def load_semantic_planner(resources: Resources) -> SemanticPlannerLike:
    from whyrec.agent.semantic import lexicon
    from whyrec.agent.semantic.planner import SemanticPlanner
    from whyrec.catalog.linker import TitleLinker

    linker = TitleLinker(resources.catalog, plain=lexicon.PLAIN_WORDS, phrases=lexicon.PLAIN_PHRASES)
    resources.provide("linker", linker)
    return SemanticPlanner(resources.catalog, resources.embedder, resources.linker, resources.config.agent.default_k)


class Agent:
    """Recommends, explains and answers what-if and effect questions, one turn at a time."""

    def __init__(
        self,
        config: AppConfig,
        *,
        resources: Resources | None = None,
        backend: ModelBackend | None = None,
        semantic: SemanticPlannerLike | None = None,
        store: SessionStore | None = None,
    ) -> None:
        self.config = config
        self.resources = resources or Resources(config)
        self.store = store or SessionStore.under(config.home_dir)
        self.locks = SessionLocks()
        self.tools = build_tools(self.resources)
        catalog = self.resources.catalog
        semantic = semantic or load_semantic_planner(self.resources)
        self.backend, self.startup_note = backend, None
        if backend is None and config.agent.planner != "semantic":
            try:
                self.backend = ModelBackend.from_config(config)
            except WhyrecError as exc:  # no model here: every turn is planned deterministically ("llm" says so)
                if config.agent.planner == "llm":
                    self.startup_note = f"no language model ({exc}); the deterministic planner answered"
        checker = FaithfulnessChecker(catalog, secrets=(prompts.SYSTEM,))
        llm = None
        if self.backend is not None:
            llm = LLMRound(
                self.backend.chat_model, self.tools, config.llm.timeout_s, self.backend.one_call,
                narrows=self.backend.narrows and config.llm.narrow_calls,
            )  # fmt: skip
            self.backend.start(warm_up=llm.warm_up)
        self.planner = TurnPlanner(
            semantic, llm, Grounder(self.resources.linker, config.agent.default_k), checker,
            lambda i: catalog.item(i).label,
            max_steps=config.agent.max_steps,
        )  # fmt: skip
        self.graph = build_graph(self.planner, self.tools, Responder(checker))

    def close(self) -> None:
        """Stop the embedded LLM server, if this agent started one."""
        if self.backend is not None:
            self.backend.close()

    def warm(self, wait_for_model_s: float = 0.0) -> None:
        """Load every resource now, so the first turn is as fast as the rest (and wait for the model, if asked)."""
        self.resources.warm("catalog", "embedder", "ranker", "index", "linker", "prior")
        self.planner.semantic.plan("hello", SessionProfile())
        if self.backend is not None and wait_for_model_s > 0:
            self.backend.wait_ready(wait_for_model_s)

    def model_status(self) -> str | None:
        """The language model's state ("ok", "busy", "starting", "down"), None when no model is configured."""
        return None if self.backend is None else self.backend.status()

    @property
    def model_name(self) -> str:
        return self.backend.name if self.backend is not None else "no language model"

    # --- sessions -------------------------------------------------------------------------------
    def profile(self, session_id: str) -> SessionProfile:
        return self.store.load(session_id)

    def set_user(self, session_id: str, user_id: int | None) -> SessionProfile:
        if user_id is not None and not self.resources.catalog.has_user(user_id):
            raise UnknownUserError(user_id)
        with self.locks(session_id):
            profile = self.store.load(session_id)
            profile.user_id = user_id
            self.store.save(session_id, profile)
        return profile

    def load_transcript(self, session_id: str, turns: Sequence[tuple[str, str]]) -> SessionProfile:
        """Start ``session_id`` from a recorded conversation ((role, text), "user" the seeker): its history,
        and the profile its films and stances make (:mod:`whyrec.agent.transcript`). No tool is run."""
        from whyrec.agent.transcript import asked_genres, profile_of, read_transcript

        profile = profile_of(read_transcript(turns, self.resources.linker), asked_genres(turns), turns)
        with self.locks(session_id):
            self.store.start_from(session_id, turns, profile)
        return profile

    def show_recorded(self, session_id: str, text: str) -> SessionProfile:
        """A recorded recommender turn's films become the list the person last saw ("the first one").

        Replaying a written conversation runs its user turns, so the agent makes lists of its own; the
        person's next words ("the last one is a classic") are about the list the record shows them.
        A turn that names no film changes nothing, and neither does the answer to a why or a look-up about a
        film of the list: the other films it names are reasons, and the list stays the one the person saw.
        """
        shown = list(dict.fromkeys(m.item_id for m in self.resources.linker.link(text, relaxed=True)))
        with self.locks(session_id):
            profile = self.store.load(session_id)
            about_list = profile.last_intent in ("explain", "item_info") and bool(set(shown) & set(profile.last_items))
            if shown and not about_list:
                profile.last_items = shown
                self.store.save(session_id, profile)
        return profile

    def update_profile(self, session_id: str, liked: list[int], disliked: list[int]) -> SessionProfile:
        self.resources.catalog.item_index([*liked, *disliked])  # UnknownItemError naming every unknown id
        with self.locks(session_id):
            profile = self.store.load(session_id)
            profile.liked = list(dict.fromkeys(int(i) for i in liked))
            profile.disliked = [int(i) for i in dict.fromkeys(disliked) if i not in profile.liked]
            self.store.save(session_id, profile)
        return profile

    # --- turns ----------------------------------------------------------------------------------
    def turn(self, message: str, *, session_id: str, user_id: int | None = None) -> TurnResult:
        final = None
        for event in self.stream(message, session_id=session_id, user_id=user_id):
            if isinstance(event, Final):
                final = event.result
        assert final is not None  # stream always ends with Final
        return final

    def stream(self, message: str, *, session_id: str, user_id: int | None = None) -> Iterator[AgentEvent]:
        """Planning and tool steps as they start and finish, the model's tokens, then the Final result."""
        start = time.perf_counter()
        check_session_id(session_id)  # a bad session id is the app's bug: raised, not answered
        try:
            if user_id is not None:
                self.set_user(session_id, user_id)
            with self.locks(session_id):
                yield from self._run(message, session_id, start)
        except WhyrecError as exc:  # the person's input (an unknown user, say): a clear reply, session unchanged
            yield Final(result=TurnResult(intent="chitchat", reply=f"I couldn't do that: {exc}", latency_ms=_ms(start)))
        except Exception:  # a bug: logged with its traceback, never shown to the person
            log.exception("turn failed in session %s", session_id)
            reply = "Something went wrong on my side; nothing in your session was changed. Please try again."
            yield Final(result=TurnResult(intent="chitchat", reply=reply, latency_ms=_ms(start)))

    def _run(self, message: str, session_id: str, start: float) -> Iterator[AgentEvent]:
        text = " ".join(str(message).replace("\x00", " ").split())
        notes = [self.startup_note] if self.startup_note else []
        if len(text) > MAX_MESSAGE:
            text, notes = text[:MAX_MESSAGE], [*notes, f"only the first {MAX_MESSAGE} characters were read"]
        profile = self.store.load(session_id)
        identity = Identity(
            session_id=session_id,
            user_id=profile.user_id,
            liked=tuple(profile.liked),
            disliked=tuple(profile.disliked),
            record_feedback=lambda item_id, liked: self.store.record_feedback(session_id, item_id, liked),
            last_request=profile.last_request,
            last_items=tuple(profile.last_items),
            suggested=tuple(profile.suggested),
            genres_asked=tuple(profile.genres_asked),
            topic=topic_of(profile, text),
            last_topic=profile.last_topic,
        )
        with model_lease(self.backend, notes) as planner:
            yield planning(planner, self.model_name, "pending")
            state: dict[str, Any] = {
                "messages": [HumanMessage(text)],
                "profile": profile,
                "context": self._context(session_id) if planner == "llm" else [],
                "planner": planner,
                "notes": notes,
            }
            config = run_config(identity)
            config["recursion_limit"] = RECURSION_LIMIT
            planned = False
            for mode, chunk in self.graph.stream(state, config, stream_mode=["updates", "custom"]):
                if mode == "custom":
                    yield ReplyToken(text=str(chunk.get("token", "")))
                    continue
                for node, change in chunk.items():
                    state.update({k: v for k, v in (change or {}).items() if k != "messages"})
                    state["messages"] = [*state["messages"], *(change or {}).get("messages", [])]
                    if node == "model" and not planned:
                        planned = True
                        yield planning(state["planner"], self.model_name, "done", time.perf_counter() - start)
                    yield from tool_steps(node, change or {}, state["messages"])
        result = result_of(state, state.get("notes", []), _ms(start))
        self.store.save_turn(session_id, text, result.reply, hear(state["profile"], text), {"intent": result.intent})
        yield Final(result=result)

    def _context(self, session_id: str) -> list[AnyMessage]:
        history = self.store.history(session_id, limit=2 * CONTEXT_TURNS)
        return [HumanMessage(c) if role == "user" else AIMessage(c) for role, c in history]


@contextmanager
def model_lease(backend: ModelBackend | None, notes: list[str]) -> Iterator[Planner]:
    """The shared model for this turn ("llm"), or the deterministic planner, with a note saying why."""
    if backend is None:
        yield "semantic"
        return
    with backend.lease() as got:
        if got != "ok":
            why = {"busy": prompts.NOTE_LLM_BUSY, "starting": prompts.NOTE_LLM_STARTING, "down": prompts.NOTE_LLM_DOWN}
            notes.append(why[got].format(wait=backend.wait_s))
        yield "llm" if got == "ok" else "semantic"


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 1)
