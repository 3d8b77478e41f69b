"""Logs hold no secrets and no user histories: captured at DEBUG from every logger during real turns.

The turns go through the LLM path (with an API key, against a fake OpenAI server that fails, so the
fallback and its warning are logged), through a tool that crashes (so a traceback is logged) and
through several turns of one session, whose messages must not be dumped into the log together.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from tests.agent.fakes import Plan, ScriptedPlanner, call
from tests.agent.openai_fake import serve_fake
from whyrec.agent.runtime import Agent

API_KEY = "sk-whyrec-test-7f3a9c1e5b2d4f6a8c0e"
HISTORY = [f"I really liked secret-film-{n} with my cousin Eleanor" for n in range(4)]


def logged(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(f"{r.getMessage()} {r.exc_text or ''} {r.args!r}" for r in caplog.records)


@pytest.mark.parametrize("mode", ["500", "garbage"])
def test_the_api_key_is_never_logged(
    make_hardened_agent: Callable[..., Agent], caplog: pytest.LogCaptureFixture, mode: str
) -> None:
    caplog.set_level(logging.DEBUG)
    with serve_fake() as (fake, url):
        fake.mode = mode
        agent = make_hardened_agent(
            semantic=ScriptedPlanner(lambda m, p: Plan("item_info", [call("lookup_item", item="Heat")])),
            planner="llm",
            llm={"backend": "openai", "base_url": url, "api_key": API_KEY, "timeout_s": 1.0},
        )
        result = agent.turn("tell me about Heat", session_id="logs-llm")
    assert "Heat (1995)" in result.reply and any("deterministic planner answered" in n for n in result.notes)
    assert caplog.records, "the fallback is logged"
    assert API_KEY not in logged(caplog)
    assert API_KEY[-8:] not in logged(caplog)  # nor a recognisable tail of it


def test_a_crashing_turn_logs_no_history(
    make_hardened_agent: Callable[..., Agent], caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    agent = make_hardened_agent(semantic=ScriptedPlanner(lambda m, p: Plan("chitchat", [])))
    for message in HISTORY:
        agent.turn(message, session_id="logs-history")
    crash = make_hardened_agent(
        semantic=ScriptedPlanner(lambda m, p: Plan("item_info", [call("lookup_item", item="Heat")]))
    )

    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("index exploded")

    monkeypatch.setattr(crash.resources.catalog, "item", broken)
    caplog.set_level(logging.DEBUG)
    result = crash.turn("tell me about Heat", session_id="logs-history")
    assert "internal error" in result.reply or "went wrong" in result.reply
    text = logged(caplog)
    assert "index exploded" in text, "the bug itself is logged, with its traceback"
    assert sum(message in text for message in HISTORY) <= 1, "the session's history was written to the log"
    assert "cousin Eleanor" not in text
