"""The embedded model for real: whyrec starts the llama.cpp server, plans turns with it, and survives its death.

These run the prepared Qwen2.5-Coder-1.5B GGUF on the CPU (`make test` prepares it), so they are
few and check behaviour, not accuracy: accuracy and speed are `whyrec bench agent --planner llm`.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from whyrec.agent.llm.server import LlamaServer, LLMServerError, healthy, vllm_command
from whyrec.agent.llm.weights import is_verified, model_path
from whyrec.agent.runtime import Agent
from whyrec.agent.sessions import SessionStore
from whyrec.config import AppConfig

MATRIX = 2571


def test_a_server_that_cannot_start_says_why(tmp_path: Path) -> None:
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"not a model")
    start = time.perf_counter()
    with pytest.raises(LLMServerError, match="exited with code"):
        LlamaServer(broken, alias="x", startup_timeout_s=60).start()
    assert time.perf_counter() - start < 60
    with pytest.raises(LLMServerError, match="run `whyrec prepare`"):
        LlamaServer(tmp_path / "missing.gguf", alias="x")


def test_vllm_missing_is_a_clear_error() -> None:
    with pytest.raises(
        LLMServerError,
        match=r"vllm serve Qwen/Qwen2.5-7B-Instruct .*--enable-auto-tool-choice --tool-call-parser hermes",
    ):
        vllm_command("Qwen/Qwen2.5-7B-Instruct", "127.0.0.1", 8000)


@pytest.fixture(scope="module")
def embedded(app_config: AppConfig, resources: Any, semantic_planner: Any, tmp_path_factory: Any) -> Iterator[Agent]:
    """One agent planning with the embedded model, shared by the real turns below (it takes ~30 s to warm)."""
    if not is_verified(model_path(app_config.home_dir)):
        pytest.skip("the embedded model is not prepared (run `whyrec prepare`, as `make test` does)")
    config = app_config.model_copy(
        update={"agent": app_config.agent.model_copy(update={"planner": "llm"}), "llm": app_config.llm.model_copy(
            update={"backend": "embedded", "timeout_s": 60.0, "queue_wait_s": 60.0}
        )}
    )  # fmt: skip
    store = SessionStore.under(tmp_path_factory.mktemp("sessions"))
    agent = Agent(config, resources=resources, semantic=semantic_planner, store=store)
    try:
        assert agent.backend is not None and agent.backend.wait_ready(config.llm.startup_timeout_s)
        yield agent
    finally:
        agent.close()


def test_the_model_plans_a_turn_and_its_call_reaches_the_tool(embedded: Agent) -> None:
    result = embedded.turn("tell me about The Matrix", session_id="real-1")
    assert result.planner == "llm", result.notes
    assert result.tool_calls[0] == {"name": "lookup_item", "args": {"item": MATRIX}}
    assert "The Matrix (1999)" in result.reply


def test_a_request_with_constraints_is_honoured(embedded: Agent) -> None:
    catalog = embedded.resources.catalog
    result = embedded.turn("something like heat but newer, no horror", session_id="real-2")
    assert result.planner == "llm" and result.tool_calls[0]["name"] == "recommend"
    assert result.items
    for item in result.items:
        film = catalog.item(item["item_id"])
        assert (film.year or 0) >= 1996 and "Horror" not in film.genres


def test_killing_the_server_mid_session_is_answered_by_the_fallback(embedded: Agent) -> None:
    assert embedded.backend is not None and embedded.backend.server is not None
    url = embedded.backend.server.base_url
    embedded.backend.server.stop()  # as if the process died
    assert not healthy(url)
    start = time.perf_counter()
    result = embedded.turn("tell me about The Matrix", session_id="real-3")
    assert time.perf_counter() - start < embedded.config.llm.queue_wait_s
    assert result.planner == "semantic" and "The Matrix (1999)" in result.reply
    assert any("language model" in n for n in result.notes)
    assert embedded.backend.wait_ready(embedded.config.llm.startup_timeout_s)  # started again in the background
    assert embedded.turn("tell me about The Matrix", session_id="real-4").planner == "llm"
