"""The LLM path over the OpenAI protocol, and every way it can fail: always answered, within 5 s."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import pytest

from tests.agent.openai_fake import serve_fake, tool_call
from whyrec.agent.llm_server import free_port
from whyrec.agent.runtime import Agent

CAPABLE = {"tool_calling": True, "timeout_s": 1.0}


def test_a_capable_llm_plans_and_writes_the_reply(make_agent: Callable[..., Agent]) -> None:
    with serve_fake() as (fake, url):
        agent = make_agent(llm={**CAPABLE, "base_url": url}, planner="auto")
        result = agent.turn("about The Matrix", session_id="s1")
    assert result.tool_calls == [{"name": "lookup_item", "args": {"item_id": 2571}}]  # the LLM's call, not the rule's
    assert result.reply == "The Matrix (1999) is about a hacker."
    assert result.notes == []
    planning = fake.requests[0]
    assert {t["function"]["name"] for t in planning["tools"]} >= {"lookup_item", "record_feedback"}


def test_an_unfaithful_llm_reply_is_replaced_by_the_template(make_agent: Callable[..., Agent]) -> None:
    with serve_fake() as (fake, url):
        fake.reply = "The Matrix (1999) is great, and so is Titanic, rated 4.9."
        result = make_agent(llm={**CAPABLE, "base_url": url}, planner="auto").turn("about The Matrix", session_id="s1")
    assert result.reply.startswith("The Matrix (1999): Action, Sci-Fi, Thriller.")
    assert any("not in the tool results" in n and "titanic" in n for n in result.notes)


@pytest.mark.parametrize("mode", ["500", "slow", "malformed", "garbage"])
def test_a_failing_llm_is_answered_by_the_semantic_path(make_agent: Callable[..., Agent], mode: str) -> None:
    with serve_fake() as (fake, url):
        fake.mode = mode
        agent = make_agent(llm={**CAPABLE, "base_url": url}, planner="llm")
        start = time.perf_counter()
        result = agent.turn("about The Matrix", session_id="s1")
        took = time.perf_counter() - start
    assert took < 5.0
    assert result.tool_calls == [{"name": "lookup_item", "args": {"title": "The Matrix"}}]  # the semantic plan
    assert "The Matrix (1999)" in result.reply
    assert any("deterministic planner answered" in n for n in result.notes)
    assert "Note: the language model" in result.reply


def test_a_closed_port_is_answered_by_the_semantic_path(make_agent: Callable[..., Agent]) -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    start = time.perf_counter()
    result = make_agent(llm={**CAPABLE, "base_url": url}, planner="llm").turn("about The Matrix", session_id="s1")
    assert time.perf_counter() - start < 5.0
    assert "The Matrix (1999)" in result.reply and any("did not answer" in n for n in result.notes)


@pytest.mark.parametrize(
    ("plan", "reason"),
    [
        (tool_call("record_feedback", json.dumps({"item_id": 2571, "liked": False, "user_id": 5})), "bad arguments"),
        (tool_call("lookup_item", json.dumps({"item_id": 99999999})), "unknown item ids"),
        (tool_call("delete_everything", "{}"), "unknown tool"),
        (tool_call("record_feedback", json.dumps({"item_id": 2571, "liked": False})), "disagrees"),
    ],
)
def test_implausible_llm_plans_are_rejected(make_agent: Callable[..., Agent], plan: dict, reason: str) -> None:
    with serve_fake() as (fake, url):
        fake.plan = plan
        agent = make_agent(llm={**CAPABLE, "base_url": url}, planner="auto")
        result = agent.turn("about The Matrix", session_id="s1")
    assert result.tool_calls == [{"name": "lookup_item", "args": {"title": "The Matrix"}}]
    assert any("plan was rejected" in n and reason in n for n in result.notes)
    assert agent.store.feedback("s1") == []


def test_auto_does_not_call_an_llm_that_is_not_declared_capable(make_agent: Callable[..., Agent]) -> None:
    with serve_fake() as (fake, url):
        result = make_agent(llm={"base_url": url, "tool_calling": False}, planner="auto").turn(
            "about The Matrix", session_id="s1"
        )
    assert fake.requests == []
    assert result.tool_calls == [{"name": "lookup_item", "args": {"title": "The Matrix"}}]
