"""Which token spans may be a title written beside a recognised one (the linker checks them against its keys)."""

from __future__ import annotations

from whyrec.catalog.coordination import at_clause_edge, joined_spans
from whyrec.catalog.tokens import tokenize


def spans(message: str, first: int, last: int, longest: int = 3) -> list[str]:
    tokens = tokenize(message)
    return [" ".join(t.text for t in tokens[a:b]) for a, b in joined_spans(tokens, first, last, message, longest)]


def test_a_coordinator_or_a_separator_joins_the_next_and_the_previous_words_longest_first() -> None:
    assert spans("zodiac n prisoners pls", 0, 1) == ["prisoners pls", "prisoners"]
    assert spans("think arrival / ex machina", 2, 4) == ["think arrival", "arrival"]
    assert spans("heat, ronin", 0, 1) == ["ronin"]


def test_words_merely_next_to_a_title_are_not_joined_to_it() -> None:
    assert spans("heat prisoners", 0, 1) == []
    assert spans("loved heat", 1, 2) == []


def test_an_everyday_word_is_a_title_only_at_its_clauses_edge() -> None:
    ends = tokenize("eternal sunshine or her. no comedies")
    assert at_clause_edge(ends, 3, 4, after=True)
    goes_on = tokenize("heat and her sister")
    assert not at_clause_edge(goes_on, 2, 3, after=True)
    assert at_clause_edge(tokenize("up and wall-e were great"), 0, 1, after=False)
