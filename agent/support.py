"""What the person's words support: the evidence a model's tool call is grounded in.

One :class:`Support` is read per message, from the deterministic slot reader's parse and plan
(:mod:`whyrec.agent.semantic`), the earlier user turns and the session: the films named or seen,
the genres named, the year bounds and count said, the intents the words cue. Grounding
(:mod:`whyrec.agent.grounding`) judges a call's arguments by it, and the grammar a call is written
under is narrowed by it (:mod:`whyrec.agent.narrowing`), with the same predicates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from rapidfuzz import fuzz

from whyrec.agent.semantic import lexicon as lx
from whyrec.agent.semantic import slots as sl
from whyrec.agent.state import SessionProfile
from whyrec.catalog.linker import TitleLinker
from whyrec.catalog.titles import normalize

INTENT_OF_TOOL = {
    "recommend": "recommend",
    "search_items": "recommend",
    "explain_recommendation": "explain",
    "simulate_intervention": "what_if",
    "estimate_effect": "effect",
    "lookup_item": "item_info",
    "record_feedback": "feedback",
}
CUED = ("what_if", "effect", "explain")  # intents a call needs the message's words for, whichever call it is
NAMED = 88  # partial similarity at which a title or genre counts as written in the text (typos allowed)


class ParsedLike(Protocol):
    """What grounding reads from :meth:`SemanticPlanner.parse`."""

    words: list[str]
    genres: sl.Genres
    years: sl.Years
    k: int | None
    refs: sl.References

    def items(self) -> list[int]: ...
    def focus(self) -> int | None: ...


@dataclass(frozen=True)
class Support:
    """Everything an argument may rest on, for one message in its conversation."""

    text: str  # the message and earlier user turns, normalised
    films: frozenset[int]  # named in the text, or the session's own
    objects: frozenset[int]  # everyday one-word titles a film verb takes ("finished her"): only if a model names one
    genres: frozenset[str]  # named (either way) in the text, or active filters
    year_min: int | None  # the reader's year bounds for this message
    year_max: int | None
    known_bounds: frozenset[int]  # year bounds of the session's last request
    k: int | None
    target: int | None  # the film "it" / "the first one" means
    reader: dict[str, dict[str, Any]]  # the slot reader's own call per tool, for this message
    cued: frozenset[str]  # intents the message's own words ask for ("why" is explain)
    positions: frozenset[int]  # list positions the message names ("the first one" is 1)
    by_position: bool = False  # the message points into the last list ("the last one", "the 3rd one")
    hypothetical: bool = False  # about the person's own history: "what if I had watched it", "pretend I liked X"
    plural: bool = False  # asks for films by number or in the plural: "recommend 3 films like it"


def support_for(
    parsed: ParsedLike,
    profile: SessionProfile,
    earlier: Sequence[str],
    linker: TitleLinker,
    message: str,
    reader_calls: Sequence[dict[str, Any]] = (),
) -> Support:
    """What the message (as the reader parsed and planned it), the earlier user turns and the session support."""
    # films the reader links in the message (also lower-case popular ones: "something like alien") or earlier
    linked = [m for text in (message, *earlier) for m in linker.link(text, relaxed=True)]
    films = set(parsed.items()) | {i for m in linked for i in (m.item_id, *m.series)}
    films |= {*profile.liked, *profile.disliked, *profile.last_items}
    films |= {i for i in (profile.last_explained, profile.last_looked_up) if i is not None}
    last = profile.last_request or {}
    films |= {int(i) for i in last.get("like", []) if isinstance(i, int)}
    objects = {m.item_id for text in (message, *earlier) for m in linker.link(text, relaxed=True, objects=True)}
    genres = set(parsed.genres.all) | {*profile.genres_include, *profile.genres_exclude, *profile.genres_any}
    for text in earlier:
        genres |= set(sl.genres(normalize(text).split()).all)
    bounds = {b for b in (last.get("year_min"), last.get("year_max"), profile.year_min, profile.year_max) if b}
    return Support(
        text=" ".join(normalize(t) for t in (message, *earlier)),
        films=frozenset(films),
        objects=frozenset(objects - films),
        genres=frozenset(genres),
        year_min=parsed.years.year_min,
        year_max=parsed.years.year_max,
        known_bounds=frozenset(int(b) for b in bounds),
        k=parsed.k,
        target=next(iter(parsed.items()), None) or parsed.focus(),
        reader={c["name"]: dict(c["args"]) for c in reader_calls},
        cued=frozenset(intent for intent, cues in lx.INTENT_CUES.items() if sl.has_any(parsed.words, cues))
        | ({"recommend"} if sl.has_any(parsed.words, lx.FILMS_ASKED_FOR) else set()),
        positions=frozenset(p + 1 for p in parsed.refs.ordinals if p >= 0),
        by_position=bool(parsed.refs.ordinals) and bool(profile.last_items),
        hypothetical=sl.hypothetical(parsed.words),
        plural=parsed.k is not None or sl.has_any(parsed.words, lx.FILMS_PLURAL),
    )


def may_chain(support: Support) -> bool:
    """Whether the message may need two calls at once: its words ask for something besides a list.

    A request for films is one ``recommend`` call, whatever its filters, so its cue words
    ("something", "but not") never ask for two; a why, a what-if, an effect, a look-up or feedback on
    a second film can be a second call. The follow-up a model adds unasked ("... and explain #1") is
    dropped by :meth:`Grounder.ground` anyway, since the words do not ask for it.
    """
    return bool(support.cued - {"recommend"})


def asked_for(tool: str, support: Support, follow_on: bool) -> bool:
    """Whether the words ask for ``tool``: its intent's cue words are there, or the reader reads the message as it.

    Without either, a why, a what-if or an effect is not asked for, nor is a follow-up call; any other
    call is, unless the reader reads the message, by its cue words, as asking for something else: "whats
    the 3rd one about" after a list asks for a look-up, not a list like it.
    """
    intent = INTENT_OF_TOOL.get(tool)
    if intent in support.cued or (not follow_on and tool in support.reader):
        return True
    if follow_on or intent in CUED:
        return False
    read = {INTENT_OF_TOOL.get(t) for t in support.reader}
    return not (read & support.cued) - {intent}


def word_written(word: str, text: str) -> bool:
    """A single word in ``text``: exactly when short, else allowing a typo."""
    return f" {word} " in f" {text} " or (len(word) >= 5 and fuzz.partial_ratio(word, text) >= NAMED)


def written(phrase: str, text: str) -> bool:
    """Whether ``phrase`` appears in ``text`` (both normalised), allowing a typo or two."""
    phrase = normalize(phrase)
    return bool(phrase) and (f" {phrase} " in f" {text} " or fuzz.partial_ratio(phrase, text) >= NAMED)


def genre_named(genre: str, support: Support) -> bool:
    """Whether the person named ``genre`` (either way, typos allowed) or it is an active filter."""
    if genre in support.genres:
        return True
    names = [genre, *(phrase for phrase, meant in lx.GENRES.items() if genre in meant and len(phrase) >= 5)]
    return any(written(name, support.text) for name in names)


def year_said(key: str, support: Support, reader: dict[str, Any]) -> bool:
    """Whether the message gives the bound ``key`` (``year_min`` / ``year_max``), by the reader's reading."""
    return reader.get(key) is not None or getattr(support, key) is not None


def method_written(support: Support) -> bool:
    """Whether the person named an estimator ("with matching", "propensity weighting")."""
    return any(written(cue, support.text) for cue in lx.EFFECT_METHODS)
