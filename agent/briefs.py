"""What the language model reads of a tool's result: the facts in few tokens.

On two CPU cores the embedded model reads about 70 prompt tokens a second, so a recommendation's
full JSON (scores, reasons, genres of ten films) would cost longer than the rest of the turn. The
model gets the titles, years and the facts it may need to chain a call or write its sentence;
the person gets the full result, rendered from the same artifact by :mod:`whyrec.agent.respond`.
"""

from __future__ import annotations

from typing import Any

from whyrec.agent.outcomes import ToolOutcome
from whyrec.agent.templates import label, render_outcome

LISTED = 5  # films named in a list brief: enough to chain a call on, few prompt tokens


def _films(output: dict[str, Any], rows: str = "items", *, reason: bool = False) -> str:
    """``1. Ronin (1998), because you liked Heat: also action and crime; 2. Collateral (2004); ...``

    With ``reason``, the first film's first reason (in words, from the ranker's facts) comes with it,
    so the model's sentence about a list has a true fact to say instead of one it makes up.
    """
    films = [label(it["title"], it.get("year")) for it in output.get(rows, [])[:LISTED]]
    if reason and films and (why := output[rows][0].get("reasons")):
        films[0] += f", {why[0]}"
    return "; ".join(f"{n}. {f}" for n, f in enumerate(films, 1)) or "none"


def brief(outcome: ToolOutcome) -> str:
    """One or two lines of facts; an error says what was wrong, so the model can retry or ask."""
    if not outcome.ok or outcome.output is None:
        return f"error: {outcome.error}"
    out = outcome.output
    match outcome.name:
        case "recommend" | "search_items":
            filters = f" (filters: {'; '.join(out['constraints'])})" if out.get("constraints") else ""
            n = len(out.get("items", []))
            return f"{n} film{'' if n == 1 else 's'}, best first{filters}: {_films(out, reason=True)}"
        case "simulate_intervention":
            before, after = _films(out, "before"), _films(out, "after")
            return f"{out['description']}. Before: {before}. After: {after}."
        case "lookup_item":
            return render_outcome(outcome)[:400]
        case "estimate_effect":
            return render_outcome(outcome).split("\n")[0][:400]  # the estimate; the per-group rows are for the person
    return render_outcome(outcome)
