from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import ToolMessage
from pydantic import ValidationError

from whyrec.errors import WhyrecError
from whyrec.tools.identity import Identity, run_config
from whyrec.tools.items import LookupArgs, SearchArgs, lookup_item, search_items
from whyrec.tools.recommend import RecommendArgs, recommend, same_series
from whyrec.tools.registry import TOOLS, build_tools
from whyrec.tools.resources import Resources

MATRIX = 2571


@pytest.mark.parametrize(
    ("schema", "args"),
    [
        (SearchArgs, {"k": 51}),
        (SearchArgs, {"k": 0}),
        (SearchArgs, {"year_min": 1800}),
        (SearchArgs, {"year_max": 3000}),
        (RecommendArgs, {"user_id": 12}),
        (LookupArgs, {"item_id": -1}),
    ],
)
def test_arguments_are_bounded_and_closed(schema: Any, args: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        schema(**args)


def test_the_model_sees_no_identity_argument(resources: Resources) -> None:
    for tool in build_tools(resources, list(TOOLS)):
        fields = set(tool.tool_call_schema.model_json_schema()["properties"])  # type: ignore[union-attr]
        assert not fields & {"user_id", "session_id", "config", "identity"}, tool.name


def test_a_tool_call_returns_json_for_the_model_and_an_artifact(resources: Resources, chat_user: Identity) -> None:
    (tool,) = build_tools(resources, ["lookup_item"])
    call = {"name": "lookup_item", "args": {"item_id": MATRIX}, "id": "c1", "type": "tool_call"}
    message = tool.invoke(call, run_config(chat_user))
    assert isinstance(message, ToolMessage)
    assert '"title": "The Matrix"' in message.content
    assert message.artifact["ok"] and message.artifact["output"]["year"] == 1999
    failed = tool.invoke({**call, "args": {"item_id": 99999999}}, run_config(chat_user))
    assert failed.artifact == {
        "ok": False,
        "error": failed.artifact["error"],
        "duration_s": failed.artifact["duration_s"],
    }
    assert "unknown item id: 99999999" in failed.content


def test_a_tool_outside_a_session_is_refused(resources: Resources) -> None:
    (tool,) = build_tools(resources, ["lookup_item"])
    message = tool.invoke({"name": "lookup_item", "args": {"item_id": 1}, "id": "c1", "type": "tool_call"})
    assert "needs a session" in message.content


@pytest.mark.parametrize("title", ["The Matrix", "Matrix, The (1999)", "the matrix (1999)"])
def test_lookup_by_title(resources: Resources, chat_user: Identity, title: str) -> None:
    assert lookup_item(resources, chat_user, LookupArgs(title=title)).item_id == MATRIX


def test_lookup_needs_something_to_look_up(resources: Resources, chat_user: Identity) -> None:
    with pytest.raises(WhyrecError, match="item_id or a title"):
        lookup_item(resources, chat_user, LookupArgs())
    with pytest.raises(WhyrecError, match="no item titled"):
        lookup_item(resources, chat_user, LookupArgs(title="Matrx 5"))


def test_search_respects_filters(resources: Resources, chat_user: Identity) -> None:
    result = search_items(
        resources,
        chat_user,
        SearchArgs(query="space adventure", genres_exclude=["comedy"], year_min=1990, year_max=1999, k=8),
    )
    assert len(result.items) == 8
    assert all(1990 <= (i.year or 0) <= 1999 and "Comedy" not in i.genres for i in result.items)
    assert result.constraints == ["not Comedy", "year 1990–1999"]


def test_recommend_never_breaks_a_filter_nor_repeats_what_the_person_rated(
    resources: Resources, chat_user: Identity
) -> None:
    args = RecommendArgs(
        query="mind-bending science fiction", like_item_ids=[MATRIX], year_min=2000, year_max=2009, k=10
    )
    result = recommend(resources, chat_user, args)
    assert len(result.items) == 10
    assert all(2000 <= (i.year or 0) <= 2009 for i in result.items)
    assert not {i.item_id for i in result.items} & {MATRIX, 1}
    assert result.like_item_ids == [MATRIX]


def test_recommend_names_unknown_ids_and_genres(resources: Resources, chat_user: Identity) -> None:
    with pytest.raises(WhyrecError, match="99999999"):
        recommend(resources, chat_user, RecommendArgs(like_item_ids=[99999999]))
    with pytest.raises(WhyrecError, match="unknown genre"):
        recommend(resources, chat_user, RecommendArgs(genres_include=["Telenovela"]))


def test_recommend_for_a_known_user_skips_their_ratings(resources: Resources, catalog: Any) -> None:
    known = Identity(session_id="t", user_id=1)
    result = recommend(resources, known, RecommendArgs(k=5))
    assert not {i.item_id for i in result.items} & set(catalog.user_ratings(1)["item_id"].tolist())


def test_something_like_a_film_leaves_out_its_series(resources: Resources, chat_user: Identity, catalog: Any) -> None:
    series = {catalog.item(i).title for i in same_series(catalog, [MATRIX])}
    assert series == {"The Matrix", "The Matrix Reloaded", "The Matrix Revolutions", "The Animatrix"}
    assert same_series(catalog, [6]) == []  # "Heat" is too short a word to mark a series
    args = RecommendArgs(query="something like The Matrix", like_item_ids=[MATRIX], year_min=2000, year_max=2009)
    result = recommend(resources, Identity(session_id="t"), args)
    assert result.same_series_left_out == 3
    assert not any("Matrix" in i.title for i in result.items)
    assert all(2000 <= (i.year or 0) <= 2009 for i in result.items)
