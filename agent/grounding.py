"""Grounding a model's tool call in what the person said, before the tool runs.

A small model fills arguments nobody asked for (year bounds of 1900-2023, every genre, a count of
1, a method, sequels that do not exist) and leaves out ones the person stated ("like Heat", "no
horror"). Each argument must be supported by the message, the earlier user turns or the session
(its films, last list and filters). The deterministic slot reader (:mod:`whyrec.agent.semantic`)
is the judge of the slots it reads: when it reads the same tool from the message, its values win
where both set a slot (it knows "newer than Heat" means from 1996 and "top 5" is 5), and slots it
found that the model left out are added. Every change is reported. A call left without a required
film is dropped; a turn whose calls are all dropped falls back to the deterministic planner.
What the words support is read once per message (:mod:`whyrec.agent.support`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from whyrec.agent.semantic import lexicon as lx
from whyrec.agent.support import (
    INTENT_OF_TOOL,
    Support,
    asked_for,
    genre_named,
    method_written,
    word_written,
    written,
    year_said,
)
from whyrec.catalog.errors import TitleError, UnknownItemError
from whyrec.catalog.linker import TitleLinker
from whyrec.catalog.titles import normalize, parse_title
from whyrec.tools.films import list_position

FILM_ARGS = ("like", "items", "item")
REQUIRED_FILM = {"explain_recommendation": "item", "lookup_item": "item", "record_feedback": "item"}
GENRE_KINDS = ("more_genre", "exclude_genre")  # what-ifs about a genre rather than films
READER_WINS = ("year_min", "year_max", "k", "question")  # slots the reader resolves exactly when it finds them
COMPLETED = (
    "like",
    "items",
    "genres_include",
    "genres_exclude",
    "genres_any",
    "year_min",
    "year_max",
    "k",
    "genre",
    "question",
)
# A personal recommendation and a catalog search are one intent; the reader tells them apart by the
# words ("search", "list", "find") and a small model does not.
SAME_INTENT = {"search_items": "recommend", "recommend": "search_items"}
# Calls a small model makes about a film where the person asks why it was recommended (the reader reads that).
WHY_INSTEAD = ("lookup_item", "recommend", "simulate_intervention")


@dataclass
class Grounded:
    calls: list[dict[str, Any]]
    changes: list[str] = field(default_factory=list)  # "recommend: dropped year_min=2000 (no year was asked for)"


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
            explain = support.reader.get("explain_recommendation")
            if not made and n == 0 and explain and explain.get("item") in self._films_of(name, call, support):
                # "how did howls moving castle end up on my list?", "whats the reason you'd recommend inception":
                # a why with no "why"; a small model looks the film up, lists more like it or removes it instead
                out.changes.append(f"{name}: called as explain_recommendation (the person asks why that film is there)")
                name, call = "explain_recommendation", {**call, "name": "explain_recommendation", "args": dict(explain)}
            if any(name == m["name"] and call["args"] == m["args"] for m in made):
                out.changes.append(f"{name}: dropped (the same call already ran this turn)")
                continue
            follow_on = bool(made) or n > 0
            if not asked_for(name, support, follow_on):
                out.changes.append(f"{name}: dropped (the message does not ask for {INTENT_OF_TOOL.get(name)})")
                continue
            args, changes = self._arguments(name, dict(call.get("args") or {}), support, follow_on)
            if not follow_on:  # the reader reads this message, so it speaks to the turn's first call only
                reader = support.reader.get(name, {})
                changes += self._complete(name, args, reader, self._film_id, by_position=support.by_position)
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

        for key in ("genres_include", "genres_exclude", "genres_any"):
            if args.get(key):
                kept = [g for g in args[key] if genre_named(str(g), support)]
                if len(kept) < len(args[key]):
                    changes.append(f"dropped {key} {[g for g in args[key] if g not in kept]!r} (no such genre named)")
                args[key] = kept
        if args.get("genre") and not genre_named(str(args["genre"]), support):
            drop("genre", "no such genre was named")
        reader = support.reader.get(tool, {})
        for key in ("year_min", "year_max"):
            said = year_said(key, support, reader)
            if args.get(key) is not None and not said and int(args[key]) not in support.known_bounds:
                drop(key, "no year was asked for")
        if "k" in args and support.k is None:
            drop("k", "no count was asked for")
        if tool in ("recommend", "search_items") and "k" not in args:
            args["k"] = support.k or self.default_k
        if args.get("method") and not method_written(support):
            drop("method", "no estimator was asked for")
        if args.get("query"):
            genres = [*(args.get("genres_include") or []), *(args.get("genres_any") or [])]
            args["query"] = self._query(str(args["query"]), genres, support, changes)
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

    def _films_of(self, name: str, call: dict[str, Any], support: Support) -> set[int]:
        """The films a look-up, a what-if or a list names, a list only where the person asked for no films
        ("recommend 3 films like heat and tell me why the first one is there" wants the list)."""
        if name not in WHY_INSTEAD or (name == "recommend" and support.plural):
            return set()
        args = call.get("args") or {}
        refs = [args.get("item"), *(args.get("like") or []), *(args.get("items") or [])]
        return {i for ref in refs if ref is not None and (i := self._film_id(ref)) is not None}

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
        tool: str,
        args: dict[str, Any],
        reader: dict[str, Any],
        film_id: Callable[[Any], int | None],
        *,
        by_position: bool = False,
    ) -> list[str]:
        """The reader's slots where it found them: its exact years, count and list positions; what the model left out.

        ``by_position``: the message points into the last list ("why's the last one there?"), which the
        reader counts exactly and a small model often miscounts.
        """
        changes = []
        have_item, want_item = args.get("item"), reader.get("item")
        if by_position and have_item is not None and want_item is not None and film_id(have_item) != want_item:
            args["item"] = want_item
            changes.append(f"item {have_item!r} -> {want_item!r} (the film at the position the person named)")
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
            elif key == "items" and args.get("kind") not in ("remove", "add"):
                continue  # a what-if about a genre takes no films
            elif key in ("like", "items") and isinstance(have, list):
                # the films the person named, where the model named some of them ("the lotr trilogy" as its first)
                named = {film_id(ref) for ref in have}
                added = [i for i in want if i not in named]
                if added and by_position:  # "6 more like the last one": the film at that place, counted exactly
                    args[key] = list(want)
                    changes.append(f"{key} {have!r} -> {want!r} (the films at the places the person named)")
                elif added and named <= set(want):
                    args[key] = list(want)
                    changes.append(f"{key} {have!r} -> {want!r} (the films the person named)")
            elif key == "genres_any":  # "a comedy or a thriller": a small model asks for both at once
                moved = [g for g in want if g in (args.get("genres_include") or [])]
                if moved:
                    args["genres_include"] = [g for g in args["genres_include"] if g not in moved]
                    changes.append(f"moved {moved!r} from genres_include to genres_any (alternatives, as put)")
                added = [g for g in want if g not in (have or []) and g not in (args.get("genres_exclude") or [])]
                if added:
                    args[key] = [*(have or []), *added]
                    changes.append(f"added {key}={added!r} (the person asked for one of them)")
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
        kept = [w for w in words if w not in lx.QUERY_FILLER and w not in filtered and word_written(w, support.text)]
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
        in_text = len(normalize(title).split()) >= 2 and written(title, support.text)
        try:
            return self.linker.resolve(str(ref), prefer=named) in named or in_text
        except TitleError as exc:
            return in_text and bool(exc.candidates)  # ambiguous: the tool will list the candidates
        except UnknownItemError:
            return False
