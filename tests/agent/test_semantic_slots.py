"""Slot extraction and title linking, one extractor at a time (no embedder needed)."""

from __future__ import annotations

from typing import Any

import pytest

from whyrec.agent.semantic import lexicon as lx
from whyrec.agent.semantic import slots as sl
from whyrec.catalog.linker import ORDINARY, TitleLinker
from whyrec.catalog.tokens import tokenize

LAST_YEAR = 2018


def words(text: str) -> list[str]:
    return text.lower().replace(",", " ").replace("-", " ").replace("'", " ").split()


@pytest.mark.parametrize(
    ("text", "include", "exclude"),
    [
        ("no horror", (), ("Horror",)),
        ("anything but musicals", (), ("Musical",)),
        ("a crime film, not a comedy", ("Crime",), ("Comedy",)),
        ("no horror or musicals", (), ("Horror", "Musical")),
        ("sci-fi without war", ("Sci-Fi",), ("War",)),
        ("romantic comedies", ("Romance", "Comedy"), ()),
        ("rom-com but nothing scary", ("Comedy", "Romance"), ("Horror",)),
        ("i don't like horror, suggest a thriller", ("Thriller",), ("Horror",)),
        ("a comedy that isn't a romance", ("Comedy",), ("Romance",)),
        ("cartoons please, nothing with horror in it", ("Animation",), ("Horror",)),
        # one typo away from a genre word of six letters or more, unless it is a real word
        ("good 90s thriler recs", ("Thriller",), ()),
        ("recomend me some animaton movies, no musicals pls", ("Animation",), ("Musical",)),
        ("fantasy films that arent kiddy", ("Fantasy",), ("Children",)),
        ("i'd be thrilled with any comedy", ("Comedy",), ()),
        ("a film about the mastery of an art", (), ()),
        ("kids movies only and nothing scary", ("Children",), ("Horror",)),
        ("fantasy please, nothing aimed at children", ("Fantasy",), ("Children",)),
        ("5 more thrillers, but none that are crime movies", ("Thriller",), ("Crime",)),
        ("musicals that arent disney cartoons", ("Musical",), ("Animation",)),
        ("something funny but not a romance", ("Comedy",), ("Romance",)),
        ("for my 7 year old, nothing scary", ("Children",), ("Horror",)),
        ("a horror film my 30 year old brother would like", ("Horror",), ()),
        # an intensifier between the negation and its genre ("not actual ...") keeps it negated
        ("like toy story but for grown ups? like not actual children's movies", (), ("Children",)),
        ("a ghost story but no real horror", (), ("Horror",)),
        # "live action" rules out Animation and is no Action
        ("can you do the same with no animation? live action only", (), ("Animation",)),
        ("a live-action fantasy", ("Fantasy",), ("Animation",)),
        ("it needs to be animated, she wont sit through live action", ("Animation",), ()),
        ("nothing live action please", (), ()),
        ("she adores ratatouille but a break from cartoons please, something not animated", (), ("Animation",)),
        ("a good action movie", ("Action",), ()),
        # a negated kind made of two genres: the one asked for stays, a romcom is ruled out as a romance
        ("horror please, but not comedy-horror", ("Horror",), ("Comedy",)),
        ("a funny one without the romcom stuff", ("Comedy",), ("Romance",)),
        ("no romcoms tonight", (), ("Romance",)),
        ("no horror or comedy", (), ("Horror", "Comedy")),  # two genres ruled out, not a kind of film
        # more ways to leave a genre out
        ("something light, leave out anything that's a war film", (), ("War",)),
        ("rule out westerns", (), ("Western",)),
    ],
)
def test_genres_with_negation(text: str, include: tuple[str, ...], exclude: tuple[str, ...]) -> None:
    found = sl.genres(words(text))
    assert (set(found.include), set(found.exclude)) == (set(include), set(exclude))


@pytest.mark.parametrize(
    ("text", "include", "either"),
    [
        ("a comedy or an action movie tonight", (), ("Comedy", "Action")),
        ("either a romcom or something sci fi", (), ("Romance", "Comedy", "Sci-Fi")),
        ("i like drama, thriller, action and sometimes comedy", (), ("Drama", "Thriller", "Action", "Comedy")),
        ("horror or thrillers from the 80s, no comedies", (), ("Horror", "Thriller")),
        # two joined by "and", or written together, are one kind of film: both
        ("films listed as both musical and romance", ("Musical", "Romance"), ()),
        ("i want an action and comedy movie", ("Action", "Comedy"), ()),
        ("i like action comedies", ("Action", "Comedy"), ()),
        # ... except in a statement of taste, which likes each kind
        ("i really enjoy comedy and action movies", (), ("Comedy", "Action")),
        ("i lean towards westerns and war films", (), ("Western", "War")),
        ("a funny horror movie", ("Comedy", "Horror"), ()),
        # not a list: a word that is neither a joiner nor a genre stands between them
        ("a western with comedy in it or not", ("Western", "Comedy"), ()),
        # one genre said two ways, or the other alternative ruled out: one genre, asked for
        ("a comedy or something funny", ("Comedy",), ()),
        ("comedy or horror but no horror", ("Comedy",), ()),
        ("for my kids - animated children's movies please", ("Children", "Animation"), ()),  # two genres, three words
    ],
)
def test_genres_asked_for_as_alternatives_need_only_one(
    text: str, include: tuple[str, ...], either: tuple[str, ...]
) -> None:
    found = sl.genres(words(text))
    assert (set(found.include), set(found.either)) == (set(include), set(either))
    assert set(found.all) >= {*include, *either}


def test_a_modifier_between_a_negation_and_its_genre_keeps_it_negated_and_out_of_the_query() -> None:
    w = words("musicals that arent disney cartoons")
    found = sl.genres(w)
    assert (found.include, found.exclude) == (("Musical",), ("Animation",))
    assert sl.query_words(w, found.spans) == ""  # "disney" was part of what is ruled out, not a topic


def test_a_negation_ends_with_its_sentence() -> None:
    w = words("she hates anything romantic something funny")  # "... romantic. Something funny": two sentences
    assert sl.genres(w).exclude == ("Romance", "Comedy")  # one sentence: the negation runs on
    found = sl.genres(w, sentences=[0, 4])
    assert (found.include, found.exclude) == (("Comedy",), ("Romance",))


def test_the_new_one_or_the_old_version_picks_a_film_and_asks_for_no_year() -> None:
    none = sl.Years(None, None, None)
    assert sl.years("have you seen the new <item> its really funny", 2017, 2018) == none
    assert sl.years("i saw the first one but not the most recent one", None, 2018) == none
    assert sl.years("i prefer the old version", None, 2018) == none
    assert sl.years("the latest movies with tom hanks", None, 2018).year_min is not None  # films, plural: recent ones
    assert sl.years("something newer than <item>", 2003, 2018).year_min == 2004


def test_a_child_s_age_is_no_older_than_bound() -> None:
    assert sl.years("for my 6 yr old who loved <item>", 2003, 2018) == sl.Years(None, None, None)
    assert sl.years("a film my eight year old would like but older than <item>", 2003, 2018).year_max == 2002


@pytest.mark.parametrize(
    ("text", "anchor", "bounds"),
    [
        ("from the 2000s", None, (2000, 2009)),
        ("90s", None, (1990, 1999)),
        ("the nineties", None, (1990, 1999)),
        ("late 80s", None, (1986, 1989)),
        ("early 2000s", None, (2000, 2003)),
        ("after 2010", None, (2011, None)),
        ("since 2015", None, (2015, None)),
        ("before 1980", None, (None, 1979)),
        ("between 1990 and 2005", None, (1990, 2005)),
        ("in 1994", None, (1994, 1994)),
        ("1995 onwards", None, (1995, None)),
        ("before the 80s", None, (None, 1979)),
        ("after the 90s", None, (2000, None)),
        ("newer", 1995, (1996, None)),
        ("older", 1979, (None, 1978)),
        ("more recent", None, (2014, None)),
        ("a heist thriller", None, (None, None)),
        ("war movies that arent from the 2000s or later", None, (None, 1999)),
        ("nothing from the 80s or earlier", None, (1990, None)),
        ("nothing before 1990", None, (1990, None)),
        ("not after 2010", None, (None, 2010)),
        ("no movies made before the 70s", None, (1970, None)),
        ("not older than 1985", None, (1985, None)),
        ("from 2005 or later", None, (2005, None)),
        ("nothing newer than <item> itself", 2007, (None, 2007)),
        ("not older than <item>", 1995, (1995, None)),
        ("nothing too old", None, (1980, None)),
        ("some classic westerns", None, (None, 1979)),
        ("yeah <item> is a classic, i saw it", 1978, (None, None)),  # praise of a film, no year asked for
        ("i like classics, but i will also watch new films", None, (None, None)),  # both ways: no bound
        ("i watched <item> again, never gets old", 1990, (None, None)),
        ("i might watch it later", None, (None, None)),
        ("any thing but a western", None, (None, None)),
    ],
)
def test_years_and_decades(text: str, anchor: int | None, bounds: tuple[int | None, int | None]) -> None:
    found = sl.years(" ".join(words(text)), anchor, LAST_YEAR)
    assert (found.year_min, found.year_max) == bounds


@pytest.mark.parametrize(
    ("text", "k"),
    [
        ("top 5", 5),
        ("three movies", 3),
        ("give me 20", 20),
        ("a couple of mysteries", 2),
        ("5 comedies", 5),
        ("1995 movies", None),
        ("something good", None),
        ("top 1000000 movies", 50),
        ("yeah go for it, like 4 of them", 4),
        ("80s horror, gimme 5", 5),
    ],
)
def test_counts(text: str, k: int | None) -> None:
    assert sl.count(" ".join(words(text)))[0] == k


def test_a_capped_count_says_so() -> None:
    k, note = sl.count("top 100 comedies")
    assert k == 50 and note and "50" in note


@pytest.mark.parametrize(
    ("text", "ordinals", "focus", "whole"),
    [
        ("why the second one", (1,), False, False),
        ("the 3rd movie", (2,), False, False),
        ("why number 4", (3,), False, False),
        ("the last one", (-1,), False, False),
        ("the first two", (0, 1), False, False),
        ("why that one", (), True, False),
        ("more like those", (), False, True),
        ("a heist thriller", (), False, False),
    ],
)
def test_references(text: str, ordinals: tuple[int, ...], focus: bool, whole: bool) -> None:
    refs = sl.references(words(text))
    assert (refs.ordinals, refs.focus, refs.whole_list) == (ordinals, focus, whole)


def test_query_keeps_content_and_drops_filters() -> None:
    w = words("recommend me a clever heist movie from the 90s, no horror")
    found = sl.genres(w)
    query = sl.query_words(w, found.spans)
    assert query.split() == ["clever", "heist"]
    w = words("yeah go ahead, like 4 of them")
    assert sl.query_words(w, ()) == ""  # an acceptance and a count are not content


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("I would love to watch an action movie", ""),  # the genre is a filter; "love" is how they feel
        ("i loved <item> and <item>, something similar but not too old, no horror", ""),  # films are linked first
        ("something funny and clever about time travel", "clever time travel"),  # funny: Comedy
        ("honestly i really enjoyed that, got anything with a heist", "heist"),
        ("search the catalogue for pirate titles, i just wanna browse", "pirate"),
        ("something for my 8 year old niece about dinosaurs", "dinosaurs"),
        ("same vibe but newer", ""),
        ("nah these are all 2000s, only stuff from 2005 on", ""),  # a reaction and a year bound's words
    ],
)
def test_the_query_is_what_was_asked_for_or_nothing(text: str, query: str) -> None:
    w = words(text)
    assert sl.query_words(w, sl.genres(w).spans) == query


@pytest.fixture(scope="module")
def linker(catalog: Any) -> TitleLinker:
    return TitleLinker(catalog, plain=lx.PLAIN_WORDS, phrases=lx.PLAIN_PHRASES)


@pytest.mark.parametrize(
    ("message", "label"),
    [
        ("something like the matrix", "The Matrix (1999)"),
        ("Matrix, The (1999)", "The Matrix (1999)"),
        ("I loved matrx", "The Matrix (1999)"),
        ("Heat (1995)", "Heat (1995)"),
        ("films like Heat", "Heat (1995)"),
        ("what's the shawshank redemtion about", "The Shawshank Redemption (1994)"),
        ("movies like Se7en", "Seven (1995)"),
        ("lord of the rings", "The Lord of the Rings: The Fellowship of the Ring (2001)"),
        ("what if I hadn't watched Star Wars?", "Star Wars: Episode IV - A New Hope (1977)"),
        ("pulp fictoin was great", "Pulp Fiction (1994)"),
        ("I loved Up", "Up (2009)"),
        ("i loved eternal sunshine", "Eternal Sunshine of the Spotless Mind (2004)"),
        ("the grand budapest one", "The Grand Budapest Hotel (2014)"),
        ("anything like lotr?", "The Lord of the Rings: The Fellowship of the Ring (2001)"),
        ("The Two Towers was great", "The Lord of the Rings: The Two Towers (2002)"),
        ("the godfather part 2", "The Godfather: Part II (1974)"),
        ("the godfather 2 is my fav", "The Godfather: Part II (1974)"),
        ("kill bill 2", "Kill Bill: Vol. 2 (2004)"),
        ("drop lotr return of the king", "The Lord of the Rings: The Return of the King (2003)"),
        ("heat, the pacino one", "Heat (1995)"),
        ("Matrix, The", "The Matrix (1999)"),
    ],
)
def test_titles_link_exactly_fuzzily_and_by_year(linker: TitleLinker, catalog: Any, message: str, label: str) -> None:
    found = linker.link(message)
    assert [catalog.item(m.item_id).label for m in found] == [label]


@pytest.mark.parametrize(
    "message",
    [
        "a heist thriller with a twist",
        "search for a movie about a shark terrorizing a beach town",
        "recommend me 5 comedies from the 90s",
        "top 3 thrillers after 2010",
        "what if I never saw that",
        "what's your name",
        "is the correlation between featuring and watching misleading",
        "I want a love story",
        "i liked part 2 more",  # a subtitle that is only a part number names no film
        "kids movies only and NOTHING scary",  # shouting, not the film Nothing (2003)
        "Fantasy from 2005 on? Nothing aimed at children.",
    ],
)
def test_ordinary_words_are_not_titles(linker: TitleLinker, message: str) -> None:
    assert linker.link(message) == []


def test_shortened_titles_that_are_everyday_phrases_need_a_capital(linker: TitleLinker) -> None:
    phrases = [key for key, uses in linker.phrase_usage.items() if uses >= ORDINARY]
    assert phrases  # e.g. "in search" (In Search of ...): in many overviews in lower case
    for phrase in phrases:
        assert not [m for m in linker.link(f"a film {phrase} of something") if m.surface == phrase], phrase


def test_a_film_the_message_must_name_counts_in_lower_case(linker: TitleLinker) -> None:
    assert linker.link("why the thing?") == []
    assert [m.item_id for m in linker.link("why the thing?", known=[2288])] == [2288]  # just listed
    assert linker.link("if i removed alien") == []
    assert [m.item_id for m in linker.link("if i removed alien", relaxed=True)] == [1214]
    assert [m.item_id for m in linker.link("whats paprika about", relaxed=True)] == [52885]  # rare, not ordinary
    assert [m.item_id for m in linker.link("why children of men", relaxed=True)] == [48774]  # long


@pytest.mark.parametrize(
    ("message", "ids"),
    [
        ("we watched room yesterday", [140174]),  # Room (2015): a rare title taken by a film verb
        ("why did you recommend spotlight to me", [142488]),
        ("i watched nightcrawler, creepy", [115569]),
        ("my room was a mess", []),  # no verb takes it
        ("i watched tv all day", []),
        ("watched it last night and loved it", []),  # an everyday word: the verb is not enough
        ("i saw her yesterday", []),
        ("recommend big movies", []),
    ],
)
def test_a_film_verb_s_object_is_a_film_unless_an_everyday_word(linker: TitleLinker, message: str, ids: list) -> None:
    assert [m.item_id for m in linker.link(message)] == ids


def test_an_everyday_title_a_film_verb_takes_counts_when_asked_for(linker: TitleLinker) -> None:
    """For checking a film a model named: "just finished her" then names *Her* (2013), "loved it" *It*."""
    assert [m.item_id for m in linker.link("just finished her, the joaquin phoenix one", objects=True)] == [106920]
    assert [m.item_id for m in linker.link("why did you recommend big to me", objects=True)] == [2797]
    assert linker.link("more like her", objects=True) == []  # "like" is not a film verb
    assert linker.link("Her mother hated it. Watched her", objects=False) == []


@pytest.mark.parametrize(
    ("message", "tokens"),
    [
        ("I'm", [("i", True), ("m", False)]),
        ("Sci-Fi", [("sci", True), ("fi", True)]),
        ("Ünder café", [("under", True), ("cafe", False)]),
        ("--- 🎬 日本", []),
    ],
)
def test_tokens_keep_each_part_s_case(message: str, tokens: list[tuple[str, bool]]) -> None:
    assert [(t.text, t.capitalised) for t in tokenize(message)] == tokens


def test_only_the_capitalised_part_of_a_contraction_counts_as_capitalised(linker: TitleLinker) -> None:
    assert [m.item_id for m in linker.link("I'm curious why Local Hero made it")] == [1238]  # not "M" (1931)


@pytest.mark.parametrize("relaxed", [False, True])
def test_everyday_words_in_a_recorded_conversation_are_not_titles(linker: TitleLinker, relaxed: bool) -> None:
    """ReDial transcripts: "It's" is not *It*, "lol" not *LOL*, "the house" not *The House* (2017)."""
    for message in [
        "It's a comedy. It was fun, lol",
        "Thanks! I'm in. Up there with the best",
        "you don't need to leave the house to watch",
    ]:
        assert linker.link(message, relaxed=relaxed) == [], message


def test_a_capitalised_everyday_title_mid_sentence_is_the_film(linker: TitleLinker, catalog: Any) -> None:
    found = linker.link("Seven (1995) or It (2017)? It's a horror film. I loved Up", relaxed=True)
    assert [catalog.item(m.item_id).label for m in found] == ["Seven (1995)", "It (2017)", "Up (2009)"]


def test_a_year_picks_among_remakes(linker: TitleLinker, catalog: Any) -> None:
    items = catalog.items[catalog.items["year"].notna()]
    years = items.groupby("title")["year"].agg(lambda y: y.nunique() == len(y) > 1).astype(bool)
    title = years[years].index[0]  # a title with several films, each from another year
    remakes = items[items["title"] == title]
    for item_id, year in zip(remakes.index, remakes["year"], strict=True):
        assert [m.item_id for m in linker.link(f'"{title}" ({year})')] == [int(item_id)]


def test_a_year_before_a_title_picks_among_remakes_and_is_part_of_the_mention(linker: TitleLinker) -> None:
    found = linker.link("the 2016 ghostbusters was not good")
    assert [(m.item_id, m.surface) for m in found] == [(160080, "2016 ghostbusters")]
    assert [m.item_id for m in linker.link("watched the 1984 ghostbusters again")] == [2716]
    assert [m.item_id for m in linker.link("a 1999 ghostbusters")] == [2716]  # no such remake: the best known


@pytest.mark.parametrize("message", ["the thing (carpenter, 1982) rules", "The Thing (1982, Carpenter) rules"])
def test_a_year_in_an_aside_after_a_title_picks_among_remakes_and_is_part_of_the_mention(
    linker: TitleLinker, message: str
) -> None:
    found = linker.link(message)
    assert [m.item_id for m in found] == [2288]
    assert "1982" in found[0].surface  # so the year is not read as a bound on the list as well
    assert [m.item_id for m in linker.link("the thing (2011) was weak")] == [90345]


@pytest.mark.parametrize(
    ("message", "films"),
    [
        ("need smth like zodiac n prisoners. no horror", [51540, 104879]),  # an ordinary word
        ("think arrival / ex machina", [164179, 115713]),  # before the film found
        ("similar to seven samurai & yojimbo plz", [2019, 3030]),  # too rarely rated to count alone
        ("like eternal sunshine or her. no comedies", [7361, 106920]),  # an everyday word ending its clause
        ("like heat, ronin and collateral", [6, 2278, 8798]),  # a chain
        ("up and wall-e and prisoners were great", [68954, 60069, 104879]),  # on both sides of a film found
    ],
)
def test_a_lower_case_title_written_beside_a_film_is_one(linker: TitleLinker, message: str, films: list[int]) -> None:
    assert [m.item_id for m in linker.link(message)] == films


@pytest.mark.parametrize("message", ["i liked heat and her sister loved it", "heat and more", "heat or something"])
def test_an_everyday_word_beside_a_film_inside_a_clause_or_closing_a_list_is_no_film(
    linker: TitleLinker, message: str
) -> None:
    assert [m.item_id for m in linker.link(message)] == [6]


def test_the_original_or_the_remake_picks_among_same_titled_films(linker: TitleLinker) -> None:
    assert [m.item_id for m in linker.link("Solaris, the original Soviet one, not the remake")] == [3503]
    assert [m.item_id for m in linker.link("I liked the Solaris remake")] == [5881]


def test_a_decade_picks_among_same_titled_films_before_the_remake_word(linker: TitleLinker) -> None:
    assert [m.item_id for m in linker.link("the italian job, the 60s one, not the 2003 remake")] == [6893]
    assert [m.item_id for m in linker.link("scarface (the 1930s one)")] == [25788]
    assert [m.item_id for m in linker.link("Solaris, the 00s version")] == [5881]
    assert [m.item_id for m in linker.link("Solaris, not the 70s one")] == [5881]  # the best known


def test_phrases_of_the_conversation_are_no_titles_unless_capitalised(linker: TitleLinker) -> None:
    assert linker.link("does a spot on the front page help?") == []
    assert [m.item_id for m in linker.link("I liked The Front Page")] == [7093]


def test_a_title_inside_a_longer_quotation_is_not_quoted_as_a_title(linker: TitleLinker) -> None:
    assert linker.link("i love that 'wait WHAT' feeling at the end") == []
    assert [m.item_id for m in linker.link("'heat' was great")] == [6]


def test_an_aside_with_the_year_is_part_of_the_mention_to_its_closing_bracket(linker: TitleLinker) -> None:
    found = linker.link("Solaris (the 2002 one) was a snooze")
    assert [(m.item_id, m.surface) for m in found] == [(5881, "Solaris (the 2002 one)")]


def test_a_description_after_the_year_in_an_aside_is_part_of_the_mention(linker: TitleLinker) -> None:
    found = linker.link("solaris (2002, the clooney one in space with his dead wife) was slow")
    surface = "solaris (2002, the clooney one in space with his dead wife)"
    assert [(m.item_id, m.surface) for m in found] == [(5881, surface)]


@pytest.mark.parametrize(
    ("message", "ids"),
    [
        ("loved oceans 11", [4963]),  # the apostrophe left out, the number in digits: the 2001 one, best known
        ("schindlers list is a masterpiece", [527]),
        ("have you seen twelve angry men", [1203]),
        ("casablanca (the bogart one) is my favourite", [912]),  # "bogart" is no typo of "boat" (Das Boot)
        ("the blade runner sequel was better", [176371]),
        ("I loved spiderman", [5349]),  # the hyphen left out
        ("rewatched sen to chihiro again", [5618]),  # the first words of its original title
        ("the 1982 version of the thing", [2288]),
        ("any movies like xmen?", [3793]),
    ],
)
def test_titles_as_people_type_them(linker: TitleLinker, message: str, ids: list[int]) -> None:
    assert [m.item_id for m in linker.link(message)] == ids


def test_a_popular_film_titled_like_an_everyday_phrase_counts_where_a_film_must_be_named(linker: TitleLinker) -> None:
    assert linker.link("he worked as a taxi driver for years") == []
    assert [m.item_id for m in linker.link("how come taxi driver is on my list", relaxed=True)] == [111]


@pytest.mark.parametrize(
    ("message", "ids"),
    [
        ("i loved the lotr trilogy", [4993, 5952, 7153]),
        ("both matrix sequels were bad", [6365, 6934]),  # the films after the first
        ("i watched all the harry potter movies", [4896, 5816, 8368, 40815, 54001, 69844, 81834, 88125]),
        ("any batman movies?", [592]),  # "movies" alone is a kind of film, not the whole series
    ],
)
def test_a_series_named_as_a_whole_is_its_films(linker: TitleLinker, message: str, ids: list[int]) -> None:
    found = linker.link(message)
    assert [i for m in found for i in (m.item_id, *m.series)] == ids
    assert len(found) == 1
