"""What the model reads of a tool's result: few tokens, and the facts it may say."""

from __future__ import annotations

from whyrec.agent.briefs import LISTED, brief
from whyrec.agent.outcomes import ToolOutcome


def films(n: int) -> list[dict[str, object]]:
    return [
        {"item_id": i, "title": f"Film {i}", "year": 2000 + i, "reasons": [f"reason {i}", "more"]} for i in range(n)
    ]


def test_a_list_names_its_first_films_and_the_first_ones_reason() -> None:
    out = {"items": films(8), "constraints": ["no Horror"]}
    text = brief(ToolOutcome("recommend", {}, True, out))
    assert text.startswith("8 films, best first (filters: no Horror): 1. Film 0 (2000), reason 0; 2. Film 1 (2001);")
    assert f"Film {LISTED - 1}" in text and f"Film {LISTED}" not in text
    assert "reason 1" not in text and "more" not in text  # one reason: the fact the model's sentence may say


def test_a_list_without_reasons_or_items() -> None:
    plain = [{"item_id": 1, "title": "Heat", "year": 1995}]
    assert brief(ToolOutcome("search_items", {}, True, {"items": plain})) == "1 film, best first: 1. Heat (1995)"
    assert brief(ToolOutcome("recommend", {}, True, {"items": []})) == "0 films, best first: none"


def test_an_error_says_what_was_wrong() -> None:
    assert brief(ToolOutcome("lookup_item", {}, False, error="no film titled 'Xyz'")) == "error: no film titled 'Xyz'"
