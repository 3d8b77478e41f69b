"""The llama.cpp chat handler: Qwen's prompt format, the grammar from the tool schemas, and its decisions.

The handler is driven here by a scripted stand-in for ``llama_cpp.Llama``; real generation is
covered in ``test_server.py``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from llama_cpp import LlamaGrammar

from whyrec.agent.llm.chat_format import (
    CLOSE,
    OPEN,
    _grammar,
    calls_grammar,
    parse_calls,
    prompt_schema,
    qwen_tool_calls,
    render_prompt,
)

LOOKUP = {
    "type": "function",
    "function": {
        "name": "lookup_item",
        "description": "Facts about one film.",
        "parameters": {
            "type": "object",
            "properties": {
                "item": {"type": "string", "maxLength": 120, "description": "the film"},
                "k": {"anyOf": [{"type": "integer", "maximum": 50}, {"type": "null"}], "default": None},
            },
            "required": ["item"],
        },
    },
}


def test_the_prompt_is_qwens_format_with_the_schemas_in_their_own_order() -> None:
    messages = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "about heat"},
        {
            "role": "assistant",
            "content": "",
            "tool_calls": [{"function": {"name": "lookup_item", "arguments": '{"item": "Heat"}'}}],
        },
        {"role": "tool", "tool_call_id": "1", "content": "Heat (1995): Action."},
    ]
    prompt = render_prompt(messages, [LOOKUP])
    assert prompt.startswith("<|im_start|>system\nBe brief.\n\n# Tools")
    assert '"properties": {"item": {"type": "string", "description": "the film"}, "k": {"type": "integer"}}' in prompt
    assert (
        f'<|im_start|>assistant\n{OPEN}\n{{"name": "lookup_item", "arguments": {{"item": "Heat"}}}}\n{CLOSE}' in prompt
    )
    assert "<|im_start|>user\n<tool_response>\nHeat (1995): Action.\n</tool_response><|im_end|>" in prompt
    assert prompt.endswith("<|im_start|>assistant\n")


def test_the_model_reads_no_bounds_but_the_grammar_keeps_them() -> None:
    shown = prompt_schema(LOOKUP["function"]["parameters"])
    assert shown["properties"]["k"] == {"type": "integer"}
    grammar = calls_grammar([LOOKUP])
    LlamaGrammar.from_string(grammar, verbose=False)  # valid GBNF
    rules = dict(line.split(" ::= ", 1) for line in grammar.splitlines() if " ::= " in line)
    assert rules["call-0-name"] == '"\\"lookup_item\\""'  # only a real tool's name
    assert rules["call-0-arguments-item"].count("char") == 120  # maxLength: a runaway title is cut short


def test_calls_are_read_between_the_grammars_own_tags() -> None:
    calls = parse_calls('\n{"name": "lookup_item", "arguments": {"item": "Heat (1995)"}}\n</tool_call>')
    assert [c["function"]["name"] for c in calls] == ["lookup_item"]
    assert json.loads(calls[0]["function"]["arguments"]) == {"item": "Heat (1995)"}
    two = parse_calls('{"name": "a", "arguments": {}}\n</tool_call>\n<tool_call>\n{"name": "b", "arguments": {"x": 1}}')
    assert [c["function"]["name"] for c in two] == ["a", "b"] and two[0]["id"] != two[1]["id"]


class ScriptedLlama:
    """Answers ``create_completion`` from a script and records each prompt and grammar it was given."""

    model_path = "model.gguf"

    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)
        self.seen: list[dict[str, Any]] = []

    def tokenize(self, text: bytes, special: bool = False) -> list[int]:
        return list(range(len(text.split())))

    def create_completion(self, prompt: str, **options: Any) -> Any:
        self.seen.append({"prompt": prompt, **options})
        answer = self.answers.pop(0)
        if options.get("stream"):
            return iter([{"choices": [{"text": word, "finish_reason": None}]} for word in answer.split("|")])
        return {"choices": [{"text": answer, "finish_reason": "stop"}], "usage": {"completion_tokens": 3}}


def test_a_first_token_starting_a_call_gets_a_grammar_constrained_call() -> None:
    llama = ScriptedLlama("<", '\n{"name": "lookup_item", "arguments": {"item": "Heat"}}\n</tool_call>')
    answer = qwen_tool_calls(llama=llama, messages=[{"role": "user", "content": "about heat"}], tools=[LOOKUP])  # type: ignore[arg-type]
    assert isinstance(answer, dict)
    (call,) = answer["choices"][0]["message"]["tool_calls"]
    assert call["function"]["name"] == "lookup_item" and answer["choices"][0]["finish_reason"] == "tool_calls"
    decide, generate = llama.seen
    assert decide["max_tokens"] == 1 and decide["grammar"] is not None
    assert generate["prompt"].endswith(OPEN) and generate["repeat_penalty"] == 1.0


def test_a_request_stopping_at_the_calls_closing_tag_gets_a_grammar_of_one_call() -> None:
    assert ' ("\\n</tool_call>\\n<tool_call>\\n" call){0,1}' in calls_grammar([LOOKUP])
    assert "call){0" not in calls_grammar([LOOKUP], max_calls=1)
    call = '\n{"name": "lookup_item", "arguments": {"item": "Heat"}}\n</tool_call>'
    for stop, calls in ((None, 2), ([CLOSE], 1), (CLOSE, 1), (["\n\n"], 2)):
        llama = ScriptedLlama("<", call)
        qwen_tool_calls(llama=llama, messages=[{"role": "user", "content": "heat"}], tools=[LOOKUP], stop=stop)  # type: ignore[arg-type]
        assert llama.seen[1]["grammar"] is _grammar("calls", json.dumps([LOOKUP]), calls), stop


def test_a_first_token_starting_a_sentence_streams_the_answer() -> None:
    llama = ScriptedLlama("Hello", " there|, how|can I help?")
    chunks = qwen_tool_calls(
        llama=llama,
        messages=[{"role": "user", "content": "hi"}],
        tools=[LOOKUP],
        stream=True,
        max_tokens=20,  # type: ignore[arg-type]
    )
    assert isinstance(chunks, Iterator)
    text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks)
    assert text == "Hello there, howcan I help?"
    answer = llama.seen[1]
    assert answer["prompt"].endswith("Hello") and answer["max_tokens"] == 19 and answer["repeat_penalty"] == 1.1


def test_without_tools_it_only_writes() -> None:
    llama = ScriptedLlama("Just text.")
    answer = qwen_tool_calls(
        llama=llama, messages=[{"role": "user", "content": "hi"}], tools=[LOOKUP], tool_choice="none"
    )  # type: ignore[arg-type]
    assert isinstance(answer, dict) and answer["choices"][0]["message"]["content"] == "Just text."
    assert len(llama.seen) == 1 and "# Tools" not in llama.seen[0]["prompt"]


def test_the_embedded_backend_asks_for_one_call_with_this_handlers_closing_tag() -> None:
    from whyrec.agent.llm.backend import ONE_CALL_EMBEDDED

    assert ONE_CALL_EMBEDDED["stop"] == [CLOSE]
