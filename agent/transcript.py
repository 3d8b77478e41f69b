"""A recorded conversation read as the session it would have made: the films named, and where the seeker stands.

``whyrec eval --history transcript`` hands the agent a case's history, both roles, as the
conversation so far (no tools are replayed). Films named by either side are linked to the catalog;
the seeker's stance toward each (liked, disliked, seen, not seen) comes from their own words, clause
by clause ("I loved Heat but hated Fargo"), with the feedback lexicon; a reaction that names no film
("seen it, loved it", "not a fan") is about the films the other side just suggested. Films the
other side suggested are never suggested again. Films the seeker names without a judgement are
taken as liked: people name films to say what they like ("something like Heat").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from whyrec.agent.memory import TOPIC_TURNS
from whyrec.agent.semantic import lexicon as lx
from whyrec.agent.semantic import slots as sl
from whyrec.agent.state import SessionProfile
from whyrec.catalog.linker import TitleLinker
from whyrec.catalog.titles import normalize

# Where one judgement ends and the next begins: "I loved Heat but hated Fargo", "Heat, yes. Fargo, no."
_CLAUSES = re.compile(r"[.!?;]+|,|\bbut\b|\bhowever\b|\bthough\b|\bwhile\b", re.IGNORECASE)
NOT_SEEN = ("haven t seen", "havent seen", "have not seen", "never seen", "not seen", "didn t see", "didnt see",
            "haven t watched", "havent watched", "never watched", "not watched", "haven t heard", "never heard",
            "what is that about", "what s it about")  # fmt: skip
SEEN = ("seen it", "saw it", "seen that", "saw that", "watched it", "watched that", "i ve seen", "have seen")
POSITIVE = (*lx.INTENT_CUES["feedback"], "love", "loved", "like", "liked", "enjoy", "enjoyed", "favorite",
            "favourite", "great", "awesome", "amazing", "good one", "funny", "sounds good", "sounds great")  # fmt: skip


@dataclass(frozen=True)
class Stance:
    """What the conversation says of one film: who named it, whether it was liked, whether it was seen."""

    item_id: int
    suggested: bool  # named by the other side (the recommender)
    liked: bool | None = None  # None: no judgement
    seen: bool | None = None


def _judgement(text: str) -> tuple[bool | None, bool | None]:
    """(liked, seen) from a clause's own words; a negative cue wins over a positive one ("didn't like")."""
    words = normalize(text).split()
    liked: bool | None = None
    if sl.has_any(words, lx.FEEDBACK_NEGATIVE):
        liked = False
    elif sl.has_any(words, POSITIVE):
        liked = True
    seen = False if sl.has_any(words, NOT_SEEN) else True if sl.has_any(words, SEEN) or liked is not None else None
    return liked, seen


def read_transcript(turns: Sequence[tuple[str, str]], linker: TitleLinker) -> list[Stance]:
    """Every film named in ``turns`` ((role, text), oldest first; "user" is the seeker), with the last word on it."""
    stances: dict[int, Stance] = {}
    just_suggested: list[int] = []
    for role, text in turns:
        if role != "user":
            just_suggested = []
            for m in linker.link(text, relaxed=True):
                if m.item_id not in stances:
                    stances[m.item_id] = Stance(m.item_id, suggested=True)
                just_suggested.append(m.item_id)
            continue
        named = False
        for clause in _CLAUSES.split(text):
            mentions = linker.link(clause, relaxed=True)
            liked, seen = _judgement(clause)
            for m in mentions:
                named = True
                before = stances.get(m.item_id, Stance(m.item_id, suggested=False))
                stances[m.item_id] = Stance(m.item_id, before.suggested, True if liked is None else liked, seen)
        if not named and just_suggested:  # "seen it, loved it": about what was just suggested
            liked, seen = _judgement(text)
            for item_id in just_suggested:
                stances[item_id] = Stance(item_id, True, liked, seen)
    return list(stances.values())


def asked_genres(turns: Sequence[tuple[str, str]]) -> list[str]:
    """The genres the seeker asked for ("I'm in the mood for a comedy"), in order; negated ones are left out."""
    asked = [g for role, text in turns if role == "user" for g in sl.genres(normalize(text).split()).asked]
    return list(dict.fromkeys(asked))


def profile_of(
    stances: Sequence[Stance], genres: Sequence[str] = (), turns: Sequence[tuple[str, str]] = ()
) -> SessionProfile:
    """The session those stances make: liked and disliked films, what was suggested already, genres asked for,
    and the last ``turns`` ((role, text), both sides: people's words) as what the conversation is about."""
    return SessionProfile(
        heard=[text for _, text in turns][-(TOPIC_TURNS - 1) :],
        genres_asked=list(genres),
        liked=[s.item_id for s in stances if s.liked],
        disliked=[s.item_id for s in stances if s.liked is False],
        suggested=[s.item_id for s in stances if s.suggested and s.liked is None],
        last_items=[s.item_id for s in stances if s.suggested][-10:],
    )
