from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.agent.conftest import default_rule
from tests.agent.fakes import ScriptedPlanner
from whyrec.agent import runtime
from whyrec.agent.sessions import SessionStore
from whyrec.cli import build_app

CONTRACT = {"intent", "reply", "planner", "tool_calls", "steps", "items", "explanation", "effect", "latency_ms"}


@pytest.fixture(autouse=True)
def scripted(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(runtime, "load_semantic_planner", lambda resources: ScriptedPlanner(default_rule))
    monkeypatch.setattr(runtime.SessionStore, "under", classmethod(lambda cls, home: SessionStore(tmp_path / "s.db")))


def ask(*args: str) -> dict[str, Any]:
    result = CliRunner().invoke(build_app(), ["ask", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_ask_prints_the_json_contract() -> None:
    payload = ask("about The Matrix")
    assert set(payload) >= CONTRACT
    assert payload["intent"] == "item_info"
    assert payload["tool_calls"] == [{"name": "lookup_item", "args": {"item": 2571}}]  # as the tool resolved it
    assert payload["planner"] == "semantic"
    assert payload["steps"] == [
        {"round": 1, "tool": "lookup_item", "args": {"item": 2571}, "ok": True, "error": None,
         "duration_s": payload["steps"][0]["duration_s"]}
    ]  # fmt: skip
    assert isinstance(payload["latency_ms"], float)


def test_a_session_carries_over_between_asks() -> None:
    ask("like 2571", "--session", "cli-test")
    assert SessionStore.under(Path()).load("cli-test").liked == [2571]
    assert ask("about The Matrix", "--session", "other")["intent"] == "item_info"
    assert SessionStore.under(Path()).load("other").liked == []


def test_an_unknown_user_gets_a_clear_reply() -> None:
    assert "unknown user id: 999999" in ask("hi", "--user", "999999")["reply"]
