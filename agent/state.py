"""The graph's state: the turn's messages, who plans it, and what the session knows about the person.

``SessionProfile`` is the memory that multi-turn references resolve against ("the second one" is
``last_items[1]``, "why that one?" is ``last_explained`` or ``last_items[0]``, "more like that" after
"tell me about Heat" is ``last_looked_up``). It is persisted by
:mod:`whyrec.agent.sessions` after every turn, so a restart loses nothing.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from langchain_core.messages import AnyMessage
from langgraph.graph.message import add_messages
from pydantic import BaseModel, Field
from typing_extensions import TypedDict


class SessionProfile(BaseModel):
    """One session's memory; identity (``user_id``) is set by the app, never by a model."""

    user_id: int | None = None  # MovieLens user, or None for a chat user (fold-in on liked/disliked)
    liked: list[int] = Field(default_factory=list)
    disliked: list[int] = Field(default_factory=list)
    genres_include: list[str] = Field(default_factory=list)
    genres_exclude: list[str] = Field(default_factory=list)
    genres_any: list[str] = Field(default_factory=list)  # asked for as alternatives: a film needs one of them
    year_min: int | None = None
    year_max: int | None = None
    last_items: list[int] = Field(default_factory=list)  # last recommendation (or what-if "after") list, in order
    suggested: list[int] = Field(default_factory=list)  # films suggested before (a recorded conversation): not again
    genres_asked: list[str] = Field(default_factory=list)  # genres the person asked for in the conversation (soft)
    last_explained: int | None = None
    last_looked_up: int | None = None  # the film an item_info turn was about, so "more like that" means it
    last_intent: str | None = None
    last_request: dict[str, Any] | None = None  # the recommend arguments behind last_items, to explain them
    last_topic: str | None = None  # the conversation's last turns behind last_items (ranker/hybrid.py), likewise
    heard: list[str] = Field(default_factory=list)  # the conversation's last turns in people's words (memory.py)


Planner = Literal["llm", "semantic"]


class State(TypedDict, total=False):
    """What flows around the model <-> tools loop within one turn."""

    messages: Annotated[list[AnyMessage], add_messages]  # this turn: the message, each round's calls and results
    profile: SessionProfile  # as the turn began; the finish node folds the outcomes in
    context: list[AnyMessage]  # earlier turns, for the language model
    planner: Planner  # who plans the rest of the turn; a failing model hands over to "semantic"
    planned_by: Planner  # who chose the turn's first calls (or answered without any)
    rounds: int  # model -> tools rounds run so far
    queued: list[dict[str, Any]]  # calls the model planned after the one running now
    due: list[str]  # tools the words ask for (a why, a what-if, an effect) that no call has answered yet
    intent: str
    notes: list[str]  # shown to the person under the reply
    grounding: list[str]  # what grounding changed in the model's calls, for the turn's report
    reply: str
