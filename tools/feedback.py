"""The record_feedback tool: the person liked or disliked an item; stored for this session only."""

from __future__ import annotations

from pydantic import Field

from whyrec.errors import WhyrecError
from whyrec.tools.adapter import ToolArgs, ToolResult
from whyrec.tools.identity import Identity
from whyrec.tools.resources import Resources


class FeedbackArgs(ToolArgs):
    item_id: int = Field(..., ge=0, description="MovieLens movieId the person reacted to")
    liked: bool = Field(..., description="true = liked it, false = disliked it")


class FeedbackRecorded(ToolResult):
    item_id: int
    title: str
    liked: bool


def record_feedback(resources: Resources, identity: Identity, args: FeedbackArgs) -> FeedbackRecorded:
    """Record that the person liked or disliked an item; later recommendations use it."""
    item = resources.catalog.item(args.item_id)  # UnknownItemError before anything is stored
    if identity.record_feedback is None:
        raise WhyrecError("feedback cannot be stored outside a session")
    identity.record_feedback(item.item_id, args.liked)
    return FeedbackRecorded(item_id=item.item_id, title=item.title, liked=args.liked)
