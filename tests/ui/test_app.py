"""The page's handlers and the JSON API over the scripted agent: streaming, panel updates, feedback, errors, auth."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import gradio as gr
import pandas as pd
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tests.ui.fake_agent import DAG, USERS, FakeAgent
from whyrec.config import load_config
from whyrec.errors import WhyrecError
from whyrec.ui import render
from whyrec.ui.app import ChatUI, build_ui
from whyrec.ui.commands import planner_status
from whyrec.ui.server import build_server_app, parse_auth


@pytest.fixture()
def ui() -> ChatUI:
    agent = FakeAgent()
    return ChatUI(agent, agent.items, USERS, lambda: DAG, "status")


def turn(ui: ChatUI, message: str, session: str = "s1") -> list[tuple[Any, ...]]:
    return list(ui.chat(message, [], session))


def test_a_turn_streams_the_step_pending_then_done_then_the_reply_and_cards(ui: ChatUI) -> None:
    updates = turn(ui, "something like Heat")
    first, second, last = (u[0] for u in updates)
    assert [m.metadata["status"] for m in first] == ["pending"]
    assert [m.metadata["status"] for m in second] == ["done"] and len(second) == 1  # replaced, not appended
    assert last[-1].content.startswith("Here are five films for you.") and "*Note:" in last[-1].content
    cards, tabs = updates[-1][1], updates[-1][2]
    assert [c["item_id"] for c in cards] == [1, 6, 260, 296, 318] and cards[0]["genres"]
    assert tabs.selected == "cards"
    assert all(isinstance(v, type(gr.skip())) for v in updates[0][1:])  # the panel waits for the answer


def test_the_models_words_stream_into_the_chat_then_the_reply_takes_their_place(ui: ChatUI) -> None:
    updates = list(ui.chat("hello", [], "s-words"))
    shown = [str(update[0][-1].content) for update in updates]
    assert shown[:4] == ["Reading your message and choosing the tools.", "Hi", "Hi there", "Hi there, friend"]
    assert shown[-1] == "Hi there, friend." and len(updates[-1][0]) == 2  # the planning step and the reply


def test_why_whatif_and_effect_fill_and_select_their_tab(ui: ChatUI) -> None:
    turn(ui, "something like Heat")
    why = turn(ui, "why the first one?")[-1]
    assert why[2].selected == "why" and why[3].visible and why[3].value is not None
    whatif = turn(ui, "what if I watched more comedies?")[-1]
    assert whatif[2].selected == "whatif" and "Pulp Fiction" in whatif[4].value
    effect = turn(ui, "does featuring work?")[-1]
    assert effect[2].selected == "effect" and effect[5].value is not None and effect[6].value is not None


def test_a_crash_becomes_a_friendly_line_never_a_traceback(ui: ChatUI) -> None:
    last = turn(ui, "boom")[-1][0]
    assert last[-1].content == render.FRIENDLY_ERROR
    assert "Traceback" not in last[-1].content and "RuntimeError" not in last[-1].content


def test_thumbs_up_moves_the_item_to_liked_and_the_next_turn_uses_it(ui: ChatUI) -> None:
    ui.agent.update_profile("s1", [], [6])
    summary, liked, disliked = ui.feedback("s1", 6, True)
    assert liked.value == [6] and disliked.value == [] and "Heat (1995)" in summary
    cards = turn(ui, "more please")[-1][1]
    assert 6 not in [c["item_id"] for c in cards]
    assert ui.agent.seen[-1][2].liked == [6]  # type: ignore[attr-defined]
    _, liked, disliked = ui.feedback("s1", 6, False)
    assert liked.value == [] and disliked.value == [6]


def test_switching_user_and_editing_the_profile(ui: ChatUI) -> None:
    summary, _, _ = ui.pick_user("s1", "414")
    assert USERS[414] in summary and ui.agent.profile("s1").user_id == 414
    summary, _, _ = ui.pick_user("s1", "new")
    assert render.NEW_USER in summary and ui.agent.profile("s1").user_id is None
    with pytest.raises(gr.Error):
        ui.pick_user("s1", "99999")
    _, liked, _ = ui.save_profile("s1", [2571], [])
    assert liked.value == [2571] and (ui.label(2571), 2571) in liked.choices


def client(auth: tuple[str, str] | None = None) -> TestClient:
    agent = FakeAgent()
    return TestClient(build_server_app(agent, build_ui(agent, agent.items, USERS, lambda: DAG, "s"), auth))


def test_api_ask_runs_a_turn_and_names_bad_input() -> None:
    api = client()
    body = api.post("/api/ask", json={"session_id": "a", "message": "something like Heat"}).json()
    assert body["intent"] == "recommend" and len(body["items"]) == 5 and body["tool_calls"][0]["name"] == "recommend"
    bad_user = api.post("/api/ask", json={"session_id": "a", "message": "hi", "user_id": 99999})
    assert bad_user.status_code == 400 and "99999" in bad_user.json()["error"]
    crash = api.post("/api/ask", json={"session_id": "a", "message": "boom"})
    assert crash.status_code == 500 and "Traceback" not in crash.text and "RuntimeError" not in crash.text
    assert api.post("/api/ask", json={"message": "no session"}).status_code == 422
    assert api.get("/api/health").json() == {"ok": True, "model": None}  # the fake has no language model


def test_auth_guards_the_api_and_the_page() -> None:
    api = client(("ann", "s3cret"))
    assert api.post("/api/ask", json={"session_id": "a", "message": "x"}).status_code == 401
    assert api.get("/api/health", auth=("ann", "wrong")).status_code == 401
    assert api.get("/api/health", auth=("ann", "s3cret")).status_code == 200
    assert api.get("/config").status_code == 401  # Gradio's own login guards the page's config


def test_parse_auth() -> None:
    assert parse_auth("ann:pa:ss") == ("ann", "pa:ss")
    assert parse_auth(None) is None
    for bad in ("ann", ":x", "ann:"):
        with pytest.raises(WhyrecError, match="user:password"):
            parse_auth(bad)


def test_planner_status_says_when_no_language_model_is_used() -> None:
    config = load_config()
    semantic = config.model_copy(update={"agent": config.agent.model_copy(update={"planner": "semantic"})})
    assert "no language model" in planner_status(semantic)
    llm = config.model_copy(update={"agent": config.agent.model_copy(update={"planner": "llm"})})
    assert "embedded llama.cpp server" in planner_status(llm)
    served = llm.model_copy(update={"llm": config.llm.model_copy(update={"base_url": "http://x/v1"})})
    assert "http://x/v1" in planner_status(served) and "deterministic planner answers" in planner_status(served)
    assert "no language model" in planner_status(llm, has_model=False)  # auto, with no model prepared


def test_the_chat_plans_with_the_measured_default_unless_told(monkeypatch: pytest.MonkeyPatch) -> None:
    from whyrec.ui.commands import CHAT_PLANNER, chat_config

    monkeypatch.delenv("WHYREC_AGENT_PLANNER", raising=False)
    assert chat_config(load_config(), None).agent.planner == CHAT_PLANNER == "auto"
    assert chat_config(load_config(), "auto").agent.planner == "auto"
    monkeypatch.setenv("WHYREC_AGENT_PLANNER", "llm")
    assert chat_config(load_config(), None).agent.planner == "llm"


def test_whyrec_chat_binds_to_loopback_7860_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    from whyrec import cli
    from whyrec.agent import runtime
    from whyrec.ui import server

    class CliAgent(FakeAgent):
        def __init__(self, config: Any) -> None:
            super().__init__()
            ratings = pd.DataFrame({"user_id": [414], "item_id": [6], "rating": [4.0]})
            self.resources = SimpleNamespace(
                catalog=SimpleNamespace(items=self.items, ratings=ratings), exposure_log=SimpleNamespace(dag=DAG)
            )
            self.closed = False

        def warm(self) -> None: ...
        def close(self) -> None: ...

        backend = None

    bound: list[tuple[str, int]] = []
    monkeypatch.setattr(runtime, "Agent", CliAgent)

    def make_server(app: Any, host: str, port: int) -> SimpleNamespace:
        bound.append((host, port))
        return SimpleNamespace(run=lambda: None)

    monkeypatch.setattr(server, "make_server", make_server)
    runner = CliRunner()
    assert runner.invoke(cli.build_app(), ["chat"]).exit_code == 0
    assert runner.invoke(cli.build_app(), ["chat", "--host", "0.0.0.0", "--port", "9000"]).exit_code == 0
    assert bound == [("127.0.0.1", 7860), ("0.0.0.0", 9000)]
    bad = runner.invoke(cli.build_app(), ["chat", "--auth", "nopassword"])
    assert bad.exit_code != 0 and "user:password" in str(bad.exception)
