"""The catalog's title linker: item mentions in a message, and titles given as arguments, linked to items.

People write "the matrix", "Matrix, The (1999)", "matrx" or "Heat (1995)"; every item is indexed
under the keys of :mod:`whyrec.catalog.title_keys`.
Message spans (n-grams, longest first) are looked up exactly; words left over are matched to the
index's vocabulary with a similarity ratio (rapidfuzz), and whole titles built from those words are
compared with the span around them. A year next to a title, after it or before it ("the 2016
ghostbusters"), picks among remakes; otherwise the most rated item wins, since that is the one
people mean most often.

One-word titles that are ordinary words ("Up", "Her", "It") only count when capitalised mid-sentence
(not at a sentence's start, and not as part of a contraction: "It's", "I'm") or quoted, and rare
one-word titles only when capitalised: "a heist thriller" is not *Heist* (2001). Right after a verb
of watching or recommending ("watched room", "why did you recommend spotlight"), a lower-case one-word
title counts too when it is not an everyday word of the language: the verb's object is a film. An
everyday one ("finished her", "recommend big") counts there only when asked for with ``objects``: when
a model has already named that film, the naming is the second piece of evidence ("loved it" alone is
never *It*). So is a film written beside it: "zodiac n prisoners", "eternal sunshine or her."
(:mod:`whyrec.catalog.coordination`).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from whyrec.catalog.coordination import LIST_TAILS, at_clause_edge, joined_spans
from whyrec.catalog.errors import TitleError
from whyrec.catalog.model import Catalog
from whyrec.catalog.title_keys import (
    ARTICLE_WORDS,
    KIND_WEIGHT,
    MAX_SPAN,
    PREFIX,
    RAW,
    SHORT,
    TITLE,
    arabic,
    keys_of,
    title_numbers,
)
from whyrec.catalog.titles import normalize, parse_title
from whyrec.catalog.tokens import YEAR, Token, aside_end, aside_year, decade_of, inside_word, tokenize

FUZZY_WORD = 78  # word-level similarity to propose a title word for a typo
FUZZY_TITLE = 88  # span-level similarity to accept a title
LONG_WORD = 8  # a typo of a word this long may be two edits ("shawshenk"); of a shorter one, one ("matrx")
POPULAR = 30  # ratings a lowercase one-word title needs to count
DOMINANT = 3.0  # how many times more weight (ratings x key kind) the first film needs for a bare title to mean it
CANDIDATES = 5  # films listed when a title is ambiguous or unknown
ORDINARY = 5  # overviews using a word in lower case that make it an ordinary word ("beach", "drive", "saw")
KNOWN_WORD = 2  # overviews using a word that make it a real word, not a typo to correct
# verbs whose object, in a talk about films, is a film ("watched room", "recommend spotlight")
FILM_VERBS = frozenset(
    {
        *("watch", "watched", "watching", "rewatch", "rewatched", "finished", "saw", "seen"),
        *("loved", "hated", "liked", "enjoyed", "disliked"),
        *("recommend", "recommended", "recommending", "rec", "recced", "recd", "suggest", "suggested"),
    }
)
OBJECT_POPULAR = 5  # ratings a rare lower-case one-word title needs to count as a verb's object
_LOWER_WORD = re.compile(r"(?<![A-Za-z])[a-z][a-z]+")
ORIGINAL = frozenset({"original", "originals"})  # which of same-titled films a message means
REMAKE = frozenset({"remake", "remade", "reboot"})
SEQUEL = frozenset({"sequel"})  # "the blade runner sequel" is the later of its films
EDITION_NOUNS = frozenset({"one", "version", "film", "movie"})
# After a title, these name its whole series ("the lotr trilogy") or the films after the first ("matrix sequels");
# "movies" and "films" do when "all" or "both" comes before ("all the harry potter movies"), not in "batman movies".
KINDS = frozenset({"films", "movies"})
SERIES = {"trilogy": 3, "saga": 8, "franchise": 8, "series": 8} | dict.fromkeys(KINDS, 8)
SEQUELS = frozenset({"sequels"})
WHOLE = frozenset({"all", "both", "every", "whole", "entire"})


@dataclass(frozen=True)
class _Accept:
    known: frozenset[int]  # items whose titles count in any case
    relaxed: bool  # popular one-word titles count in lower case
    objects: bool = False  # everyday one-word titles count as a film verb's object ("finished her")


@dataclass(frozen=True)
class Mention:
    item_id: int
    start: int  # character span in the message (including a year right after the title)
    end: int
    surface: str
    score: float  # 100 for exact matches, the similarity ratio for fuzzy ones
    first_token: int
    last_token: int  # exclusive
    series: tuple[int, ...] = ()  # the other films of a series named as a whole ("the lotr trilogy")


def phrase_usage(texts: Iterable[str], phrases: set[str]) -> dict[str, int]:
    """In how many texts each of ``phrases`` (2-6 words) occurs in lower case: "high school" is a
    phrase of the language, "eternal sunshine" is a title."""
    counts: Counter[str] = Counter()
    for text in texts:
        words = re.findall(r"[a-z0-9]+", re.sub(r"\b[A-Z]\w*", "|", str(text)))
        grams = {" ".join(words[i : i + n]) for n in range(2, 7) for i in range(len(words) - n + 1)}
        counts.update(grams & phrases)
    return dict(counts)


def word_usage(texts: Iterable[str]) -> dict[str, int]:
    """In how many texts each word occurs in lower case: ordinary words do, most titles do not."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(set(_LOWER_WORD.findall(str(text))))
    return dict(counts)


class TitleLinker:
    """Finds and links item mentions; built once per catalog (about a second), then fast per message."""

    def __init__(
        self, catalog: Catalog, plain: frozenset[str] = frozenset(), phrases: frozenset[str] = frozenset()
    ) -> None:
        """``plain``: everyday words of the language (stop words, genre and number words) that never make a
        title on their own in free text unless capitalised ("drive", "up"). ``phrases``: everyday phrases
        of the conversation that film overviews seldom use ("front page", "home page"), read as ordinary
        phrases like those the overviews use ("the beach"), so "on the front page" is not *The Front Page*."""
        self.catalog, self.plain = catalog, plain
        self.keys: dict[str, list[tuple[int, int]]] = defaultdict(list)
        items = catalog.items
        self.popularity = dict(zip(items.index.astype(int), items["popularity"].astype(int), strict=True))
        years = items["year"].astype("float64")
        self.years = {int(i): None if y != y else int(y) for i, y in zip(items.index, years, strict=True)}
        for item_id, title, raw, alt in zip(
            items.index, items["title"], items["raw_title"], items["alt_title"], strict=True
        ):
            for key, kind in keys_of(str(title), str(raw), alt if isinstance(alt, str) else None, plain):
                self.keys[key].append((int(item_id), kind))
        short = {key for key, entries in self.keys.items() if all(kind == SHORT for _, kind in entries)}
        by_word: dict[str, set[str]] = defaultdict(set)
        for key in self.keys.keys() - short:  # typos are matched against whole titles only
            for word in key.split():
                if len(word) >= 4 and not word.isdigit():
                    by_word[word].add(key)
        self.by_word = dict(by_word)
        self.vocabulary = list(self.by_word)
        self.usage = word_usage(items["overview"])
        titled = {key for key in self.keys if 2 <= len(key.split()) <= 6}
        self.phrase_usage = phrase_usage(items["overview"], titled)
        for key in titled & {form for phrase in phrases for form in (phrase, f"the {phrase}")}:
            self.phrase_usage[key] = max(self.phrase_usage.get(key, 0), ORDINARY)

    # --- linking --------------------------------------------------------------------------------
    def link(
        self, message: str, *, known: Iterable[int] = (), relaxed: bool = False, objects: bool = False
    ) -> list[Mention]:
        """Non-overlapping mentions, in message order; exact matches first, then typos.

        For a message that must name a film: titles of ``known`` items (the films just listed) count
        whatever their case ("why the thing?" after a list with *The Thing*), and ``relaxed`` accepts
        lower-case titles made of ordinary words when they are popular ("if I removed alien") or long
        ("why children of men?"), and rare one-word titles ("what's paprika about"); ``objects`` accepts
        everyday one-word titles right after a film verb ("just finished her"), for checking a film a
        model named."""
        tokens = tokenize(message)
        words = [t.text for t in tokens]
        chosen: list[Mention] = []
        taken = [False] * len(tokens)
        accept = _Accept(frozenset(known), relaxed, objects)
        for first, last, ids, score in self._exact(tokens, words, accept) + self._fuzzy(tokens, words):
            if any(taken[first:last]):
                continue
            mention = self._resolve(tokens, first, last, ids, score, message)
            if mention is None:
                continue
            for i in range(mention.first_token, mention.last_token):
                taken[i] = True
            chosen.append(mention)
        chosen += self._coordinated(chosen, tokens, taken, message)
        # an aside that is part of a mention holds no film of its own: "solaris (2002, the clooney one in space)"
        chosen = [m for m in chosen if not any(o.first_token < m.first_token < o.last_token for o in chosen)]
        return self._whole_series(self._series_then_film(sorted(chosen, key=lambda m: m.start), words), tokens)

    def _coordinated(
        self, chosen: list[Mention], tokens: list[Token], taken: list[bool], message: str
    ) -> list[Mention]:
        """Films written side by side with those found ("zodiac n prisoners": :mod:`whyrec.catalog.coordination`),
        and with those in turn ("heat, ronin and collateral")."""
        found: list[Mention] = []
        queue = list(chosen)
        while queue:
            m = queue.pop(0)
            joined: set[bool] = set()  # the sides (after it: True) where a film was found, one each
            for first, last in joined_spans(tokens, m.first_token, m.last_token, message, MAX_SPAN):
                entries = self.keys.get(" ".join(t.text for t in tokens[first:last]))
                after = first >= m.last_token
                if after in joined or not entries or any(taken[first:last]):
                    continue
                if not self._joinable(tokens, first, last, entries, after):
                    continue
                mention = self._resolve(tokens, first, last, entries, 100.0, message)
                if mention is not None:
                    for i in range(mention.first_token, mention.last_token):
                        taken[i] = True
                    found.append(mention)
                    queue.append(mention)
                    joined.add(after)
        return found

    def _joinable(
        self, tokens: list[Token], first: int, last: int, entries: list[tuple[int, int]], after: bool
    ) -> bool:
        """Whether a span coordinated with a film (written ``after`` it, or before) is a film too: not a number,
        not a list's tail ("and more"), an everyday word only at its clause's edge, an ordinary one only if
        rated by a few."""
        span = [t.text for t in tokens[first:last]]
        if all(w.isdigit() for w in span) or (len(span) == 1 and span[0] in LIST_TAILS):
            return False
        ratings = max(self.popularity[i] for i, _ in entries)
        if all(w in self.plain or w.isdigit() for w in span):
            return ratings >= OBJECT_POPULAR and at_clause_edge(tokens, first, last, after=after)
        ordinary = len(span) == 1 and self.usage.get(span[0], 0) >= ORDINARY
        return ratings >= OBJECT_POPULAR or not ordinary

    def _series_then_film(self, mentions: list[Mention], words: list[str]) -> list[Mention]:
        """ "lotr return of the king" is one film: a series name right before one of its films' own
        title names that film, not the series' best-known one as well."""
        out: list[Mention] = []
        for m in mentions:
            if out and out[-1].last_token == m.first_token:
                series = {i for i, _ in self.keys.get(" ".join(words[out[-1].first_token : out[-1].last_token]), [])}
                if m.item_id in series and m.item_id != out[-1].item_id:
                    out[-1] = replace(m, start=out[-1].start, first_token=out[-1].first_token)
                    continue
            out.append(m)
        return out

    def _whole_series(self, mentions: list[Mention], tokens: list[Token]) -> list[Mention]:
        """ "the lotr trilogy", "both matrix sequels (reloaded and revolutions)": a series named as a whole is all its
        films, the first first (a trilogy its first three; "sequels" all but the first); the series word and an
        aside after it are part of the mention."""
        out = []
        for m in mentions:
            after = tokens[m.last_token].text if m.last_token < len(tokens) else ""
            before = {t.text for t in tokens[max(0, m.first_token - 2) : m.first_token]}
            if (after not in SERIES and after not in SEQUELS) or (after in KINDS and not before & WHOLE):
                out.append(m)
                continue
            films = self._series_films(" ".join(t.text for t in tokens[m.first_token : m.last_token]))
            films = films[1:] if after in SEQUELS else films[: SERIES[after]]
            if len(films) < 2:
                out.append(m)
                continue
            last = aside_end(tokens, m.last_token + 1) or m.last_token + 1
            out.append(replace(m, item_id=films[0], series=tuple(films[1:]), end=tokens[last - 1].end, last_token=last))
        return out

    def _series_films(self, key: str) -> list[int]:
        """The films of the series ``key`` names, oldest first: those it is a series prefix of ("lotr"), else those
        whose title starts with it ("matrix": The Matrix, The Matrix Reloaded, ...)."""
        entries = self.keys.get(key, [])
        members = {i for i, kind in entries if kind in (PREFIX, SHORT)}
        if len(members) < 2:
            named = (e for k, e in self.keys.items() if k.startswith(key + " "))
            members = {i for i, _ in entries} | {i for e in named for i, _ in e}
        return sorted(members, key=lambda i: (self.years.get(i) or 0, i))

    def _exact(
        self, tokens: list[Token], words: list[str], accept: _Accept
    ) -> list[tuple[int, int, list[tuple[int, int]], float]]:
        found = []
        for first in range(len(words)):
            for last in range(min(len(words), first + MAX_SPAN), first, -1):
                entries = self.keys.get(" ".join(words[first:last]))
                if entries and self._plausible(tokens, first, last, entries, accept):
                    found.append((first, last, entries, 100.0))
        # longest span first, then the better kind of key, then left to right
        found.sort(key=lambda f: (-(f[1] - f[0]), min(kind for _, kind in f[2]), f[0]))
        return found

    def _plausible(
        self, tokens: list[Token], first: int, last: int, entries: list[tuple[int, int]], accept: _Accept
    ) -> bool:
        span = tokens[first:last]
        whole_quote = (first == 0 or not tokens[first - 1].quoted) and (last == len(tokens) or not tokens[last].quoted)
        if all(t.quoted for t in span) and whole_quote:
            return True  # "'Heat'"; not the "wait" of "that 'wait WHAT' feeling"
        if all(t.text.isdigit() for t in span):
            return False  # "2010" and "3" are years and counts unless quoted
        dated = last < len(tokens) and YEAR.match(tokens[last].text)
        if dated and all(t.capitalised or t.text.isdigit() for t in span):
            return True  # "It (2017)" is the film wherever it stands, a sentence's start included
        if (aside := aside_year(tokens, last)) is not None and self._dated(entries, tokens, aside[0]):
            return True  # "the thing (carpenter, 1982)": a bracketed year that is one of its films' own
        year = self._year_before(tokens, first)
        if year != first - 1 and self._dated(entries, tokens, year):
            return True  # "the 2011 version of the thing": a year that is one of its films' own
        if any(i in accept.known for i, _ in entries):
            return True
        capitalised = all(t.capitalised or t.text.isdigit() for t in span) and not (
            span[0].opens_sentence and last - first == 1
        )  # "Up" mid-sentence is the film; "Up there..." at a sentence's start is not
        key = " ".join(t.text for t in span)
        if self.phrase_usage.get(key, 0) >= ORDINARY and not capitalised:
            # a title that is also an everyday phrase ("in search", "true story", "the beach"), unless the message
            # must name a film and the phrase is a popular one's, in words of its own ("how come taxi driver ...")
            own_words = last - first >= 2 and not any(t.text in self.plain for t in span)
            return accept.relaxed and own_words and max(self.popularity[i] for i, _ in entries) >= POPULAR
        if span[-1].text in ARTICLE_WORDS and last < len(tokens) and not YEAR.match(tokens[last].text):
            return False  # "Heat, The" only at the end: "heat, the de niro one" is Heat
        if all(t.text in self.plain or t.text.isdigit() for t in span):
            if inside_word(tokens, first, last):
                return False  # "It" of "It's", "M" of "I'm": everyday words run together, never a title
            shouting = any(t.shouted for t in span)  # "NOTHING scary" is not the film Nothing
            if accept.objects and last - first == 1 and self._object_of_verb(tokens, first):
                return True
            return (capitalised and not shouting) or (accept.relaxed and last - first >= 3)  # "why children of men?"
        if last - first == 1:
            if capitalised or span[0].capitalised:
                return True
            ratings = max(self.popularity[i] for i, _ in entries)
            if ratings >= OBJECT_POPULAR and self._object_of_verb(tokens, first):
                return True  # "watched room yesterday", "i watched nightcrawler": the verb's object is a film
            ordinary = self.usage.get(span[0].text, 0) >= ORDINARY
            popular = ratings >= POPULAR
            if ordinary and accept.relaxed:  # "if I removed alien"; not "beach" of "the beach?" (The Beach, bare)
                return popular and any(kind in (TITLE, RAW) for _, kind in entries)
            return not ordinary and (popular or accept.relaxed)
        return True

    @staticmethod
    def _object_of_verb(tokens: list[Token], first: int) -> bool:
        """Whether the token at ``first`` directly follows a film verb in the same sentence."""
        return first > 0 and tokens[first - 1].text in FILM_VERBS and not tokens[first].opens_sentence

    def _fuzzy(self, tokens: list[Token], words: list[str]) -> list[tuple[int, int, list[tuple[int, int]], float]]:
        found = []
        for pos, word in enumerate(words):
            if word in self.plain or len(word) < 4 or word.isdigit() or word in self.by_word:
                continue
            if self.usage.get(word, 0) >= KNOWN_WORD:
                continue  # a real word ("correlation"), not a misspelt title
            near = process.extract(word, self.vocabulary, scorer=fuzz.ratio, score_cutoff=FUZZY_WORD, limit=8)
            edits = 2 if len(word) >= LONG_WORD else 1  # "bogart" is no typo of "boat"
            keys = {key for hit in near if OSA.distance(word, hit[0]) <= edits for key in self.by_word[hit[0]]}
            for key in keys:
                n = len(key.split())
                for first in range(max(0, pos - n), pos + 1):
                    for last in range(pos + 1, min(len(words), first + n + 1) + 1):
                        if abs((last - first) - n) > 1:
                            continue
                        span = " ".join(words[first:last])
                        score = fuzz.ratio(span, key)
                        if score >= FUZZY_TITLE and not all(w in self.plain for w in words[first:last]):
                            entries = self.keys[key]
                            if n > 1 or max(self.popularity[i] for i, _ in entries) >= POPULAR:
                                found.append((first, last, entries, float(score)))
        found.sort(key=lambda f: (-f[3], -(f[1] - f[0]), f[0]))
        return found

    def _resolve(
        self, tokens: list[Token], first: int, last: int, entries: list[tuple[int, int]], score: float, message: str
    ) -> Mention | None:
        end_token = last
        if dated := self._dated(entries, tokens, last):  # "heat (1995)", "arrival (2016, the amy adams one)"
            entries, end_token = dated, aside_end(tokens, last) or last + 1
        elif (aside := aside_year(tokens, last)) and (dated := self._dated(entries, tokens, aside[0])):
            entries, end_token = dated, aside[1]  # "the thing (carpenter, 1982)": the aside is part of the mention
        elif dated := self._dated(entries, tokens, year := self._year_before(tokens, first)):
            entries, first = dated, year  # "the 2016 ghostbusters", "the 2011 version of the thing"
        else:
            entries = self._edition(entries, [t.text for t in tokens])
        entries = [e for e in entries if e[1] != SHORT] or entries  # a full title beats a shortened one
        item_id = max(entries, key=lambda e: self.popularity[e[0]] * KIND_WEIGHT[e[1]])[0]
        start, end = tokens[first].start, tokens[end_token - 1].end
        surface = message[start:end].strip("\"'“”‘’«».,;:!?")
        return Mention(item_id, start, end, surface, score, first, end_token)

    def _edition(self, entries: list[tuple[int, int]], text: list[str]) -> list[tuple[int, int]]:
        """Among same-titled films, "the 70s one" is the 1970s', "the original" the first, "the remake" the last."""
        years = {y for i, _ in entries if (y := self.years.get(i)) is not None}
        if len(years) < 2:
            return entries
        decades = {
            decade
            for n, word in enumerate(text[:-1])
            if (decade := decade_of(word)) is not None
            and text[n + 1] in EDITION_NOUNS  # "the 70s one", not "the old 60s spoof"
            and not set(text[max(0, n - 3) : n]) & {"not", "no"}  # nor "not the 60s one"
        }
        of_decade = [e for e in entries if (y := self.years.get(e[0])) is not None and y // 10 * 10 in decades]
        if of_decade and len(of_decade) < len(entries):
            return of_decade
        words = set(text)
        if words & ORIGINAL:  # "Solaris, the original Soviet one, not the Clooney remake"
            return [e for e in entries if self.years.get(e[0]) == min(years)]
        if words & (REMAKE | SEQUEL):  # "the italian job remake", "the blade runner sequel"
            return [e for e in entries if self.years.get(e[0]) == max(years)]
        return entries

    @staticmethod
    def _year_before(tokens: list[Token], first: int) -> int:
        """Where a year naming the film at ``first`` would stand: just before it ("the 2016 ghostbusters"), or
        before "version of" ("the 2011 version of the thing")."""
        words = [t.text for t in tokens[max(0, first - 2) : first]]
        if len(words) == 2 and words[0] in EDITION_NOUNS | REMAKE and words[1] == "of":
            return first - 3
        return first - 1

    def _dated(self, entries: list[tuple[int, int]], tokens: list[Token], at: int) -> list[tuple[int, int]]:
        """The entries from the year written at token ``at``; none if it is no year or no film is from it."""
        if not 0 <= at < len(tokens) or not YEAR.match(tokens[at].text):
            return []
        year = int(tokens[at].text)
        return [(i, kind) for i, kind in entries if self.years.get(i) == year]

    # --- titles given as arguments ------------------------------------------------------------
    def resolve(self, ref: str, *, prefer: Iterable[int] = ()) -> int:
        """The film a title names ("Heat", "heat (1995)", "Matrix, The", "the godfather part 2", "matrx").

        Exact keys first, then close spellings. A year picks among remakes; among the films left, one
        of ``prefer`` (the person's own films, the list they saw) wins, then one that clearly
        dominates by ratings. Otherwise a :class:`TitleError` lists the candidates, so whoever asked
        (a model or a person) can choose.
        """
        parsed = parse_title(ref)
        key = normalize(parsed.title)
        if not key:
            raise TitleError(f"{ref!r} is not a film title", [])
        entries = self.keys.get(key) or self.keys.get(arabic(key)) or self._near(key)
        if (
            parsed.year is not None and len({i for i, _ in entries}) > 1
        ):  # one film of that title: a wrong year is a slip
            dated = [e for e in entries if self.years.get(e[0]) == parsed.year]
            if not dated:
                raise TitleError(f"no film titled {parsed.title!r} from {parsed.year}", self._listed(entries))
            entries = dated
        if not entries:
            raise TitleError(f"no film titled {ref!r} in the catalog", [])
        entries = [e for e in entries if e[1] != SHORT] or entries  # a full title beats a shortened one
        weight: dict[int, float] = {}
        for item_id, kind in entries:
            weight[item_id] = max(weight.get(item_id, 0.0), self.popularity[item_id] * KIND_WEIGHT[kind])
        ranked = sorted(weight, key=lambda i: -weight[i])
        preferred = [i for i in ranked if i in set(prefer)]
        if len(preferred) == 1:
            return preferred[0]
        if len(ranked) == 1 or weight[ranked[0]] >= DOMINANT * weight[ranked[1]]:
            return ranked[0]
        raise TitleError(f"{ref!r} could mean several films", self._listed(entries))

    def _near(self, key: str) -> list[tuple[int, int]]:
        """Entries of the whole-title keys closest to a misspelt ``key`` (within FUZZY_TITLE)."""
        wanted = title_numbers(key)  # "hangover part iv" is no spelling of "hangover part ii"
        near = process.extract(key, list(self.keys), scorer=fuzz.ratio, score_cutoff=FUZZY_TITLE, limit=CANDIDATES)
        near = [hit for hit in near if title_numbers(hit[0]) == wanted]
        best = max((score for _, score, _ in near), default=0.0)
        return [e for hit, score, _ in near if score >= best for e in self.keys[hit]]

    def _listed(self, entries: list[tuple[int, int]]) -> list[tuple[int, str]]:
        ids = sorted({i for i, _ in entries}, key=lambda i: -self.popularity[i])[:CANDIDATES]
        return [(i, self.catalog.item(i).label) for i in ids]
