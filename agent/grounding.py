"""Grounding a model's tool call in what the person said, before the tool runs.

A small model fills arguments nobody asked for (year bounds of 1900-2023, every genre, a count of
1, a method, sequels that do not exist) and leaves out ones the person stated ("like Heat", "no
horror"). Each argument must be supported by the message, the earlier user turns or the session
(its films, last list and filters). The deterministic slot reader (:mod:`whyrec.agent.semantic`)
is the judge of the slots it reads: when it reads the same tool from the message, its values win
where both set a slot (it knows "newer than Heat" means from 1996 and "top 5" is 5), and slots it
found that the model left out are added. Every change is reported. A call left without a required
film is dropped; a turn whose calls are all dropped falls back to the deterministic planner.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from rapidfuzz import fuzz

from whyrec.agent.semantic import lexicon as lx
from whyrec.agent.semantic import slots as sl
from whyrec.agent.state import SessionProfile
from whyrec.catalog.errors import TitleError, UnknownItemError
from whyrec.catalog.linker import TitleLinker
from whyrec.catalog.titles import normalize, parse_title
from whyrec.tools.films import list_position

INTENT_OF_TOOL = {
    "recommend": "recommend",
    "search_items": "recommend",
    "explain_recommendation": "explain",
    "simulate_intervention": "what_if",
    "estimate_effect": "effect",
    "lookup_item": "item_info",
    "record_feedback": "feedback",
}
FILM_ARGS = ("like", "items", "item")
REQUIRED_FILM = {"explain_recommendation": "item", "lookup_item": "item", "record_feedback": "item"}
GENRE_KINDS = ("more_genre", "exclude_genre")  # what-ifs about a genre rather than films
READER_WINS = ("year_min", "year_max", "k", "question")  # slots the reader resolves exactly when it finds them
COMPLETED = ("like", "genres_include", "genres_exclude", "year_min", "year_max", "k", "genre", "question")
# A personal recommendation and a catalog search are one intent; the reader tells them apart by the
# words ("search", "list", "find") and a small model does not.
SAME_INTENT = {"search_items": "recommend", "recommend": "search_items"}
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
    hypothetical: bool = False  # about the person's own history: "what if I had watched it", "pretend I liked X"


@dataclass
class Grounded:
    calls: list[dict[str, Any]]
    changes: list[str] = field(default_factory=list)  # "recommend: dropped year_min=2000 (no year was asked for)"


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
    genres = set(parsed.genres.all) | {*profile.genres_include, *profile.genres_exclude}
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
        cued=frozenset(intent for intent, cues in lx.INTENT_CUES.items() if sl.has_any(parsed.words, cues)),
        positions=frozenset(p + 1 for p in parsed.refs.ordinals if p >= 0),
        hypothetical=sl.has_any(parsed.words, lx.WHATIF_HYPOTHETICAL),
    )


def may_chain(support: Support) -> bool:
    """Whether the message may need two calls at once: its words ask for something besides a list.

    A request for films is one ``recommend`` call, whatever its filters, so its cue words
    ("something", "but not") never ask for two; a why, a what-if, an effect, a look-up or feedback on
    a second film can be a second call. The follow-up a model adds unasked ("... and explain #1") is
    dropped by :meth:`Grounder.ground` anyway, since the words do not ask for it.
    """
    return bool(support.cued - {"recommend"})


def _word_written(word: str, text: str) -> bool:
    """A single word in ``text``: exactly when short, else allowing a typo."""
    return f" {word} " in f" {text} " or (len(word) >= 5 and fuzz.partial_ratio(word, text) >= NAMED)


def _written(phrase: str, text: str) -> bool:
    """Whether ``phrase`` appears in ``text`` (both normalised), allowing a typo or two."""
    phrase = normalize(phrase)
    return bool(phrase) and (f" {phrase} " in f" {text} " or fuzz.partial_ratio(phrase, text) >= NAMED)


def _genre_named(genre: str, support: Support) -> bool:
    if genre in support.genres:
        return True
    names = [genre, *(phrase for phrase, meant in lx.GENRES.items() if genre in meant and len(phrase) >= 5)]
    return any(_written(name, support.text) for name in names)


class Grounder:
    """Drops the arguments of a model's calls that nothing the person said supports, and adds the ones left out."""

    def __init__(self, linker: TitleLinker, default_k: int = 10) -> None:
        """``default_k``: the list length when the person does not say (``agent.default_k``)."""
        self.linker, self.default_k = linker, default_k

    def ground(
        self, calls: Iterable[dict[str, Any]], support: Support, made: Sequence[dict[str, Any]] = ()
    ) -> Grounded:
        """``made``: calls already run this turn; a model repeating one does not run it again."""
        out = Grounded([])
        for n, call in enumerate(calls):
            name = call["name"]
            flavour = SAME_INTENT.get(name)
            if not made and flavour in support.reader and name not in support.reader:
                why = "asked to search the catalog" if flavour == "search_items" else "not asked to search"
                out.changes.append(f"{name}: called as {flavour} ({why})")
                args = {k: v for k, v in (call.get("args") or {}).items() if flavour == "recommend" or k != "like"}
                name, call = flavour, {**call, "name": flavour, "args": args}
            what_if = support.reader.get("simulate_intervention")
            if not made and name == "recommend" and support.hypothetical and what_if:
                # "what if I had watched it, what would you recommend then?" asks how the list would change
                out.changes.append("recommend: called as simulate_intervention (a what-if about their own history)")
                name, call = "simulate_intervention", {**call, "name": "simulate_intervention", "args": dict(what_if)}
            if any(name == m["name"] and call["args"] == m["args"] for m in made):
                out.changes.append(f"{name}: dropped (the same call already ran this turn)")
                continue
            follow_on = bool(made) or n > 0
            intent = INTENT_OF_TOOL.get(name)
            if (follow_on or intent in CUED) and intent not in support.cued:
                out.changes.append(f"{name}: dropped (the message does not ask for {intent})")
                continue
            args, changes = self._arguments(name, dict(call.get("args") or {}), support, follow_on)
            if not follow_on:  # the reader reads this message, so it speaks to the turn's first call only
                changes += self._complete(name, args, support.reader.get(name, {}), self._film_id)
            out.changes += [f"{name}: {c}" for c in changes]
            required = REQUIRED_FILM.get(name)
            needs_films = name == "simulate_intervention" and args.get("kind") in ("remove", "add")
            if (required and args.get(required) is None) or (needs_films and not args.get("items")):
                out.changes.append(f"{name}: dropped (no film the person named or saw)")
                continue
            out.calls.append({**call, "args": args})
        return out

    def _arguments(
        self, tool: str, args: dict[str, Any], support: Support, follow_on: bool
    ) -> tuple[dict[str, Any], list[str]]:
        changes: list[str] = []

        def drop(key: str, why: str) -> None:
            changes.append(f"dropped {key}={args.pop(key)!r} ({why})")

        for key in ("genres_include", "genres_exclude"):
            if args.get(key):
                kept = [g for g in args[key] if _genre_named(str(g), support)]
                if len(kept) < len(args[key]):
                    changes.append(f"dropped {key} {[g for g in args[key] if g not in kept]!r} (no such genre named)")
                args[key] = kept
        if args.get("genre") and not _genre_named(str(args["genre"]), support):
            drop("genre", "no such genre was named")
        reader = support.reader.get(tool, {})
        for key in ("year_min", "year_max"):
            said = reader.get(key) is not None or getattr(support, key) is not None
            if args.get(key) is not None and not said and int(args[key]) not in support.known_bounds:
                drop(key, "no year was asked for")
        if "k" in args and support.k is None:
            drop("k", "no count was asked for")
        if tool in ("recommend", "search_items") and "k" not in args:
            args["k"] = support.k or self.default_k
        if args.get("method") and not any(_written(cue, support.text) for cue in lx.EFFECT_METHODS):
            drop("method", "no estimator was asked for")
        if args.get("query"):
            args["query"] = self._query(str(args["query"]), args.get("genres_include") or [], support, changes)
        for key in FILM_ARGS:
            if key not in args:
                continue
            value = args[key]
            refs = value if isinstance(value, list) else [value]
            kept = [ref for ref in refs if self._film_supported(ref, support, follow_on)]
            if len(kept) < len(refs):
                changes.append(f"dropped {key} {[r for r in refs if r not in kept]!r} (not a film named or seen)")
            if isinstance(value, list):
                args[key] = kept
            else:
                args[key] = kept[0] if kept else support.target
        return args, changes

    def _film_id(self, ref: Any) -> int | None:
        """The film a model's reference names, if it names one for sure (an id, or a title that is not ambiguous)."""
        if isinstance(ref, int):
            return ref
        try:
            return self.linker.resolve(str(ref))
        except (TitleError, UnknownItemError):
            return None

    @staticmethod
    def _complete(
        tool: str, args: dict[str, Any], reader: dict[str, Any], film_id: Callable[[Any], int | None]
    ) -> list[str]:
        """The reader's slots where it found them: its exact years and count; what the model left out."""
        changes = []
        kind, said = args.get("kind"), reader.get("kind")
        if said in GENRE_KINDS and kind in ("remove", "add"):
            # "what if I never watched horror" with items=["Horror"], or the last list's romances for "what if
            # you ignored the romance in my history": the reader found a genre and no film named or pointed at
            changes.append(f"kind {kind!r} -> {said!r} (a genre was named, not a film)")
            args["kind"] = said
            args.pop("items", None)
        elif {kind, said} == {"add", "remove"}:  # "had watched" or "hadn't": the reader reads the negation
            changes.append(f"kind {kind!r} -> {said!r} (as the person put it)")
            args["kind"] = said
        if tool == "search_items" and reader.get("query") and not args.get("query"):  # "which zombie films..."
            args["query"] = reader["query"]
            changes.append(f"added query={reader['query']!r} (what the person asked the catalog for)")
        for key in COMPLETED:
            want = reader.get(key)
            if want in (None, [], "") or (key == "question" and want == "ate"):  # "ate" is only its default
                continue
            have = args.get(key)
            if key in READER_WINS and have is not None and have != want:
                args[key] = want
                changes.append(f"{key} {have!r} -> {want!r} (as the person put it)")
            elif key == "like" and isinstance(have, list):
                # the films the person named, where the model named some of them ("the lotr trilogy" as its first)
                named = {film_id(ref) for ref in have}
                added = [i for i in want if i not in named]
                if added and named <= set(want):
                    args[key] = list(want)
                    changes.append(f"like {have!r} -> {want!r} (the films the person named)")
            elif key in ("genres_include", "genres_exclude"):
                other = "genres_exclude" if key == "genres_include" else "genres_include"
                flipped = [g for g in want if g in (args.get(other) or [])]
                if flipped:  # the reader reads negators ("no comedies"); a small model often drops them
                    args[other] = [g for g in args[other] if g not in flipped]
                    changes.append(f"moved {flipped!r} from {other} to {key} (as the person put it)")
                named = {*(args.get("genres_include") or []), *(args.get("genres_exclude") or [])}
                added = [g for g in want if g not in named]  # a genre the model left out
                if added:
                    args[key] = [*(args.get(key) or []), *added]
                    changes.append(f"added {key}={added!r} (the person asked for it)")
            elif have in (None, [], ""):
                args[key] = want
                changes.append(f"added {key}={want!r} (the person asked for it)")
        return changes

    @staticmethod
    def _query(query: str, genres: list[str], support: Support, changes: list[str]) -> str | None:
        """The query's topic words the person wrote: no filler ("movie", "something"), no genre already filtered."""
        filtered = {w for g in genres for phrase, meant in lx.GENRES.items() if g in meant for w in phrase.split()}
        words = normalize(query).split()
        kept = [w for w in words if w not in lx.QUERY_FILLER and w not in filtered and _word_written(w, support.text)]
        if len(kept) < len(words):
            changes.append(f"query {query!r} -> {' '.join(kept)!r} (only the topic words the person wrote)")
        return " ".join(kept) or None

    def _film_supported(self, ref: Any, support: Support, follow_on: bool) -> bool:
        named = support.films | support.objects  # the model's naming is the second evidence for an object
        if isinstance(ref, int):
            return ref in named
        position = list_position(str(ref))
        if position is not None:  # "#1": a position the message names, or the list a call before this one made
            return position in support.positions or follow_on
        title = parse_title(str(ref)).title
        # a title of two or more words written in the message ("tell me about get out"); a one-word one
        # ("help", "up") only when the reader linked it or a film verb takes it ("just finished her"),
        # since it is usually an ordinary word
        written = len(normalize(title).split()) >= 2 and _written(title, support.text)
        try:
            return self.linker.resolve(str(ref), prefer=named) in named or written
        except TitleError as exc:
            return written and bool(exc.candidates)  # ambiguous: the tool will list the candidates
        except UnknownItemError:
            return False
