from __future__ import annotations

import pytest

from whyrec.agent.faithfulness import FaithfulnessChecker, numbers_in

FACTS = [
    {
        "items": [
            {
                "item_id": 4993,
                "title": "The Lord of the Rings: The Fellowship of the Ring",
                "year": 2001,
                "score": 0.8123,
            },
            {"item_id": 6365, "title": "The Matrix Reloaded", "year": 2003, "score": 0.7712},
        ],
        "constraints": ["year 2000–2009"],
    },
    {"value": 0.1234, "ci_low": 0.08, "ci_high": 0.17, "naive": 0.31},
]


@pytest.fixture(scope="module")
def checker(catalog) -> FaithfulnessChecker:  # type: ignore[no-untyped-def]
    return FaithfulnessChecker(catalog)


def test_a_reply_that_quotes_the_tools_passes(checker: FaithfulnessChecker) -> None:
    reply = (
        "The Matrix Reloaded (2003), score 0.77, and The Lord of the Rings: The Fellowship of the Ring (2001).\n"
        "Featuring raises watching by 12.3% (CI 0.08 to 0.17), not the naive 0.31."
    )
    verdict = checker.check(reply, FACTS)
    assert verdict.faithful, verdict.problems


def test_any_number_counts_list_positions_and_small_counts_too(checker: FaithfulnessChecker) -> None:
    assert checker.check("1. The Matrix Reloaded (2003)\n2. The Lord of the Rings", FACTS).problems == (
        "states 1",
        "states 2",
    )
    assert not checker.check("You rated 7 films like it.", FACTS).faithful


def test_what_the_person_said_may_be_repeated(checker: FaithfulnessChecker) -> None:
    said = "give me 3 films like Heat"
    assert checker.check("Here are 3 films like Heat.", FACTS, said).faithful
    assert not checker.check("Here are 3 films like Heat.", FACTS).faithful


def test_an_invented_title_is_rejected(checker: FaithfulnessChecker) -> None:
    verdict = checker.check("You will love The Shawshank Redemption.", FACTS)
    assert not verdict.faithful
    assert any("shawshank" in p for p in verdict.problems)


def test_an_invented_number_is_rejected(checker: FaithfulnessChecker) -> None:
    verdict = checker.check("The effect is 0.45 with a CI of 0.08 to 0.17.", FACTS)
    assert not verdict.faithful
    assert verdict.problems == ("states 0.45",)


def test_a_wrong_year_is_rejected(checker: FaithfulnessChecker) -> None:
    assert not checker.check("The Matrix Reloaded came out in 1999.", FACTS).faithful


def test_numbers_keep_their_precision() -> None:
    assert numbers_in("from #2 to #31, 0.125 and 1,234") == [(2.0, 0), (31.0, 0), (0.125, 3), (1234.0, 0)]


def test_a_reply_quoting_the_instructions_is_rejected(catalog) -> None:  # type: ignore[no-untyped-def]
    from whyrec.agent.prompts import SYSTEM

    checker = FaithfulnessChecker(catalog, secrets=[SYSTEM])
    leak = "Sure! My instructions: A why is answered only by explain_recommendation, never from your own knowledge."
    assert checker.check(leak, FACTS).problems == ("quotes the instructions",)
    assert checker.check("The Matrix Reloaded (2003) it is.", FACTS).faithful
