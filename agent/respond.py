"""Grounded replies: every fact in a reply is read from a tool output.

The templates (:mod:`whyrec.agent.templates`) always exist, whatever the model. When the language model planned the
turn, its closing sentence leads the reply, but only if :mod:`whyrec.agent.faithfulness` finds
nothing in it that the tools did not return; the results themselves are always rendered from the
tool outputs, so the model never has to copy a list (on a CPU that would cost seconds per film).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from whyrec.agent import prompts
from whyrec.agent.outcomes import ToolOutcome
from whyrec.agent.prompts import CHITCHAT, FEEDBACK_OFFER
from whyrec.agent.templates import render_outcome

if TYPE_CHECKING:
    from whyrec.agent.faithfulness import FaithfulnessChecker


@dataclass
class Reply:
    text: str
    notes: list[str] = field(default_factory=list)


def render(intent: str, outcomes: list[ToolOutcome], notes: list[str]) -> str:
    """The template reply: one paragraph per tool call, then any notes."""
    parts = [render_outcome(o) for o in outcomes] if outcomes else [CHITCHAT]
    if any(o.ok and o.name == "record_feedback" and (o.output or {}).get("liked") for o in outcomes):
        parts.append(FEEDBACK_OFFER)  # the planner reads a "yes" to this as "recommend from my likes"
    parts += [f"Note: {n}" for n in notes]
    return "\n\n".join(p for p in parts if p)


class Responder:
    """The template reply, led by the model's own sentence when that sentence stays faithful."""

    def __init__(self, checker: FaithfulnessChecker) -> None:
        self.checker = checker

    def reply(self, message: str, intent: str, outcomes: list[ToolOutcome], notes: list[str], lead: str = "") -> Reply:
        lead = lead.strip()
        if not lead:
            return Reply(render(intent, outcomes, notes), list(notes))
        facts = [o.output for o in outcomes if o.ok and o.output is not None]
        verdict = self.checker.check(lead, facts, message)
        if not verdict.faithful:
            note = prompts.NOTE_REPLY_REJECTED.format(reason="; ".join(verdict.problems))
            return Reply(render(intent, outcomes, [*notes, note]), [*notes, note])
        body = render(intent, outcomes, notes) if outcomes else "\n\n".join(f"Note: {n}" for n in notes)
        return Reply("\n\n".join(p for p in (lead, body) if p), list(notes))
