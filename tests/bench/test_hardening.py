"""The robustness benchmarks' machinery: kill trials, and the load driver against the real JSON API."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from tests.agent.fakes import Plan, ScriptedPlanner, call
from tests.hardening.conftest import agent_on
from whyrec.bench.hardening import TURNS, drive, free_port, run_kill
from whyrec.config import AppConfig
from whyrec.tools.resources import Resources


def test_kill_trials_find_every_acknowledged_write_whole() -> None:
    report = run_kill(trials=2, seed=1)  # `whyrec bench kill` runs 20
    assert report["trials"] == 2 and report["writes_acknowledged"] > 0
    assert report["lost"] == 0 and report["half_written"] == 0
    assert report["writes_stored"] >= report["writes_acknowledged"]


def rule(message: str, profile: Any) -> Plan:
    """Echoes the session's own title back through a real tool, as a recommender would."""
    if message.startswith("tell me about "):
        return Plan("item_info", [call("lookup_item", item=message.removeprefix("tell me about "))])
    return Plan("chitchat", [])


@pytest.fixture()
def api_url(app_config: AppConfig, catalog: Any, tmp_home: Path) -> Iterator[str]:
    from whyrec.ui.server import api_router, make_server

    agent = agent_on(
        app_config, tmp_home, resources=Resources(app_config, catalog=catalog), semantic=ScriptedPlanner(rule)
    )
    app = FastAPI()
    app.include_router(api_router(agent, None))
    port = free_port()
    server = make_server(app, "127.0.0.1", port)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


TITLES = ["Jumanji", "Toy Story", "Fargo"]  # none in the fixed help text (which names Heat)


def test_the_load_driver_reports_latency_and_no_leaks(api_url: str) -> None:
    turns = TURNS.index("tell me about {title}") + 1
    report = drive(api_url, TITLES, turns=turns, deadline_s=120, request_timeout_s=30)
    assert report["requests"] == len(TITLES) * turns and report["errors"] == 0
    assert report["p50_ms"] is not None and report["p95_ms"] >= report["p50_ms"]
    assert report["cross_session_leaks"] == []


def test_the_load_driver_catches_a_title_in_another_session(api_url: str) -> None:
    turns = TURNS.index("tell me about {title}") + 1
    report = drive(api_url, ["Fargo", "Fargo (1996)"], turns=turns, deadline_s=120, request_timeout_s=30)
    found = {(x["title"], x["of_session"], x["seen_in_session"]) for x in report["cross_session_leaks"]}
    assert found == {("Fargo", 0, 1), ("Fargo (1996)", 1, 0)}  # each reply names the other's title


def test_the_load_driver_stops_at_its_deadline(api_url: str) -> None:
    report = drive(api_url, TITLES, turns=5, deadline_s=0.0, request_timeout_s=30)
    assert report["requests"] == 0 and report["skipped_at_deadline"] == 15
