"""Narrowing a call's grammar to what grounding would keep: real tools, the real reader, real messages."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.utils.function_calling import convert_to_openai_tool

from whyrec.agent.llm import GRAMMAR_KEY
from whyrec.agent.llm.chat_format import render_prompt
from whyrec.agent.narrowing import narrowed_tools
from whyrec.agent.state import SessionProfile
from whyrec.agent.support import Support, support_for
from whyrec.tools.registry import build_tools
from whyrec.tools.resources import Resources


@pytest.fixture(scope="module")
def schemas(resources: Resources) -> list[dict[str, Any]]:
    return [convert_to_openai_tool(tool) for tool in build_tools(resources)]


@pytest.fixture(scope="module")
def support(semantic_planner: Any, resources: Resources) -> Any:
    def read(message: str, profile: SessionProfile | None = None) -> Support:
        profile = profile or SessionProfile()
        reader = semantic_planner.plan(message, profile).tool_calls
        parsed = semantic_planner.parse(message, profile)
        return support_for(parsed, profile, [], resources.linker, message, reader)

    return read


def grammars(schemas: list[dict[str, Any]], support: Support, follow_on: bool = False) -> dict[str, Any]:
    tools = narrowed_tools(schemas, support, follow_on=follow_on)
    return {t["function"]["name"]: t["function"]["parameters"][GRAMMAR_KEY] for t in tools}


def test_arguments_nothing_supports_are_left_out_of_the_grammar(schemas: Any, support: Any) -> None:
    narrowed = grammars(schemas, support("films like heat"))
    assert set(narrowed["recommend"]["properties"]) == {"like", "query"}  # no genre, year or count was said
    assert narrowed["lookup_item"] is False  # the words ask for a list, which the reader reads them as
    assert set(grammars(schemas, support("tell me about heat"))["lookup_item"]["properties"]) == {"item"}
    # a why, a what-if and an effect need their cue words, which "films like heat" does not have
    assert narrowed["explain_recommendation"] is False
    assert narrowed["simulate_intervention"] is False
    assert narrowed["estimate_effect"] is False


def test_a_genre_enum_keeps_the_genres_named_and_said_bounds_and_counts_stay(schemas: Any, support: Any) -> None:
    recommend = grammars(schemas, support("5 westerns from the 60s, no musicals"))["recommend"]["properties"]
    assert recommend["genres_include"]["items"]["enum"] == ["Musical", "Western"]
    assert recommend["genres_include"]["maxItems"] == 2
    assert recommend["genres_exclude"]["items"]["enum"] == ["Musical", "Western"]  # grounding moves a flipped one
    assert {"year_min", "year_max", "k"} <= set(recommend)


def test_an_effect_question_offers_an_estimator_only_when_one_is_named(schemas: Any, support: Any) -> None:
    plain = grammars(schemas, support("does featuring a film on the home page make people watch it?"))
    assert "method" not in plain["estimate_effect"]["properties"]
    assert "genre" not in plain["estimate_effect"]["properties"]
    named = grammars(schemas, support("does featuring comedies make people watch them, by propensity matching?"))
    assert "method" in named["estimate_effect"]["properties"]
    assert named["estimate_effect"]["properties"]["genre"]["anyOf"][0]["enum"] == ["Comedy"]


def test_a_follow_up_call_is_offered_only_for_what_the_words_ask(schemas: Any, support: Any) -> None:
    asked = support("films like heat, and why is the first one there?")
    later = grammars(schemas, asked, follow_on=True)
    assert later["explain_recommendation"] is not False
    assert later["lookup_item"] is False and later["record_feedback"] is False


def test_the_prompt_is_the_same_whatever_the_narrowing(schemas: Any, support: Any) -> None:
    messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "films like heat"}]
    narrowed = narrowed_tools(schemas, support("films like heat"))
    assert render_prompt(messages, narrowed) == render_prompt(messages, schemas)
    assert GRAMMAR_KEY not in render_prompt(messages, narrowed)


def test_a_list_is_not_offered_where_the_words_ask_for_something_else(schemas: Any, support: Any) -> None:
    shown = SessionProfile(last_items=[6, 608, 1214], last_intent="recommend")  # Heat, Fargo, Alien
    about = grammars(schemas, support("whats the 3rd one about", shown))
    assert about["lookup_item"] is not False
    assert about["recommend"] is False and about["search_items"] is False
    asked = grammars(schemas, support("something like the 3rd one", shown))
    assert asked["recommend"] is not False
