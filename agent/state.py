"""The graph's state: the turn's messages plus what the session knows about the person.

``SessionProfile`` is the memory that multi-turn references resolve against ("the second one" is
``last_items[1]``, "why that one?" is ``last_explained`` or ``last_items[0]``, "more like that" after
"tell me about Heat" is ``last_looked_up``). It is persisted by
:mod:`whyrec.agent.sessions` after every turn, so a restart loses nothing.
"""

from __future__ import annotations

from typing import Annotated, Any

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
    year_min: int | None = None
    year_max: int | None = None
    last_items: list[int] = Field(default_factory=list)  # last recommendation (or what-if "after") list, in order
    last_explained: int | None = None
    last_looked_up: int | None = None  # the film an item_info turn was about, so "more like that" means it
    last_intent: str | None = None
    last_effect: dict[str, Any] | None = None  # the last effect estimate, for follow-ups
    last_request: dict[str, Any] | None = None  # the recommend arguments behind last_items, to explain them


class State(TypedDict, total=False):
    """What flows through plan -> act -> respond within one turn."""

    messages: Annotated[list[AnyMessage], add_messages]
    profile: SessionProfile
    context: list[AnyMessage]  # earlier turns, for an LLM planner
    intent: str
    source: str  # who planned: "semantic" or "llm"
    notes: list[str]
    reply: str
