"""Pure rendering of agent events and results for the chat: messages, cards, what-if tables, user summaries.

Everything here turns plain data (the agent's ``ToolStep`` fields, ``TurnResult`` dicts) into
``gr.ChatMessage`` objects, Markdown or HTML, so it is testable without a browser or an agent.
Titles come from the catalog and go into HTML, so every string is escaped.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import gradio as gr
import pandas as pd

# What a person reads while a tool runs; the agent's own titles are the fallback for new tools.
STEP_TITLES = {
    "search_items": "Searching the catalog…",
    "recommend": "Ranking with the GCN…",
    "explain_recommendation": "Checking the counterfactual…",
    "simulate_intervention": "Simulating the what-if…",
    "estimate_effect": "Estimating the effect…",
    "lookup_item": "Looking up the movie…",
    "record_feedback": "Saving your feedback…",
}
FRIENDLY_ERROR = "Sorry, something went wrong on my side and nothing in your session was changed. Please try again."
NEW_USER = "new user (built from this chat)"


def step_title(name: str, fallback: str | None = None) -> str:
    return STEP_TITLES.get(name, fallback or name)


def step_message(
    name: str,
    args: Mapping[str, Any],
    status: str,
    duration_s: float = 0.0,
    error: str | None = None,
    title: str | None = None,
) -> gr.ChatMessage:
    """A collapsible step: planning (who chooses the tools), or a tool with the arguments it was called with."""
    shown = ", ".join(f"{k}={v!r}" for k, v in args.items() if v not in (None, [], "")) or "no arguments"
    body = "Reading your message and choosing the tools." if name == "plan" else f"`{name}({shown})`"
    title = step_title(name, title)
    if status == "error":
        title = f"{title} (failed)"
        body += f"\n\n{error or 'the tool could not run'}"
    metadata: dict[str, Any] = {"title": title, "status": "pending" if status == "pending" else "done"}
    if status != "pending":
        metadata["duration"] = round(float(duration_s), 3)
    return gr.ChatMessage(role="assistant", content=body, metadata=metadata)  # type: ignore[arg-type]


def reply_message(reply: str, notes: Sequence[str] = ()) -> gr.ChatMessage:
    """The agent's answer, with its notes (e.g. "the language model did not answer…") in small print."""
    text = reply.strip() or "I have nothing to add to that."
    notes = [n for n in notes if n not in text]  # the agent's template may already quote them
    if notes:
        text += "\n\n" + "\n".join(f"*Note: {n}*" for n in notes)
    return gr.ChatMessage(role="assistant", content=text)


def _genres(genres: Iterable[str], limit: int = 4) -> str:
    return ", ".join(list(genres)[:limit])


def card_reason(card: Mapping[str, Any]) -> str:
    """One line on why the card is there: the ranker's first reason, else what the score means."""
    reasons = card.get("reasons") or []
    if reasons:
        return str(reasons[0])
    return "ranked for your taste by LightGCN"


def cards_from_output(name: str, output: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Recommendation cards from a finished tool step (recommend/search_items, or a what-if's "after" list)."""
    if name in ("recommend", "search_items"):
        return [dict(item) for item in output.get("items", [])]
    if name == "simulate_intervention":
        moves = {m["item_id"]: m for m in output.get("entered", [])}
        cards = []
        for row in output.get("after", []):
            card = {"item_id": row["item_id"], "title": row["title"], "score": row["score"], "year": None}
            if row["item_id"] in moves:
                card["reasons"] = [f"new after the what-if: {moves[row['item_id']]['cause']}"]
            cards.append(card)
        return cards
    return []


def card_html(card: Mapping[str, Any], position: int) -> str:
    """One recommendation card: title (year), genres and the reason in words; the scores behind a "details"."""
    year = f" ({card['year']})" if card.get("year") else ""
    scores = [("score", card.get("score")), ("semantic match", card.get("semantic")), ("LightGCN", card.get("gcn"))]
    details = " · ".join(f"{name} {float(value):.3f}" for name, value in scores if value is not None)
    return (
        f'<div class="whyrec-card" data-item-id="{int(card["item_id"])}">'
        f'<div class="whyrec-card-title">{position}. {html.escape(str(card["title"]))}{html.escape(year)}</div>'
        f'<div class="whyrec-card-meta">{html.escape(_genres(card.get("genres") or []))}</div>'
        f'<div class="whyrec-card-reason">{html.escape(card_reason(card))}</div>'
        + (f'<details class="whyrec-card-details"><summary>details</summary>{html.escape(details)}</details>'
           if details else "")
        + "</div>"
    )  # fmt: skip


def _move(before: int | None, after: int | None) -> tuple[str, str]:
    """(arrow text, css class) for an item's movement between two lists."""
    if before is None:
        return "new", "up"
    if after is None:
        return "out", "down"
    if after < before:
        return f"▲{before - after}", "up"
    if after > before:
        return f"▼{after - before}", "down"
    return "=", "same"


def whatif_html(whatif: Mapping[str, Any]) -> str:
    """The top-k before and after an intervention side by side, each "after" row with its movement."""
    before = {r["item_id"]: r["rank"] for r in whatif.get("before", [])}
    after = {r["item_id"]: r["rank"] for r in whatif.get("after", [])}
    rows = []
    for i in range(max(len(whatif.get("before", [])), len(whatif.get("after", [])))):
        b = whatif["before"][i] if i < len(whatif.get("before", [])) else None
        a = whatif["after"][i] if i < len(whatif.get("after", [])) else None
        b_cell = html.escape(b["title"]) if b else ""
        if b and b["item_id"] not in after:
            b_cell = f'<span class="down">{b_cell} (out)</span>'
        a_cell, move = "", ""
        if a:
            arrow, css = _move(before.get(a["item_id"]), a["rank"])
            a_cell = html.escape(a["title"])
            move = f'<span class="{css}">{arrow}</span>'
        rows.append(f"<tr><td>{i + 1}</td><td>{b_cell}</td><td>{a_cell}</td><td>{move}</td></tr>")
    removed = ", ".join(html.escape(r["title"]) for r in whatif.get("intervened", []))
    caption = html.escape(str(whatif.get("description", "what if")))
    if removed:
        caption += f" <small>(edges changed: {removed})</small>"
    return (
        f'<div class="whyrec-whatif"><div class="whyrec-caption">{caption}</div>'
        "<table><thead><tr><th>#</th><th>before</th><th>after</th><th>move</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def user_summaries(ratings: pd.DataFrame, items: pd.DataFrame, top: int = 2) -> dict[int, str]:
    """user id -> "user 414 · 2698 ratings · Drama, Comedy": how many ratings and the most rated genres."""
    genres = items["genres"].rename("genre").explode().dropna()
    joined = ratings[["user_id", "item_id"]].merge(genres, left_on="item_id", right_index=True)
    counts = joined.groupby(["user_id", "genre"]).size().rename("n").reset_index()
    counts = counts.sort_values(["user_id", "n", "genre"], ascending=[True, False, True])
    tops = counts.groupby("user_id")["genre"].apply(lambda g: ", ".join(g.head(top)))
    sizes = ratings.groupby("user_id").size()
    return {int(u): f"user {int(u)} · {int(n)} ratings · {tops.get(u, '')}" for u, n in sizes.items()}


def profile_markdown(user_label: str, liked: Sequence[str], disliked: Sequence[str]) -> str:
    """The current profile in words: who, and what they liked or disliked in this chat."""
    lines = [f"**Profile:** {user_label}"]
    lines.append("👍 " + (", ".join(liked) if liked else "nothing liked yet"))
    lines.append("👎 " + (", ".join(disliked) if disliked else "nothing disliked yet"))
    return "  \n".join(lines)
