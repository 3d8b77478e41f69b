"""Multi-turn flows through the real tools, with a scripted planner standing in for the semantic one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.agent.fakes import MATRIX, Plan, call
from whyrec.agent.runtime import Agent
from whyrec.agent.state import SessionProfile


def planner(message: str, profile: SessionProfile) -> Plan:
    """Resolves references the way the semantic planner must: against the session profile."""
    if message.startswith("something like The Matrix"):
        args = {"query": message, "like": [MATRIX], "year_min": 2000, "year_max": 2009}
        return Plan("recommend", [call("recommend", **args)])
    if message == "tell me about the second one":
        return Plan("item_info", [call("lookup_item", item=profile.last_items[1])])
    if message == "more, but no dramas":
        args = {"genres_exclude": ["Drama"], "year_min": profile.year_min, "year_max": profile.year_max, "k": 5}
        return Plan("recommend", [call("recommend", **args)])
    return Plan("chitchat", [])


def test_recommend_then_refer_back(make_agent: Callable[..., Agent], catalog: Any) -> None:
    agent = make_agent(planner)
    first = agent.turn("something like The Matrix but from the 2000s", session_id="s1")
    assert first.intent == "recommend" and len(first.items) == 10
    years = [catalog.item(i["item_id"]).year for i in first.items]
    assert all(2000 <= y <= 2009 for y in years)
    assert not any("Matrix" in i["title"] for i in first.items)
    profile = agent.profile("s1")
    assert profile.last_items == [i["item_id"] for i in first.items]
    assert (profile.year_min, profile.year_max, profile.liked) == (2000, 2009, [MATRIX])

    second = agent.turn("tell me about the second one", session_id="s1")
    assert second.tool_calls[0]["args"] == {"item": first.items[1]["item_id"]}
    assert second.reply.startswith(catalog.item(first.items[1]["item_id"]).label)
    assert agent.profile("s1").last_items == profile.last_items  # a lookup does not replace the list

    third = agent.turn("more, but no dramas", session_id="s1")
    assert len(third.items) == 5
    assert all("Drama" not in catalog.item(i["item_id"]).genres for i in third.items)
    assert not {i["item_id"] for i in third.items} & {MATRIX}
    assert agent.profile("s1").genres_exclude == ["Drama"]


def test_the_must_show_conversation_with_the_semantic_planner(app_config: Any, resources: Any, tmp_home: Any) -> None:
    from whyrec.agent.sessions import SessionStore

    agent = Agent(app_config, resources=resources, store=SessionStore.under(tmp_home))
    first = agent.turn("something like The Matrix but from the 2000s", session_id="s1")
    assert first.intent == "recommend" and first.items
    assert all(2000 <= (resources.catalog.item(i["item_id"]).year or 0) <= 2009 for i in first.items)
    assert not any("Matrix" in i["title"] for i in first.items)
    why = agent.turn("why the first one?", session_id="s1")
    assert why.intent == "explain"
    assert why.explanation is not None and why.explanation["item_id"] == first.items[0]["item_id"]
    assert why.explanation["rank_before"] == 1
    assert why.explanation["influences"][0]["title"] == "The Matrix (1999)"  # measured by re-running without it
    assert why.reply.startswith(first.items[0]["title"]) and "in your list because of" in why.reply.splitlines()[0]
