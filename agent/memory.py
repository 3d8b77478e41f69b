"""What a turn teaches the session: the profile fields later references resolve against.

After every turn ``last_items`` is the list the person just saw (recommendations, or the what-if
"after" list), so "the second one" means what they read; feedback and "something like X" update
liked/disliked; the filters a recommendation used stay active until the planner changes them.
``heard`` keeps the conversation's last turns in the people's own words (the person's messages, and
both sides of a recorded conversation, never whyrec's replies, which only restate the tools' output):
with the new message they are the conversation's topic, a signal of the recommender's blend.
"""

from __future__ import annotations

from whyrec.agent.outcomes import ToolOutcome
from whyrec.agent.state import SessionProfile

CONSTRAINT_FIELDS = ("genres_include", "genres_exclude", "genres_any", "year_min", "year_max")
TOPIC_TURNS = 5  # turns, the new message included, that make the topic (on ReDial's training dialogues 5 beat 2-3)


def topic_of(profile: SessionProfile, message: str) -> str:
    """What the conversation is about: its last turns and the new message, in the people's own words."""
    return " ".join([*profile.heard[-(TOPIC_TURNS - 1) :], message])


def hear(profile: SessionProfile, message: str) -> SessionProfile:
    """The profile with the person's ``message`` as the latest turn of the conversation (a new object)."""
    return profile.model_copy(update={"heard": [*profile.heard, message][-(TOPIC_TURNS - 1) :]})


def _add(target: list[int], other: list[int], item_id: int) -> None:
    if item_id in other:
        other.remove(item_id)
    if item_id not in target:
        target.append(item_id)


def remember(profile: SessionProfile, intent: str, outcomes: list[ToolOutcome]) -> SessionProfile:
    """The profile after this turn's successful tool calls (a new object; the input is unchanged)."""
    p = profile.model_copy(deep=True)
    p.last_intent = intent
    for o in outcomes:
        if not o.ok or o.output is None:
            continue
        out = o.output
        if o.name in ("recommend", "search_items"):
            p.last_items = [int(it["item_id"]) for it in out.get("items", [])]
        if o.name == "recommend":
            p.last_request = dict(o.args)
            p.last_topic = out.get("topic")
            asked = [*o.args.get("genres_include", []), *o.args.get("genres_any", [])]
            p.genres_asked = list(dict.fromkeys([*p.genres_asked, *asked]))
            for name in CONSTRAINT_FIELDS:
                default: list[str] | None = [] if name.startswith("genres") else None
                setattr(p, name, o.args.get(name, default))
            for item_id in out.get("like_item_ids", []):
                if item_id not in p.disliked:
                    _add(p.liked, p.disliked, int(item_id))
        elif o.name == "explain_recommendation":
            p.last_explained = int(out["item_id"])
        elif o.name == "lookup_item" and out.get("item_id") is not None:
            p.last_looked_up = int(out["item_id"])
        elif o.name == "simulate_intervention":
            p.last_items = [int(r["item_id"]) for r in out.get("after", [])]
        elif o.name == "record_feedback":
            if out["liked"]:
                _add(p.liked, p.disliked, int(out["item_id"]))
            else:
                _add(p.disliked, p.liked, int(out["item_id"]))
    return p
