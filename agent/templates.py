"""Each tool result in plain words, built only from its fields: the reply a person reads.

A list gives each film with why it is there in words (no scores: those stay in ``--json`` and the
cards' details), with the constraints said once, at the top. A "why", a what-if and an effect answer
lead with the one sentence that answers the question, then give each supporting fact once.
The language model's own sentence, when it holds, only leads these; whatever the model, they exist.
"""

from __future__ import annotations

from typing import Any

from whyrec.agent.outcomes import ToolOutcome

DEPTH = 50  # how far an explained list is remade: a rank past it is "out of the top 50"


def label(title: str, year: int | None) -> str:
    return f"{title} ({year})" if year else title


def titles(refs: list[dict[str, Any]]) -> str:
    names = [r["title"] for r in refs]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _place(rank: int | None) -> str:
    return f"#{rank}" if rank is not None and rank <= DEPTH else f"out of the top {DEPTH}"


def films(output: dict[str, Any], searching: bool = False) -> str:
    """ "Here are 10 films for you (no Horror; from 1996 on):" then one line per film with its reasons."""
    items = output.get("items", [])
    filters = f" ({'; '.join(output['constraints'])})" if output.get("constraints") else ""
    if not items:
        return f"I found nothing that fits{filters}."
    what = f"{len(items)} film{'s' if len(items) > 1 else ''}"
    lines = [f"Here are {what} matching your search{filters}:" if searching else f"Here are {what} for you{filters}:"]
    for n, it in enumerate(items, 1):
        why = "; ".join(it.get("reasons") or []) or ", ".join(it.get("genres", []))
        lines.append(f"{n}. {label(it['title'], it.get('year'))}: {why}")
    if output.get("same_series_left_out"):
        lines.append("(I left out sequels and other films of the same series.)")
    for key in ("note", "fallback"):
        if output.get(key):
            lines.append(f"({output[key]})" if key == "note" else f"(ranked by {output[key]})")
    return "\n".join(lines)


def explanation(e: dict[str, Any]) -> str:
    """The answer first ("X is in your list because of Y: without them it falls from #2 to #31"), then influences."""
    chat = e.get("history") == "chat"  # films named in this chat, not MovieLens ratings
    if e.get("found") and e.get("removal"):
        because = titles(e["removal"]) if chat else f"your ratings of {titles(e['removal'])}"
        checked = "checked by re-ranking without them" if e.get("verified") else "not yet checked"
        text = (
            f"{e['title']} is in your list because of {because}: without them it falls from #{e['rank_before']} "
            f"to {_place(e.get('rank_after'))} ({checked})."
        )
    elif chat and not e.get("history_size"):
        text = (
            f"{e['title']} is #{e['rank_before']} in your list because of your request's words and its popularity: "
            "you have not told me about any film yet, so there is nothing of yours to remove."
        )
    else:
        yours = "the films you told me about" if chat else "your ratings"
        text = (
            f"{e['title']} is #{e['rank_before']} in your list because of {yours} as a whole: removing up to "
            f"{e['max_size']} of them ({e['history_size']} in all) does not push it out of the top {e['k']}"
        )
        text += (
            f"; it takes removing about {e['takes']} of them, the ones that support it most." if e.get("takes") else "."
        )
    influences = [i for i in e.get("influences") or [] if i.get("new_rank") != e.get("rank_before")]
    if influences:
        parts = [f"without {i['title']} alone it would be {_place(i.get('new_rank'))}" for i in influences[:3]]
        text += " Strongest single influences: " + "; ".join(parts) + "."
    return text


def what_if(w: dict[str, Any]) -> str:
    """ "If you had not watched Heat, Ronin would enter your top 10 and Up would leave it.", then each move."""
    description = str(w["description"])
    condition = (
        description[:1].upper() + description[1:] if description.lower().startswith("if ") else f"If {description}"
    )
    entered, left = w.get("entered", []), w.get("left", [])
    changes = []
    if entered:
        changes.append(f"{titles(entered[:3])} would enter your top {w['k']}")
    if left:
        changes.append(f"{titles(left[:3])} would leave it")
    if not changes:
        changes.append(f"your top {w['k']} would keep the same films" + (" in a new order" if w.get("moved") else ""))
    lines = [f"{condition}, {' and '.join(changes)}."]
    for key, verb in (("entered", "enters"), ("left", "leaves"), ("moved", "moves")):
        for m in w.get(key, [])[:5]:
            ranks = " → ".join(f"#{r}" if r is not None else "not listed" for r in (m["rank_before"], m["rank_after"]))
            lines.append(f"- {m['title']} {verb} ({ranks}): {m['cause']}")
    return "\n".join(lines)


def _checks(e: dict[str, Any]) -> str:
    runs = e.get("refutations") or []
    if not runs:
        return "no refutation checks were run"
    failed = [r["name"] for r in runs if not r.get("passed")]
    return f"{len(runs) - len(failed)} of {len(runs)} refutation checks passed" + (
        f" (not: {', '.join(failed)})" if failed else ""
    )


def _estimate_line(e: dict[str, Any]) -> str:
    """How the estimate was made and checked, once: method, size, refutations, the simulator's truth."""
    truth = f"; the simulator's true effect is {e['true_value']:+.3f}" if e.get("true_value") is not None else ""
    return f"Estimated with {e['method']} on {e['n']:,} impressions; {_checks(e)}{truth}."


def effect(output: dict[str, Any]) -> str:
    """An EffectAnswer: the sentence that answers the question asked, then each supporting fact once."""
    question, e, rows = output.get("question"), output.get("estimate"), output.get("rows", [])
    lines: list[str] = []
    if e and question in ("ate", "naive_vs_causal"):
        ci = f"{e['value']:+.3f} (95% CI {e['ci_low']:+.3f} to {e['ci_high']:+.3f})"
        clear = e["ci_low"] > 0 or e["ci_high"] < 0
        if question == "ate":
            lines.append(
                f"{'Yes' if clear and e['value'] > 0 else 'Not clearly'}: featuring a film changes the chance it is "
                f"watched by {ci}, beyond who gets featured; the raw gap between featured and other films is "
                f"{e['naive']:+.3f}."
            )
        else:
            lines.append(
                f"Partly they would watch anyway: the raw gap between featured and other films is {e['naive']:+.3f}, "
                f"but the causal effect of featuring is {ci}."
            )
            lines += [f"- {fact}" for fact in output.get("facts", [])[1:]]  # why the two differ, from the analysis
        lines.append(_estimate_line(e))
    elif question == "policy" and e and output.get("facts"):
        answer, *rest = output["facts"]  # the analysis puts the answer first: the extra watches
        lines.append(f"{answer[:1].upper()}{answer[1:]}.")
        lines += [f"({fact})" for fact in rest if not fact.startswith("the simulator")]
        lines.append(_estimate_line(e))
    elif rows:
        first, last = rows[0], rows[-1]
        lines.append(
            f"Featuring lifts watching most for {first['group']} ({first['estimate']:+.3f}) and least for "
            f"{last['group']} ({last['estimate']:+.3f}):"
        )
        for row in rows[:12]:
            truth = f"; true {row['true_value']:+.3f}" if row.get("true_value") is not None else ""
            lines.append(
                f"- {row['group']}: {row['estimate']:+.3f} (95% CI {row['ci_low']:+.3f} to {row['ci_high']:+.3f}; "
                f"raw gap {row['naive']:+.3f}{truth})"
            )
        lines += [f"({fact})" for fact in output.get("facts", [])[2:]]  # groups too small to estimate
    for warning in (e or {}).get("warnings", []):
        lines.append(f"Note: {warning}")
    return "\n".join(lines) or "The estimate came back without figures."


def details(d: dict[str, Any]) -> str:
    rating = f" Mean rating {d['mean_rating']} from {d['ratings']} ratings." if d.get("mean_rating") is not None else ""
    genres = ", ".join(d.get("genres", []))
    return f"{label(d['title'], d.get('year'))}: {genres}. {d.get('overview', '')}{rating}".strip()


def render_outcome(outcome: ToolOutcome) -> str:
    if not outcome.ok or outcome.output is None:
        return f"I couldn't do that: {outcome.error}"
    out = outcome.output
    match outcome.name:
        case "recommend":
            return films(out)
        case "search_items":
            return films(out, searching=True)
        case "explain_recommendation":
            return explanation(out)
        case "simulate_intervention":
            return what_if(out)
        case "estimate_effect":
            return effect(out)
        case "lookup_item":
            return details(out)
        case "record_feedback":
            return f"Noted: you {'liked' if out['liked'] else 'disliked'} {out['title']}. I'll take it into account."
    return ""
