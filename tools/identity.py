"""Who a tool acts for: set by the agent from the session, never by a model-written argument.

The agent passes an :class:`Identity` in the run config (``configurable["whyrec_identity"]``);
LangChain injects the config into the tool and leaves it out of the schema the model sees. A tool
call that tries to name a user (``user_id=12``) is rejected by the argument schema, which forbids
unknown fields, so no call can act for another user or another session.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from langchain_core.runnables import RunnableConfig

from whyrec.errors import WhyrecError
from whyrec.ranker.scoring import Profile, UserRef

if TYPE_CHECKING:
    from whyrec.catalog.model import Catalog

CONFIG_KEY = "whyrec_identity"

# Persists one feedback (item_id, liked) for the current session, atomically.
FeedbackSink = Callable[[int, bool], object]


@dataclass(frozen=True)
class Identity:
    """The session a tool call belongs to, and what it knows about the person."""

    session_id: str
    user_id: int | None = None  # MovieLens user; None = a chat user known by liked/disliked
    liked: tuple[int, ...] = ()
    disliked: tuple[int, ...] = ()
    record_feedback: FeedbackSink | None = None
    last_request: dict[str, Any] | None = None  # the recommend arguments of the list the person last saw
    last_items: tuple[int, ...] = ()  # the list the person last saw, in order
    suggested: tuple[int, ...] = ()  # films suggested to them before, never suggested again
    genres_asked: tuple[str, ...] = ()  # genres they asked for earlier in the conversation: a preference, not a filter
    topic: str | None = None  # the conversation's last turns, this message included: what the talk is about
    last_topic: str | None = None  # the topic the list the person last saw was made with, to remake it

    @property
    def user(self) -> UserRef:
        """The ranker's view of this person: a MovieLens user with what they told this session, or a fold-in profile.

        A MovieLens user's thumbs-up adds an edge to the graph and a thumbs-down removes one (see
        :class:`whyrec.ranker.scoring.Profile`), so the next list is computed on their feedback.
        """
        if self.user_id is not None and not (self.liked or self.disliked):
            return self.user_id
        return Profile(liked=self.liked, disliked=self.disliked, user_id=self.user_id)

    def known_films(self, catalog: Catalog) -> set[int]:
        """Films this person has met: a title that could mean several films means one of these."""
        rated = catalog.user_ratings(self.user_id)["item_id"] if self.user_id is not None else ()
        return {*self.liked, *self.disliked, *self.last_items, *(int(i) for i in rated)}

    @property
    def excluded(self) -> tuple[int, ...]:
        """Items never to recommend again: what the person said they liked or disliked, and what they were offered."""
        return tuple(dict.fromkeys([*self.liked, *self.disliked, *self.suggested]))


def identity_of(config: RunnableConfig | None) -> Identity:
    """The identity the agent put into the run config; a clear error when a tool runs outside a session."""
    identity = ((config or {}).get("configurable") or {}).get(CONFIG_KEY)
    if not isinstance(identity, Identity):
        raise WhyrecError("this tool needs a session (run it through the agent)")
    return identity


def run_config(identity: Identity, config: RunnableConfig | None = None) -> RunnableConfig:
    """``config`` (or a new one) acting for ``identity``; everything else in it is kept."""
    config = config or {}
    return {**config, "configurable": {**(config.get("configurable") or {}), CONFIG_KEY: identity}}
