"""Reading a recorded conversation (ReDial's, say) as the session it would have made."""

from __future__ import annotations

from typing import Any

import pytest

from whyrec.agent.transcript import Stance, asked_genres, profile_of, read_transcript
from whyrec.catalog.linker import TitleLinker

HEAT, FARGO, MATRIX, TITANIC = 6, 608, 2571, 1721


def stances(linker: TitleLinker, *turns: tuple[str, str]) -> dict[int, Stance]:
    return {s.item_id: s for s in read_transcript(list(turns), linker)}


@pytest.fixture(scope="module")
def linker(resources: Any) -> TitleLinker:
    return resources.linker


def test_the_seekers_own_films_are_liked_or_disliked_clause_by_clause(linker: TitleLinker) -> None:
    read = stances(linker, ("user", "I loved Heat (1995) but I hated Fargo."))
    assert read[HEAT] == Stance(HEAT, suggested=False, liked=True, seen=True)
    assert read[FARGO].liked is False and not read[FARGO].suggested


def test_a_film_named_without_a_judgement_is_taken_as_liked(linker: TitleLinker) -> None:
    assert stances(linker, ("user", "something like The Matrix please"))[MATRIX].liked is True


def test_a_reaction_naming_no_film_is_about_what_was_just_suggested(linker: TitleLinker) -> None:
    read = stances(
        linker,
        ("user", "hi, any good action films?"),
        ("assistant", "Have you seen The Matrix (1999)?"),
        ("user", "seen it, loved it"),
        ("assistant", "How about Titanic (1997)?"),
        ("user", "no, i haven't seen that one"),
    )
    assert read[MATRIX] == Stance(MATRIX, suggested=True, liked=True, seen=True)
    assert read[TITANIC].suggested and read[TITANIC].liked is None and read[TITANIC].seen is False


def test_a_negative_reaction_to_a_suggestion_dislikes_it(linker: TitleLinker) -> None:
    read = stances(linker, ("assistant", "Maybe Fargo (1996)?"), ("user", "not a fan of that one"))
    assert read[FARGO].liked is False


def test_the_profile_never_suggests_a_film_again(linker: TitleLinker) -> None:
    read = read_transcript(
        [
            ("user", "I loved Heat"),
            ("assistant", "Try Fargo (1996) or Titanic (1997)"),
            ("user", "Fargo I didn't like"),
        ],
        linker,
    )
    profile = profile_of(read)
    assert profile.liked == [HEAT]
    assert profile.disliked == [FARGO]
    assert profile.suggested == [TITANIC]  # offered, no judgement: not liked, but not offered again either
    assert profile.last_items == [FARGO, TITANIC]


def test_turns_with_no_films_make_an_empty_profile(linker: TitleLinker) -> None:
    profile = profile_of(read_transcript([("user", "hello there"), ("assistant", "hi! what do you like?")], linker))
    assert (profile.liked, profile.disliked, profile.suggested) == ([], [], [])


def test_the_genres_the_seeker_asked_for_are_kept_in_order_without_negated_ones() -> None:
    turns = [
        ("assistant", "Do you like horror movies?"),  # the recommender's words are not the seeker's asks
        ("user", "I'm in the mood for a comedy, no horror please"),
        ("user", "maybe a romantic comedy or a western"),
    ]
    assert asked_genres(turns) == ["Comedy", "Romance", "Western"]
    assert profile_of([], asked_genres(turns)).genres_asked == ["Comedy", "Romance", "Western"]
    assert asked_genres([("user", "hi there")]) == []


def test_the_last_turns_of_both_sides_are_what_the_conversation_is_about() -> None:
    turns = [("user", f"turn {n}") for n in range(6)] + [("assistant", "have you seen Alien (1979)?")]
    heard = profile_of([], (), turns).heard
    assert heard == ["turn 3", "turn 4", "turn 5", "have you seen Alien (1979)?"]  # with the message, five turns
