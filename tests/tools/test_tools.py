from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import ToolMessage
from pydantic import ValidationError

from whyrec.errors import WhyrecError
from whyrec.tools.identity import Identity, run_config
from whyrec.tools.items import LookupArgs, SearchArgs, search_items
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
        (LookupArgs, {}),
        (LookupArgs, {"item": ["The Matrix"]}),
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
    call = {"name": "lookup_item", "args": {"item": MATRIX}, "id": "c1", "type": "tool_call"}
    message = tool.invoke(call, run_config(chat_user))
    assert isinstance(message, ToolMessage)
    assert '"title": "The Matrix"' in message.content
    assert message.artifact["ok"] and message.artifact["output"]["year"] == 1999
    failed = tool.invoke({**call, "args": {"item": 99999999}}, run_config(chat_user))
    assert failed.artifact == {
        "ok": False,
        "error": failed.artifact["error"],
        "duration_s": failed.artifact["duration_s"],
    }
    assert "unknown item id: 99999999" in failed.content


def test_a_tool_outside_a_session_is_refused(resources: Resources) -> None:
    (tool,) = build_tools(resources, ["lookup_item"])
    message = tool.invoke({"name": "lookup_item", "args": {"item": 1}, "id": "c1", "type": "tool_call"})
    assert "needs a session" in message.content


def lookup(resources: Resources, identity: Identity, item: int | str) -> dict[str, Any]:
    (tool,) = build_tools(resources, ["lookup_item"])
    message = tool.invoke(
        {"name": "lookup_item", "args": {"item": item}, "id": "c1", "type": "tool_call"}, run_config(identity)
    )
    return message.artifact  # type: ignore[no-any-return]


@pytest.mark.parametrize("title", ["The Matrix", "Matrix, The (1999)", "the matrix (1999)", "matrx"])
def test_films_are_named_by_title_and_resolved_inside_the_tool(
    resources: Resources, chat_user: Identity, title: str
) -> None:
    artifact = lookup(resources, chat_user, title)
    assert artifact["output"]["item_id"] == MATRIX
    assert artifact["args"]["item"] == MATRIX  # the call is reported with the movieId it resolved to


def test_an_unknown_or_ambiguous_title_is_a_tool_error_listing_candidates(
    resources: Resources, chat_user: Identity
) -> None:
    unknown = lookup(resources, chat_user, "Matrx 5")
    assert not unknown["ok"] and "no film titled 'Matrx 5'" in unknown["error"]
    ambiguous = lookup(resources, chat_user, "Star Wars")
    assert not ambiguous["ok"] and "could mean several films" in ambiguous["error"]
    assert "Star Wars: Episode IV - A New Hope (1977) [id 260]" in ambiguous["error"]
    assert "The Empire Strikes Back (1980) [id 1196]" in ambiguous["error"]


def test_a_list_position_names_a_film_of_the_list_the_person_sees(resources: Resources, chat_user: Identity) -> None:
    from dataclasses import replace

    seeing = replace(chat_user, last_items=(MATRIX, 296))
    assert lookup(resources, seeing, "#2")["output"]["item_id"] == 296
    missing = lookup(resources, seeing, "#3")
    assert not missing["ok"] and "no film #3" in missing["error"]


def test_a_title_the_person_has_met_settles_an_ambiguity(resources: Resources, chat_user: Identity) -> None:
    from dataclasses import replace

    fan = replace(chat_user, liked=(1196,))
    assert lookup(resources, fan, "Star Wars")["output"]["item_id"] == 1196


def test_search_respects_filters(resources: Resources, chat_user: Identity) -> None:
    result = search_items(
        resources,
        chat_user,
        SearchArgs(query="space adventure", genres_exclude=["comedy"], year_min=1990, year_max=1999, k=8),
    )
    assert len(result.items) == 8
    assert all(1990 <= (i.year or 0) <= 1999 and "Comedy" not in i.genres for i in result.items)
    assert result.constraints == ["no Comedy", "from 1990 to 1999"]


def test_recommend_never_breaks_a_filter_nor_repeats_what_the_person_rated(
    resources: Resources, chat_user: Identity
) -> None:
    args = RecommendArgs(query="mind-bending science fiction", like=[MATRIX], year_min=2000, year_max=2009, k=10)
    result = recommend(resources, chat_user, args)
    assert len(result.items) == 10
    assert all(2000 <= (i.year or 0) <= 2009 for i in result.items)
    assert not {i.item_id for i in result.items} & {MATRIX, 1}
    assert result.like_item_ids == [MATRIX]


def test_recommend_names_unknown_ids_and_genres(resources: Resources, chat_user: Identity) -> None:
    with pytest.raises(WhyrecError, match="99999999"):
        recommend(resources, chat_user, RecommendArgs(like=[99999999]))
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
    args = RecommendArgs(query="something like The Matrix", like=[MATRIX], year_min=2000, year_max=2009)
    result = recommend(resources, Identity(session_id="t"), args)
    assert result.same_series_left_out == 3
    assert not any("Matrix" in i.title for i in result.items)
    assert all(2000 <= (i.year or 0) <= 2009 for i in result.items)
