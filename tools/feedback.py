"""The record_feedback tool: the person liked or disliked an item; stored for this session only."""

from __future__ import annotations

from pydantic import Field

from whyrec.errors import WhyrecError
from whyrec.tools.adapter import ToolResult
from whyrec.tools.films import FilmArgs, FilmRef
from whyrec.tools.identity import Identity
from whyrec.tools.resources import Resources


class FeedbackArgs(FilmArgs):
    FILMS = ("item",)
    item: FilmRef = Field(..., description="the film the person reacted to")
    liked: bool = Field(..., description="true = liked it, false = disliked it")


class FeedbackRecorded(ToolResult):
    item_id: int
    title: str
    liked: bool


def record_feedback(resources: Resources, identity: Identity, args: FeedbackArgs) -> FeedbackRecorded:
    """Record that the person liked or disliked a film; later recommendations use it."""
    item = resources.catalog.item(int(args.item))
    if identity.record_feedback is None:
        raise WhyrecError("feedback cannot be stored outside a session")
    identity.record_feedback(item.item_id, args.liked)
    return FeedbackRecorded(item_id=item.item_id, title=item.title, liked=args.liked)
