"""The deterministic semantic planner: a user message and the session profile in, typed tool calls out.

It plans every turn when no language model is used, and every turn the model cannot plan (down,
busy, slow or invalid); it also reads the slots the model's calls are grounded against. The intent
comes from the nearest labeled exemplars (:mod:`.intent`), item mentions from the catalog's title
linker (:mod:`whyrec.catalog.linker`), filters, counts and references from the lexicons (:mod:`.slots`);
then one builder per intent turns them into calls with exactly the tools' names and arguments.
References resolve against the profile: "the second one" is ``last_items[1]``, "that one" the last
explained item (or the first of the list), and a refinement ("more, but no dramas") keeps the last
request's filters.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from whyrec.agent.semantic import lexicon as lx
from whyrec.agent.semantic import slots as sl
from whyrec.agent.semantic.intent import MASK, Intent, IntentClassifier, IntentScore, load_exemplars
from whyrec.agent.state import SessionProfile
from whyrec.catalog.embed import Embedder
from whyrec.catalog.linker import Mention, TitleLinker
from whyrec.catalog.model import Catalog
from whyrec.catalog.titles import normalize
from whyrec.catalog.tokens import YEAR, Token, aside_end, tokenize

DEFAULT_K = 10
NAMES_A_FILM = ("explain", "what_if", "item_info", "feedback")  # intents whose call needs an item
HYPOTHETICAL_OVERRIDES = ("recommend", "feedback", "item_info")  # intents a hypothetical turns into what_if
LIST_K = 10  # list length a "why" is explained against when the item is not in the last list


@dataclass(frozen=True)
class Plan:
    intent: Intent
    tool_calls: list[dict[str, Any]]  # [{"name", "args", "id"}] exactly as AIMessage.tool_calls
    notes: tuple[str, ...] = ()


@dataclass
class Parsed:
    """Everything read from one message, before choosing calls."""

    message: str
    words: list[str]  # normalised, item mentions replaced by ITEM
    mentions: list[Mention]
    intent: IntentScore
    genres: sl.Genres
    years: sl.Years
    k: int | None
    refs: sl.References
    profile: SessionProfile
    accepts_offer: bool = False  # "yes" to the offer after noting liked films: recommend from those likes
    notes: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(self.words)

    def items(self) -> list[int]:
        """Items named or referred to, in order: mentions, then ordinals into the last list."""
        ids = [i for m in self.mentions for i in (m.item_id, *m.series)]
        last = self.profile.last_items
        for pos in self.refs.ordinals:
            if -len(last) <= pos < len(last) and last:
                ids.append(last[pos])
            else:
                self.notes.append(f"there is no item #{pos + 1 if pos >= 0 else 'last'} in the last list")
        return list(dict.fromkeys(ids))

    def focus(self) -> int | None:
        return focus_of(self.profile)


def focus_of(p: SessionProfile) -> int | None:
    """The item "it" / "that one" means: the one just explained or looked up, else the top of the last list."""
    if p.last_intent == "explain" and p.last_explained is not None:
        return p.last_explained
    if p.last_intent == "item_info" and p.last_looked_up is not None:
        return p.last_looked_up
    if p.last_intent == "feedback" and p.liked:  # "I loved Heat" ... "what's similar to it?"
        return p.liked[-1]
    return p.last_items[0] if p.last_items else p.last_explained


def _labels_a_film(tokens: list[Token], at: int) -> bool:
    """A year alone in brackets labels the film before it ("What about Jigsaw (2017)?", the way people
    and film sites write titles), even one the catalog lacks: it is no year the person asks for
    (unless a word asks for one: "a comedy from (2010)")."""
    token, before = tokens[at], tokens[at - 1].text if at else ""
    bracketed = token.opens_aside and token.closes_aside and before not in lx.YEAR_PREPOSITIONS
    return bracketed and YEAR.match(token.text) is not None


def _follows_on(words: list[str]) -> bool:
    """Whether the message carries on the last question ("and the second one?", "ok, what about #3?")."""
    rest = list(words)
    while rest and rest[0] in lx.FOLLOW_ON_OPENERS:
        rest = rest[1:]
    return any(" ".join(rest[: len(cue.split())]) == cue for cue in lx.FOLLOW_ON)


def _call(name: str, n: int, **args: Any) -> dict[str, Any]:
    return {"name": name, "args": args, "id": f"semantic-{n}-{name}"}


class SemanticPlanner:
    """``plan(message, profile) -> Plan``; build once per catalog (about a second), then ~10 ms per message."""

    def __init__(
        self, catalog: Catalog, embedder: Embedder, linker: TitleLinker | None = None, default_k: int = DEFAULT_K
    ) -> None:
        """``default_k``: how many films a list has when the person does not say (``agent.default_k``)."""
        self.catalog, self.default_k = catalog, default_k
        self.linker = linker or TitleLinker(catalog, plain=lx.PLAIN_WORDS, phrases=lx.PLAIN_PHRASES)
        self.classifier = IntentClassifier(embedder, load_exemplars(), mask=self.mask, cue_bonus=lx.CUE_BONUS)
        years = catalog.items["year"].dropna()
        self.last_year = int(years.max()) if len(years) else 2018
        self.builders: dict[str, Callable[[Parsed], Plan]] = {
            "recommend": self._recommend,
            "explain": self._explain,
            "what_if": self._what_if,
            "effect": self._effect,
            "item_info": self._item_info,
            "feedback": self._feedback,
            "chitchat": lambda p: Plan("chitchat", [], tuple(p.notes)),
        }

    def mask(self, message: str) -> str:
        """The message with item mentions replaced by a neutral phrase, as the classifier sees it."""
        return self._masked(message, self.linker.link(message))

    @staticmethod
    def _masked(message: str, mentions: list[Mention]) -> str:
        out, last = [], 0
        for m in mentions:
            out += [message[last : m.start], MASK]
            last = m.end
        return "".join([*out, message[last:]])

    def parse(self, message: str, profile: SessionProfile) -> Parsed:
        message = "".join(lx.EMOJI_WORDS.get(char, char) for char in message).strip()
        linked = self.linker.link(message)
        tokens = tokenize(message)
        starts = {m.first_token for m in linked}
        inside = {i for m in linked for i in range(m.first_token, m.last_token)}
        described = self._described(tokens, linked)
        words: list[str] = []
        sentences: list[int] = []  # where each sentence starts in ``words``
        for i, token in enumerate(tokens):
            if i in described or _labels_a_film(tokens, i):
                continue
            if token.opens_sentence:
                sentences.append(len(words))
            if i not in inside:
                if token.text.isdigit() and message[token.start] == "#":
                    words.append("number")  # "why #2?" is "why number 2?"
                words.append(token.text)
            elif i in starts:  # one ITEM placeholder per mention
                words.append(sl.ITEM)
        text = " ".join(words)
        # "like Lebowski but newer than Fargo": Fargo only anchors the years, it is not a liked film
        slots = [i for i, word in enumerate(words) if word == sl.ITEM]
        compared = [m for m, i in zip(linked, slots, strict=True) if i > 0 and words[i - 1] == "than"]
        anchor = self.catalog.item((compared or linked)[0].item_id).year if linked else None
        mentions = [m for m in linked if m not in compared] or linked
        k, k_note = sl.count(text)
        cues = [intent for intent, phrases in lx.INTENT_CUES.items() if sl.has_any(words, phrases)]
        if sl.has_any(words, lx.REQUESTS_REFUSED):  # "don't show me stuff like it": a reaction, not a request
            cues = [intent for intent in cues if intent != "recommend"]
        intent = self.classifier.classify(self._masked(message, linked), cues)
        genres = sl.genres(words, sentences)
        refs = sl.references(words)
        # "why the one from 2004?": a place in the list, no year asked for
        if dated := sl.dated_reference(text, profile.last_items, lambda item: self.catalog.item(item).year):
            refs = replace(refs, ordinals=(dated[0], *refs.ordinals))
            text = text[: dated[1][0]] + text[dated[1][1] :]
        if intent.intent == "item_info" and not linked and not refs.ordinals and sl.has_any(words, lx.SEARCH_CUES):
            intent = intent.overridden("recommend")  # "what's in your catalog about mars?" is a search, no film's facts
        about = bool(linked or genres.all or (refs.focus and focus_of(profile) is not None))
        hypothetical = sl.hypothetical(words) and about  # "what if I had watched it?", "take ... out of my history"
        if hypothetical and intent.intent in HYPOTHETICAL_OVERRIDES:
            intent = intent.overridden("what_if")
        accepts = profile.last_intent == "feedback" and bool(profile.liked) and not linked and not genres.all
        accepts = accepts and sl.has_any(words, lx.ACCEPTS) and not sl.has_any(words, lx.DECLINES)
        if accepts and intent.intent == "chitchat":
            intent = intent.overridden("recommend")
        follows_effect = profile.last_intent == "effect" and genres.all and not linked
        if follows_effect and sl.has_any(words, lx.EFFECT_FOLLOW_UP) and intent.intent in ("recommend", "chitchat"):
            intent = intent.overridden("effect")  # "and is that different for horror?"
        if profile.last_intent == "explain" and not cues and refs.ordinals and _follows_on(words):
            intent = intent.overridden("explain")  # "why the first one?" ... "ok and the one from 2004?"
        by_genre = intent.intent == "what_if" and genres.all and not linked  # "if I never watched musicals"
        if intent.intent in NAMES_A_FILM and not refs.ordinals and not by_genre:
            # the message must name a film: look again, accepting lower-case titles and the last list's
            relaxed = self.linker.link(message, known=profile.last_items, relaxed=True)
            mentions = relaxed if len(relaxed) > len(mentions) else mentions
        parsed = Parsed(
            message, words, mentions, intent, genres, sl.years(text, anchor, self.last_year), k, refs, profile, accepts,
        )  # fmt: skip
        if k_note:
            parsed.notes.append(k_note)
        return parsed

    @staticmethod
    def _described(tokens: list[Token], linked: list[Mention]) -> set[int]:
        """The tokens of an aside that describes the film before it ("oceans 11 (the clooney one, not the rat pack
        version)"): about which film, not about the request, unless it names a genre or another film."""
        out: set[int] = set()
        starts = {m.first_token for m in linked}
        for m in linked:
            end = aside_end(tokens, m.last_token)
            aside = range(m.last_token, end or m.last_token)
            if not any(i in starts or tokens[i].text in lx.GENRE_WORDS for i in aside):
                out.update(aside)
        return out

    def plan(self, message: str, profile: SessionProfile) -> Plan:
        if not message.strip():
            return Plan("chitchat", [])
        parsed = self.parse(message, profile)
        return self.builders[parsed.intent.intent](parsed)

    # --- one builder per intent -------------------------------------------------------------------
    def _recommend(self, p: Parsed) -> Plan:
        like = p.items()
        if p.accepts_offer and not like:
            like = p.profile.liked[-lx.LIST_LIKE_N :]
        elif p.refs.whole_list and not like and sl.has_any(p.words, lx.SIMILAR_TO):
            like = p.profile.last_items[: lx.LIST_LIKE_N]
        elif not like and p.refs.focus and sl.has_any(p.words, ("like", "similar")) and p.focus() is not None:
            like = [p.focus()]  # type: ignore[list-item]
        query = sl.query_words(p.words, p.genres.spans)
        genres_include, genres_exclude = list(p.genres.include), list(p.genres.exclude)
        genres_any = list(p.genres.either)
        year_min, year_max, k = p.years.year_min, p.years.year_max, p.k
        last = p.profile.last_request
        if last and self._refines(p, like, query):
            like = like or list(last.get("like", []))
            query = query or (last.get("query") or "")
            genres_exclude = list(dict.fromkeys([*last.get("genres_exclude", []), *genres_exclude]))
            kept = [g for g in [*last.get("genres_include", []), *genres_include] if g not in genres_exclude]
            either = genres_any or last.get("genres_any", [])  # "comedy or horror" then "no horror": Comedy
            genres_include, genres_any = sl.settle_alternatives(kept, either, genres_exclude)
            relative_bound = p.years.year_min is not None or p.years.year_max is not None
            if p.years.relative and like and relative_bound and not any(c.isdigit() for c in p.text):
                year_min, year_max = self._relative(p.years.relative, like[0], last)
            elif year_min is None and year_max is None:
                year_min, year_max = last.get("year_min"), last.get("year_max")
            k = k or last.get("k")
        args: dict[str, Any] = {"query": query or None, "like": like, "k": k or self.default_k}
        args |= {"genres_include": genres_include, "genres_exclude": genres_exclude}
        args |= {"genres_any": genres_any} if genres_any else {}
        args |= {"year_min": year_min, "year_max": year_max}
        search = sl.has_any(p.words, lx.SEARCH_CUES)
        topics = self._topics(p) if search else []
        if topics and set(like) <= {m.item_id for m in topics}:  # "search for batman movies": a topic, no liked film
            like, args["query"] = [], " ".join([*(normalize(m.surface) for m in topics), query]).strip()
        if search and not like:
            args.pop("like")
            args["query"] = args["query"] or query
            return Plan("recommend", [_call("search_items", 0, **args)], tuple(p.notes))
        return Plan("recommend", [_call("recommend", 0, **args)], tuple(p.notes))

    @staticmethod
    def _topics(p: Parsed) -> list[Mention]:
        """Films named as a kind of film in a catalog search ("search for batman movies"): topics, not liked films."""
        return [m for m in p.mentions if re.match(r"\W*(movies|films|flicks|titles)\b", p.message[m.end :].lower())]

    def _relative(self, relative: str, anchor: int, last: dict[str, Any]) -> tuple[int | None, int | None]:
        year = self.catalog.item(anchor).year
        if year is None:
            return last.get("year_min"), last.get("year_max")
        return sl.relative_bounds(relative, year, self.last_year)

    @staticmethod
    def _refines(p: Parsed, like: list[int], query: str) -> bool:
        """A follow-up that only changes filters or count keeps the last request ("more, but no dramas"), and so
        does one asking for it again, changed ("same thing but older, want something lighter")."""
        edits = sl.has_any(p.words, lx.LIST_EDITS) and bool(p.genres.exclude)
        if (sl.has_any(p.words, lx.REPEAT_CUES) or edits) and not p.mentions:
            return True
        new_subject = bool(p.mentions) or bool(p.genres.asked) or bool(query)
        changes = bool(p.genres.exclude or p.years.year_min or p.years.year_max or p.k)
        return not new_subject and (changes or sl.has_any(p.words, lx.FOLLOW_UP) or bool(like))

    def _target(self, p: Parsed) -> int | None:
        items = p.items()
        return items[0] if items else p.focus()

    def _explain(self, p: Parsed) -> Plan:
        item = self._target(p)
        if item is None:
            return Plan("explain", [], (*p.notes, "tell me which recommendation to explain, e.g. 'why the first one?'"))
        last = p.profile.last_items
        k = max(self.default_k, last.index(item) + 1) if item in last else LIST_K
        return Plan("explain", [_call("explain_recommendation", 0, item=item, k=min(k, sl.MAX_K))], tuple(p.notes))

    def _what_if(self, p: Parsed) -> Plan:
        removing = sl.has_any(p.words, lx.WHATIF_REMOVE)
        k = p.k or self.default_k
        items = p.items()
        if items:
            kind = "remove" if removing else "add"
            return Plan("what_if", [_call("simulate_intervention", 0, kind=kind, items=items, k=k)], tuple(p.notes))
        genres = p.genres.all
        if genres:
            kind = "exclude_genre" if removing or p.genres.exclude else "more_genre"
            call = _call("simulate_intervention", 0, kind=kind, genre=genres[0], k=k)
            return Plan("what_if", [call], tuple(p.notes))
        focus = p.focus() if p.refs.focus else None
        if focus is not None:
            call = _call("simulate_intervention", 0, kind="remove" if removing else "add", items=[focus], k=k)
            return Plan("what_if", [call], tuple(p.notes))
        note = "name a movie or a genre to change, e.g. 'what if I hadn't watched Star Wars?'"
        return Plan("what_if", [], (*p.notes, note))

    def _effect(self, p: Parsed) -> Plan:
        genre = p.genres.all[0] if p.genres.all else None
        question = next((kind for kind, cues in lx.EFFECT_KINDS if sl.has_any(p.words, cues)), "ate")
        if question == "cate_genre" and genre is None and "genre" not in p.text:
            question = "ate"
        if genre is not None and question == "ate":
            question = "cate_genre"
        notes = list(p.notes)
        if question == "policy" and genre is None:
            # "which films should we feature?": the genres ranked by how much featuring lifts watching
            note = "for one genre's total extra watches, ask e.g. 'how many extra watches if we featured every Comedy?'"
            question, notes = "cate_genre", [*notes, note]
        method = next((v for cue, v in lx.EFFECT_METHODS.items() if sl.has_any(p.words, [cue])), None)
        args: dict[str, Any] = {"question": question, "genre": genre if question != "ate" else None, "method": method}
        return Plan("effect", [_call("estimate_effect", 0, **args)], tuple(notes))

    def _item_info(self, p: Parsed) -> Plan:
        item = self._target(p)
        if item is None:
            return Plan("item_info", [], (*p.notes, f'did not recognise a movie title in "{p.message.strip()}"'))
        return Plan("item_info", [_call("lookup_item", 0, item=item)], tuple(p.notes))

    def _feedback(self, p: Parsed) -> Plan:
        items = p.items() or ([f] if (f := p.focus()) is not None else [])
        if not items:
            return Plan("feedback", [], (*p.notes, f'did not recognise a movie title in "{p.message.strip()}"'))
        liked = not sl.has_any(p.words, lx.FEEDBACK_NEGATIVE)
        calls = [_call("record_feedback", n, item=i, liked=liked) for n, i in enumerate(items)]
        return Plan("feedback", calls, tuple(p.notes))
