"""Grounded replies: every fact in a reply is read from a tool output.

The template rendering here always exists, whatever the model. When the language model planned the
turn, its closing sentence leads the reply, but only if :mod:`whyrec.agent.faithfulness` finds
nothing in it that the tools did not return; the results themselves are always rendered from the
tool outputs, so the model never has to copy a list (on a CPU that would cost seconds per film).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from whyrec.agent import prompts
from whyrec.agent.outcomes import ToolOutcome
from whyrec.agent.prompts import CHITCHAT, FEEDBACK_OFFER

if TYPE_CHECKING:
    from whyrec.agent.faithfulness import FaithfulnessChecker


@dataclass
class Reply:
    text: str
    notes: list[str] = field(default_factory=list)


def label(title: str, year: int | None) -> str:
    return f"{title} ({year})" if year else title


def _titles(refs: list[dict[str, Any]]) -> str:
    names = [r["title"] for r in refs]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _items(output: dict[str, Any], heading: str) -> str:
    items = output.get("items", [])
    if not items:
        return "I found nothing that fits" + (
            f" ({'; '.join(output['constraints'])})." if output.get("constraints") else "."
        )
    lines = [heading + (f" ({'; '.join(output['constraints'])})" if output.get("constraints") else "") + ":"]
    for n, it in enumerate(items, 1):
        why = f" — {'; '.join(it['reasons'])}" if it.get("reasons") else ""
        lines.append(f"{n}. {label(it['title'], it.get('year'))}, {', '.join(it.get('genres', []))}{why}")
    for key in ("note", "fallback"):
        if output.get(key):
            lines.append(f"({key}: {output[key]})")
    return "\n".join(lines)


def _explanation(e: dict[str, Any]) -> str:
    """Counterfactual wording: "without X and Y, Z falls from #2 to #31"."""
    chat = bool(e.get("scope"))  # a chat user's list, explained by the films they told us about
    where = f"#{e['rank_before']} in " + (e["scope"] if chat else "your personal LightGCN ranking")
    if e.get("found") and e.get("removal"):
        after = f"#{e['rank_after']}" if e.get("rank_after") is not None else "out of the list entirely"
        checked = " (verified by re-ranking without them)" if e.get("verified") else " (not verified)"
        without = _titles(e["removal"]) if chat else f"your ratings of {_titles(e['removal'])}"
        text = f"{e['title']} is {where}. Without {without}, it falls from #{e['rank_before']} to {after}{checked}."
    elif chat and not e.get("history_size"):
        text = (
            f"{e['title']} is {where} because of your request's words and its popularity, not because of a "
            "film you named in this chat (you named none), so there is nothing of yours to remove."
        )
    else:
        yours = "the films you told me about" if chat else "your ratings"
        held = "your request's own words and its popularity keep it there" if chat else "your history as a whole does"
        text = (
            f"{e['title']} is {where}; removing up to {e['max_size']} of {yours} ({e['history_size']}) "
            f"does not push it out of the top {e['k']}: {held}."
        )
    influences = e.get("influences") or []
    if influences:
        parts = [
            f"without {i['title']} alone it would be "
            + (f"#{i['new_rank']}" if i.get("new_rank") is not None else "out of the list")
            for i in influences[:3]
        ]
        text += " Strongest single influences: " + "; ".join(parts) + "."
    return text


def _whatif(w: dict[str, Any]) -> str:
    description = str(w["description"])
    lines = [
        (description[:1].upper() + description[1:]) if description.lower().startswith("if ") else f"If {description}"
    ]
    lines[0] += ":"
    for key, verb in (("entered", "would enter"), ("left", "would leave"), ("moved", "would move within")):
        for m in w.get(key, [])[:5]:
            ranks = [f"#{r}" if r is not None else "out" for r in (m["rank_before"], m["rank_after"])]
            lines.append(f"- {m['title']} {verb} your top {w['k']} ({ranks[0]} → {ranks[1]}; {m['cause']})")
    if len(lines) == 1:
        lines.append(f"- your top {w['k']} would not change.")
    after = ", ".join(f"#{r['rank']} {r['title']}" for r in w.get("after", [])[:5])
    if after:
        lines.append(f"New top: {after}.")
    return "\n".join(lines)


def _estimate(e: dict[str, Any]) -> str:
    refuted = [r for r in e.get("refutations", []) if not r.get("passed")]
    checks = (
        f"{len(e['refutations']) - len(refuted)} of {len(e['refutations'])} refutation tests passed"
        + (f" (failed: {', '.join(r['name'] for r in refuted)})" if refuted else "")
        if e.get("refutations")
        else "no refutation tests were run"
    )
    text = (
        f"Effect of {e['treatment']} on {e['outcome']}: {e['value']:.3f} "
        f"(95% CI {e['ci_low']:.3f} to {e['ci_high']:.3f}, {e['method']}, n={e['n']}); {checks}. "
        f"The naive correlation says {e['naive']:.3f}, which mixes in confounding."
    )
    if e.get("true_value") is not None:
        text += f" The simulator's true effect is {e['true_value']:.3f}."
    for warning in e.get("warnings", []):
        text += f" Note: {warning}"
    return text


def _effect(output: dict[str, Any]) -> str:
    """An EffectAnswer: the estimate, per-group rows (CATE, policy) and the analysis' own fact sentences."""
    parts = [_estimate(output["estimate"])] if output.get("estimate") else []
    for row in output.get("rows", [])[:12]:
        truth = f", true {row['true_value']:.3f}" if row.get("true_value") is not None else ""
        parts.append(
            f"- {row['group']}: {row['estimate']:.3f} (95% CI {row['ci_low']:.3f} to {row['ci_high']:.3f}; "
            f"naive {row['naive']:.3f}{truth}; n={row['n']})"
        )
    parts.extend(str(fact) for fact in output.get("facts", []))
    return "\n".join(parts) if parts else "The estimate came back without figures."


def _item(d: dict[str, Any]) -> str:
    rating = f" Mean rating {d['mean_rating']} from {d['ratings']} ratings." if d.get("mean_rating") is not None else ""
    return (
        f"{label(d['title'], d.get('year'))}: {', '.join(d.get('genres', []))}. {d.get('overview', '')}{rating}".strip()
    )


def render_outcome(outcome: ToolOutcome) -> str:
    if not outcome.ok or outcome.output is None:
        return f"I couldn't do that: {outcome.error}"
    out = outcome.output
    match outcome.name:
        case "recommend":
            return _items(out, "Here is what I'd recommend")
        case "search_items":
            return _items(out, "Matching movies")
        case "explain_recommendation":
            return _explanation(out)
        case "simulate_intervention":
            return _whatif(out)
        case "estimate_effect":
            return _effect(out)
        case "lookup_item":
            return _item(out)
        case "record_feedback":
            return f"Noted: you {'liked' if out['liked'] else 'disliked'} {out['title']}. I'll take it into account."
    return ""


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
