"""The embedded llama.cpp server: started by the app, one real tool call over the OpenAI protocol."""

from __future__ import annotations

import time

import pytest
from langchain_core.messages import HumanMessage

from whyrec.agent.llm_server import LlamaServer, LLMServerError, healthy, vllm_command
from whyrec.config import load_config


def test_a_forced_tool_call_through_the_embedded_server() -> None:
    from langchain_openai import ChatOpenAI

    from whyrec.tools.registry import build_tools
    from whyrec.tools.resources import Resources

    (lookup,) = build_tools(Resources(load_config()), ["lookup_item"])
    with LlamaServer(n_ctx=2048, startup_timeout_s=60) as server:
        assert healthy(server.base_url)
        model = ChatOpenAI(base_url=server.base_url, model=server.alias, api_key="none", timeout=60, max_retries=0)  # type: ignore[arg-type]
        bound = model.bind_tools([lookup], tool_choice="lookup_item")
        answer = bound.invoke([HumanMessage("Tell me about the movie The Matrix")], max_tokens=48)
    assert not healthy(server.base_url)  # stopped with the context
    assert len(answer.tool_calls) == 1
    assert answer.tool_calls[0]["name"] == "lookup_item"
    assert set(answer.tool_calls[0]["args"]) <= {"item_id", "title"}


def test_a_server_that_cannot_start_says_why(tmp_path) -> None:  # type: ignore[no-untyped-def]
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"not a model")
    start = time.perf_counter()
    with pytest.raises(LLMServerError, match="exited with code"):
        LlamaServer(broken, startup_timeout_s=30).start()
    assert time.perf_counter() - start < 30


def test_vllm_missing_is_a_clear_error() -> None:
    with pytest.raises(
        LLMServerError,
        match=r"vllm serve Qwen/Qwen2.5-7B-Instruct .*--enable-auto-tool-choice --tool-call-parser hermes",
    ):
        vllm_command("Qwen/Qwen2.5-7B-Instruct", "127.0.0.1", 8000)


def test_the_agent_starts_and_stops_the_embedded_server_when_asked_to_plan_with_it(make_agent) -> None:  # type: ignore[no-untyped-def]
    agent = make_agent(planner="llm", llm={"backend": "embedded", "timeout_s": 4.0})
    try:
        assert agent._server is not None and healthy(agent._server.base_url)
        url = agent._server.base_url
        start = time.perf_counter()
        result = agent.turn("about The Matrix", session_id="s1")
        assert time.perf_counter() - start < 5.0
        assert result.intent == "item_info" and result.reply
    finally:
        agent.close()
    assert not healthy(url)
