"""Slots of a user message: genres (with negation), years and decades, k, and references to earlier turns.

Everything here reads the *user's* message, normalised into words with item mentions replaced by
the placeholder :data:`ITEM`; the phrases live in :mod:`whyrec.agent.semantic.lexicon`. Each
extractor is a small pure function, so each can be tested alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz.distance import OSA

from whyrec.agent.semantic import lexicon as lx
from whyrec.catalog.tokens import decade_start

ITEM = "<item>"
MAX_K = 50
_NUM = r"(\d{1,9}|" + "|".join(sorted((re.escape(w) for w in lx.NUMBER_WORDS), key=len, reverse=True)) + ")"
_YEAR = r"(1[89]\d\d|20[0-3]\d)"
_DECADE = r"(?:(early|mid|late) )?(?:the )?(?:(\d{2}|1[89]\d0|20[0-3]0) ?s|(" + "|".join(lx.DECADE_WORDS) + "))"
_BOUND = "|".join(sorted(map(re.escape, lx.YEAR_BOUNDS), key=len, reverse=True))
_NEGATION = "|".join(sorted(map(re.escape, lx.YEAR_NEGATIONS), key=len, reverse=True))


def phrase_positions(words: Sequence[str], phrases: Iterable[str]) -> list[tuple[int, int, str]]:
    """(start, end, phrase) of every whole-word occurrence, longest phrases first, non-overlapping."""
    found: list[tuple[int, int, str]] = []
    taken = [False] * len(words)
    for phrase in sorted(set(phrases), key=lambda p: -len(p.split())):
        parts = phrase.split()
        n = len(parts)
        for i in range(len(words) - n + 1):
            if list(words[i : i + n]) == parts and not any(taken[i : i + n]):
                found.append((i, i + n, phrase))
                for j in range(i, i + n):
                    taken[j] = True
    return sorted(found)


def has_any(words: Sequence[str], phrases: Iterable[str]) -> bool:
    return bool(phrase_positions(words, phrases))


def hypothetical(words: Sequence[str]) -> bool:
    """Whether the message supposes a change to the person's own history: "what if I had watched it", "say i
    binged westerns", "take the comedies out of my history" (a what-if, once it names what changes)."""
    opener = " ".join(words[:3]).startswith(tuple(f"{o} " for o in lx.WHATIF_OPENERS))
    return opener or has_any(words, lx.WHATIF_HYPOTHETICAL) or has_any(words, lx.WHATIF_HISTORY_EDITS)


@dataclass(frozen=True)
class Genres:
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    spans: tuple[tuple[int, int], ...] = ()  # word spans of every genre word and its negator
    either: tuple[str, ...] = ()  # asked for as alternatives: a film needs one of them (lx.GENRE_LIST_GAP)

    @property
    def asked(self) -> tuple[str, ...]:
        """Every genre asked for, needed or one of alternatives."""
        return (*self.include, *self.either)

    @property
    def all(self) -> tuple[str, ...]:
        return (*self.asked, *self.exclude)


_TYPO_TARGETS = tuple(g for g in lx.GENRES if " " not in g and len(g) >= lx.GENRE_TYPO_MIN)


def spelled(word: str) -> str:
    """The genre word ``word`` is one typo from ("thriler" is "thriller"), else ``word`` itself."""
    if word in lx.GENRES or word in lx.NOT_GENRE_TYPOS or len(word) < lx.GENRE_TYPO_MIN - 1 or not word.isalpha():
        return word
    return next((g for g in _TYPO_TARGETS if OSA.distance(word, g, score_cutoff=1) <= 1), word)


def genres(words: Sequence[str], sentences: Iterable[int] = ()) -> Genres:
    """Included and excluded genres: "no horror or musicals", "anything but a comedy", "not a comedy", "live action".

    ``sentences``: the word positions where a sentence starts; a negation ends with its sentence ("she hates
    anything romantic. something funny" includes Comedy)."""
    starts = sorted(sentences)
    words = [spelled(w) for w in words]
    hits = phrase_positions(words, lx.GENRE_PHRASES)
    negators = phrase_positions(words, lx.NEGATORS)
    include: list[str] = []
    asked: list[tuple[int, int, tuple[str, ...]]] = []  # the included hits, for alternatives
    exclude: list[str] = []
    ruled_out: list[str] = []  # by a phrase such as "live action": yields to a genre asked for
    paired: list[str] = []  # negated genres written against another ("no horror-comedy"): yield to one asked for
    spans: list[tuple[int, int]] = []
    for n, (start, end, phrase) in enumerate(hits):
        negated = False
        for n_start, n_end, _ in negators:
            gap = words[n_end:start]
            if (
                n_end <= start
                and len(gap) <= lx.NEGATION_WINDOW
                and all(w in lx.NEGATION_GAP or w in lx.GENRE_WORDS for w in gap)
                and not any(n_start < b <= start for b in starts)
            ):
                negated = True
                spans.append((n_start, start))  # "not disney cartoons": the words in between are no topic either
        if phrase in lx.GENRES_RULED_OUT:  # "live action only": no Animation (and no Action); "no live action": none
            if not negated:
                ruled_out.extend(lx.GENRES_RULED_OUT[phrase])
        elif negated:
            exclude.extend(lx.GENRES_NEGATED.get(phrase, lx.GENRES[phrase]))
            touching = [h for h in hits[max(0, n - 1) : n + 2] if h[1] == start or h[0] == end]
            if touching:  # a kind made of two genres: "something funny, but no horror-comedy" keeps Comedy
                paired.extend(lx.GENRES[phrase])
        else:
            include.extend(lx.GENRES[phrase])
            asked.append((start, end, lx.GENRES[phrase]))
        spans.append((start, end))
    either = _alternatives(words, asked)
    include = [g for g in include if g not in either]
    if age := child_age(words):  # "for my 6 yr old": children's films
        include.append("Children")
        spans.append(age)
    exclude = [g for g in exclude if g not in paired or g not in (*include, *either)]
    exclude = list(dict.fromkeys([*exclude, *(g for g in ruled_out if g not in (*include, *either))]))
    include, either = settle_alternatives([g for g in include if g not in exclude], either, exclude)
    return Genres(tuple(include), tuple(exclude), tuple(spans), tuple(either))


def settle_alternatives(
    include: Sequence[str], either: Sequence[str], exclude: Sequence[str]
) -> tuple[list[str], list[str]]:
    """(include, either) without excluded alternatives; one alternative left is simply asked for ("a comedy or
    something funny" is Comedy, and so is "comedy or horror, but no horror")."""
    include = list(dict.fromkeys(include))
    either = [g for g in dict.fromkeys(either) if g not in exclude and g not in include]
    return ([*include, *either], []) if len(either) < 2 else (include, either)


def _alternatives(words: Sequence[str], asked: Sequence[tuple[int, int, tuple[str, ...]]]) -> list[str]:
    """The genres of ``asked`` (included hits, in order) that are alternatives (lx.GENRE_LIST_GAP)."""
    either: list[str] = []
    tastes = [end for _, end, _ in phrase_positions(words, lx.TASTE_CUES)]
    group = list(asked[:1])
    joined_by_or = joined = False
    for hit in [*asked[1:], None]:
        gap = words[group[-1][1] : hit[0]] if hit is not None else None
        if gap is not None and all(w in lx.GENRE_LIST_GAP for w in gap):
            group.append(hit)  # type: ignore[arg-type]
            joined_by_or = joined_by_or or any(w in lx.GENRE_ALTERNATIVES for w in gap)
            joined = joined or bool(gap)
            continue
        taste = bool(group) and any(end <= group[0][0] <= end + lx.TASTE_WINDOW for end in tastes)
        listed = len({g for _, _, genres in group for g in genres})  # "kids ... children's" is one genre
        if group and (joined_by_or or listed >= lx.GENRE_LIST_MIN or (joined and taste)):
            either.extend(g for _, _, genres in group for g in genres)
        group, joined_by_or, joined = ([hit] if hit is not None else []), False, False
    return either


def ages(words: Sequence[str]) -> list[tuple[int, int, int]]:
    """(start, end, age) of every age ("6 yr old", "a ten year old", "my 8yo" written "8 yo")."""
    found = []
    for start, end, _ in phrase_positions(words, lx.AGE_UNITS):
        number = words[start - 1] if start else ""
        age = int(number) if number.isdigit() else lx.NUMBER_WORDS.get(number)
        if age is not None:
            found.append((start - 1, end, age))
    return found


def child_age(words: Sequence[str]) -> tuple[int, int] | None:
    """The span of a child's age, which asks for children's films ("for my 6 yr old nephew")."""
    return next(((start, end) for start, end, age in ages(words) if age <= lx.CHILD_AGE_MAX), None)


@dataclass(frozen=True)
class Years:
    year_min: int | None = None
    year_max: int | None = None
    relative: str | None = None  # "newer" / "older" / "not newer" / "not older" when said without a year


def _decade(part: str | None, digits: str | None, word: str | None) -> tuple[int, int]:
    start = lx.DECADE_WORDS[word] if word else decade_start(int(digits or "0"))
    lo, hi = lx.DECADE_PARTS.get(part or "", (0, 9))
    return start + lo, start + hi


def _span(m: re.Match[str], at: int) -> tuple[int, int]:
    """(first, last) year of the year or decade that ``m`` captured at group ``at`` (4 groups)."""
    if m.group(at):
        return int(m.group(at)), int(m.group(at))
    return _decade(m.group(at + 1), m.group(at + 2), m.group(at + 3))


def _bound(side: str, offset: int, lo: int, hi: int, negated: bool = False) -> tuple[str, int]:
    """("min" | "max", year) of "after/before/since ... <lo..hi>"; ``negated`` ("nothing before 1990")
    gives the complement: year >= v becomes year <= v - 1 and year <= v becomes year >= v + 1."""
    value = (hi if offset else lo) + offset if side == "min" else (lo if offset else hi) + offset
    if not negated:
        return side, value
    return ("max", value - 1) if side == "min" else ("min", value + 1)


def years(text: str, anchor_year: int | None, last_year: int) -> Years:
    """Year bounds from decades, ranges, comparisons, exact years, or "newer/older" than an anchor item.

    A negation turns a bound around: "not from the 2000s or later" is up to 1999, "nothing before
    1990" from 1990."""
    bounds: dict[str, int] = {}
    consumed = text
    for m in re.finditer(rf"\b(?:between|from) {_YEAR} (?:and|to|until|through|till) {_YEAR}\b", text):
        bounds["min"], bounds["max"] = sorted((int(m.group(1)), int(m.group(2))))
        consumed = consumed.replace(m.group(), " ")
    where = rf"(?:(?:from|in|made in|released in) )?(?:the year )?(?:{_YEAR}|{_DECADE})"
    for m in re.finditer(rf"\b(?:({_NEGATION}) (?:(?:from|made|released) )?)?({_BOUND}) {where}\b", consumed):
        side, offset = lx.YEAR_BOUNDS[m.group(2)]
        lo, hi = _span(m, 3)
        side, bounds[side] = _bound(side, offset, lo, hi, negated=bool(m.group(1)))
        consumed = consumed.replace(m.group(), " ")
    suffixes = "|".join(sorted(map(re.escape, lx.YEAR_SUFFIXES), key=len, reverse=True))
    for m in re.finditer(rf"\b(?:({_NEGATION}) )?{where} ({suffixes})\b", consumed):
        lo, hi = _span(m, 2)
        side = lx.YEAR_SUFFIXES[m.group(6)]
        side, bounds[side] = _bound(side, 0, lo, hi, negated=bool(m.group(1)))
        consumed = consumed.replace(m.group(), " ")
    for m in re.finditer(rf"\b{_DECADE} (?:and|or|to|through|till|until) {_DECADE}\b", consumed):  # "50s and 60s"
        spans = sorted((_decade(m.group(1), m.group(2), m.group(3)), _decade(m.group(4), m.group(5), m.group(6))))
        bounds["min"], bounds["max"] = spans[0][0], spans[-1][1]
        consumed = consumed.replace(m.group(), " ")
    for m in re.finditer(rf"\b{_DECADE}\b", consumed):
        bounds["min"], bounds["max"] = _decade(m.group(1), m.group(2), m.group(3))
        consumed = consumed.replace(m.group(), " ")
    for m in re.finditer(rf"\b(?:in |from )?{_YEAR}(?! ?s\b)\b", consumed):
        if not bounds:
            bounds["min"] = bounds["max"] = int(m.group(1))
    year_min, year_max = bounds.get("min"), bounds.get("max")
    relative = _relative(text.split())
    if relative and year_min is None and year_max is None:
        year_min, year_max = relative_bounds(relative, anchor_year, last_year)
    return Years(year_min, year_max, relative)


def _relative(words: Sequence[str]) -> str | None:
    """The first "newer" / "older", or "not newer" / "not older" after a negation ("nothing newer than X");
    none when the message asks both ways ("I like classics, but I will also watch new films")."""
    in_age = {i for start, end, _ in ages(words) for i in range(start, end)}
    found = []
    for start, _, phrase in phrase_positions(words, (*lx.NEWER, *lx.OLDER)):
        if start in in_age or _names_a_film(words, start, len(phrase.split())) or _said_of_a_film(words, start, phrase):
            continue
        kind = "newer" if phrase in lx.NEWER else "older"
        before = " ".join(w for w in words[max(0, start - 3) : start] if w not in lx.RELATIVE_INTENSIFIERS)
        negated = any(before == n or before.endswith(" " + n) for n in lx.YEAR_NEGATIONS)
        found.append(f"not {kind}" if negated else kind)
    ways = {"older" if relative in ("older", "not newer") else "newer" for relative in found}
    return found[0] if len(ways) == 1 else None


def _said_of_a_film(words: Sequence[str], start: int, phrase: str) -> bool:
    """Whether "classic" at ``start`` praises a film ("is a classic", "such a classic", "a true classic"), or
    "old" is said of one ("never gets old")."""
    if phrase == "old":
        return start > 0 and words[start - 1] in lx.IDIOM_BEFORE_OLD
    return phrase.startswith("classic") and bool(set(words[max(0, start - 3) : start]) & lx.PRAISE_BEFORE_CLASSIC)


def _names_a_film(words: Sequence[str], start: int, length: int) -> bool:
    """Whether the relative word at ``start`` picks one film ("the new one", "the new <item>", "the most recent
    one", "the old version"), which asks for no year: "have you seen the new Jumanji?" is about that film."""
    the = start - 2 if start >= 1 and words[start - 1] == "most" else start - 1
    after = words[start + length] if start + length < len(words) else ""
    return the >= 0 and words[the] == "the" and after in lx.ONE_FILM


def relative_bounds(relative: str, anchor_year: int | None, last_year: int) -> tuple[int | None, int | None]:
    """(year_min, year_max) for "newer"/"older" than ``anchor_year`` (else recent / old films), or
    their negations, which keep the anchor's own year: "nothing newer than Zodiac" is up to 2007."""
    recent, old = last_year - lx.RECENT_YEARS + 1, lx.OLD_BEFORE
    return {
        "newer": (anchor_year + 1 if anchor_year else recent, None),
        "not newer": (None, anchor_year if anchor_year else recent - 1),
        "older": (None, anchor_year - 1 if anchor_year else old - 1),
        "not older": (anchor_year if anchor_year else old, None),
    }[relative]


def count(text: str) -> tuple[int | None, str | None]:
    """k from "top 5", "three movies", "give me 20", "4 of them"; (k, note) with a note when k was capped."""
    nouns = "|".join(sorted((*lx.ITEM_NOUNS, *lx.GENRES), key=len, reverse=True))
    prefixes = "|".join(lx.COUNT_PREFIXES)
    patterns = (
        rf"\b(?:{prefixes}) {_NUM}\b",
        rf"\b{_NUM} (?:more |other |new |good |great )?(?:{nouns})\b",
        rf"\b{_NUM} of (?:them|those|these)\b",  # "yeah, like 4 of them"
    )
    for pattern in patterns:
        for m in re.finditer(pattern, text):
            raw = m.group(1)
            value = lx.NUMBER_WORDS.get(raw) or int(raw)
            if re.fullmatch(_YEAR, raw):
                continue  # "1995 movies" is a year, not a count
            if value > MAX_K:
                return MAX_K, f"at most {MAX_K} items per list, so showing {MAX_K}"
            if value >= 1:
                return value, None
    return None, None


@dataclass(frozen=True)
class References:
    ordinals: tuple[int, ...] = ()  # positions in the last list (-1 = last)
    focus: bool = False  # "that one", "it"
    whole_list: bool = False  # "those", "them"


_DATED_ONE = re.compile(rf"\bthe (?:one|film|movie) (?:from|of|in) {_YEAR}\b|\bthe {_YEAR} (?:one|film|movie)\b")


def dated_reference(
    text: str, items: Sequence[int], year_of: Callable[[int], int | None]
) -> tuple[int, tuple[int, int]] | None:
    """(place in the last list ``items``, character span) of "the one from 2004" / "the 2004 one" when exactly one
    of its films is from that year: a place in the list, not a year asked for."""
    for m in _DATED_ONE.finditer(text):
        year = int(m.group(1) or m.group(2))
        places = [n for n, item in enumerate(items) if year_of(item) == year]
        if len(places) == 1:
            return places[0], m.span()
    return None


def references(words: Sequence[str]) -> References:
    """Ordinals ("the second one", "number 3", "#3"), pronouns for the item in focus, and the whole list."""
    ordinals: list[int] = []
    for i, word in enumerate(words):
        before = words[i - 1] if i else ""
        after = words[i + 1] if i + 1 < len(words) else ""
        if after == ITEM:  # "the first hunger games" names a film of a series, not a place in the list
            continue
        if word in lx.ORDINALS and (after in lx.REFERENCE_NOUNS or (before == "the" and word not in ("top",))):
            if word == "first" and re.fullmatch(r"\d+|" + _NUM, after) and after not in lx.REFERENCE_NOUNS:
                n = lx.NUMBER_WORDS.get(after) or int(after)
                ordinals.extend(range(min(n, MAX_K)))
            else:
                ordinals.append(lx.ORDINALS[word])
        elif word.isdigit() and before in ("number", "no", "movie", "film", "pick", "item", "nr", "num"):
            ordinals.append(int(word) - 1)
    focus = has_any(words, lx.FOCUS_PRONOUNS) or (bool(words) and words[-1] in ("that", "this"))
    return References(tuple(dict.fromkeys(ordinals)), focus, has_any(words, lx.LIST_PRONOUNS))


def query_words(words: Sequence[str], genre_spans: Sequence[tuple[int, int]]) -> str:
    """The topic words of a request, for the retriever: no filler, opinion, item, filter or count ("" when none)."""
    fillers = (*lx.FILLER_PHRASES, *lx.ACCEPTS)
    drop = {i for start, end, _ in phrase_positions(words, fillers) for i in range(start, end)}
    for start, end in genre_spans:  # a genre is a filter already, included or excluded: not a topic
        drop.update(range(start, end))
    function_words = (
        lx.QUERY_FILLER
        | lx.OPINION_WORDS
        | {w for p in (*lx.NEGATORS, *lx.YEAR_BOUNDS, *lx.YEAR_SUFFIXES, *lx.NUMBER_WORDS) for w in p.split()}
        | {w for p in (*lx.NEWER, *lx.OLDER) for w in p.split()}
        | set(lx.ORDINALS)
        | set(lx.DECADE_WORDS)
        | set(lx.DECADE_PARTS)
        | {ITEM, "s", "year", "years", "decade"}
    )
    owners = ("my", "our")  # "for my 6 yr old nephew"
    drop.update(i for i, w in enumerate(words) if w in lx.AUDIENCE and set(words[max(0, i - 4) : i]) & set(owners))
    kept = [
        w
        for i, w in enumerate(words)
        if i not in drop and w not in function_words and not re.fullmatch(r"\d+s?|'\d+s", w)
    ]
    return " ".join(kept)
