"""The llama.cpp chat handler: Qwen's prompt format, the grammar from the tool schemas, and its decisions.

The handler is driven here by a scripted stand-in for ``llama_cpp.Llama``; real generation is
covered in ``test_server.py``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from llama_cpp import LlamaGrammar

from whyrec.agent.llm import GRAMMAR_KEY
from whyrec.agent.llm.chat_format import (
    ARGS_HEAD,
    CALL_END,
    CALL_HEAD,
    CLOSE,
    OPEN,
    arguments_grammar,
    generate_calls,
    names_grammar,
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
    grammar = arguments_grammar(LOOKUP["function"]["parameters"])
    LlamaGrammar.from_string(grammar, verbose=False)  # valid GBNF
    rules = dict(line.split(" ::= ", 1) for line in grammar.splitlines() if " ::= " in line)
    assert rules["root"] == '" " arguments "}"'  # `` {"`` opens the arguments, ``}}`` closes them and the call
    assert rules["arguments-item"].count("char") == 120  # maxLength: a runaway title is cut short


def test_a_names_grammar_allows_only_the_names_left() -> None:
    grammar = names_grammar(["item", "cast"])
    LlamaGrammar.from_string(grammar, verbose=False)
    assert grammar == 'root ::= "item" | "cast"\n'


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


CAST = {"type": "function", "function": {**LOOKUP["function"], "name": "lookup_cast"}}


def test_a_first_token_starting_a_call_gets_the_fixed_parts_given_and_the_arguments_generated() -> None:
    llama = ScriptedLlama("<", ' {"item": "Heat"', "")  # "" : the answer ends after the call
    answer = qwen_tool_calls(llama=llama, messages=[{"role": "user", "content": "about heat"}], tools=[LOOKUP])  # type: ignore[arg-type]
    assert isinstance(answer, dict)
    (call,) = answer["choices"][0]["message"]["tool_calls"]
    assert call["function"]["name"] == "lookup_item" and answer["choices"][0]["finish_reason"] == "tool_calls"
    assert json.loads(call["function"]["arguments"]) == {"item": "Heat"}
    decide, arguments, after = llama.seen
    assert decide["max_tokens"] == 1 and decide["grammar"] is not None
    assert arguments["prompt"].endswith(f"{OPEN}{CALL_HEAD}lookup_item{ARGS_HEAD}")  # one tool: its name is given
    assert arguments["stop"] == [CALL_END] and arguments["repeat_penalty"] == 1.0
    assert after["prompt"].endswith(f'{ARGS_HEAD} {{"item": "Heat"}}}}\n{CLOSE}\n') and after["max_tokens"] == 1


def test_the_name_is_chosen_token_by_token_until_one_fits_and_a_tag_after_the_newline_starts_another_call() -> None:
    llama = ScriptedLlama("look", "up_cast", ' {"item": "Heat"', OPEN, "look", "up_item", ' {"item": "Heat"')
    calls, tokens = generate_calls(llama, "PROMPT", [LOOKUP, CAST], max_calls=2)
    assert [c["function"]["name"] for c in calls] == ["lookup_cast", "lookup_item"] and calls[0]["id"] != calls[1]["id"]
    first_name, rest = llama.seen[0], llama.seen[1]
    assert first_name["prompt"] == f"PROMPT{OPEN}{CALL_HEAD}" and first_name["max_tokens"] == 1
    assert rest["prompt"].endswith(f"{CALL_HEAD}look")
    assert llama.seen[4]["prompt"].endswith(f"{CLOSE}\n{OPEN}{CALL_HEAD}")
    assert len(llama.seen) == 7 and tokens == 2 + 3 + 1 + 2 + 3  # stops at max_calls: no token after the last


def test_a_request_stopping_at_the_calls_closing_tag_gets_one_call() -> None:
    for stop, seen, calls in ((None, 3, 2), ([CLOSE], 1, 1), (CLOSE, 1, 1), (["\n\n"], 3, 2)):
        llama = ScriptedLlama(' {"item": "Heat"', OPEN, ' {"item": "Fargo"')
        answer = qwen_tool_calls(
            llama=llama,
            messages=[{"role": "user", "content": "heat"}],
            tools=[LOOKUP],
            stop=stop,
            tool_choice="required",
        )  # type: ignore[arg-type]
        assert len(llama.seen) == seen, stop  # a call is required: no decision token; one tool: no name to choose
        assert len(answer["choices"][0]["message"]["tool_calls"]) == calls  # type: ignore[index]


def test_arguments_cut_at_the_token_limit_are_no_call() -> None:
    class Runaway(ScriptedLlama):
        def create_completion(self, prompt: str, **options: Any) -> Any:
            return {"choices": [{"text": ' {"item": "The Hangover Part IV, V, VI', "finish_reason": "length"}]}

    with pytest.raises(ValueError, match="ran past"):
        generate_calls(Runaway(), "PROMPT", [LOOKUP], max_calls=1)


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


def narrowed(tool: dict[str, Any], grammar: Any) -> dict[str, Any]:
    function = tool["function"]
    return {**tool, "function": {**function, "parameters": {**function["parameters"], GRAMMAR_KEY: grammar}}}


def test_a_narrowed_tool_is_read_in_full_but_called_under_its_narrowed_grammar() -> None:
    only_item = {**LOOKUP["function"]["parameters"], "properties": {"item": {"type": "string", "maxLength": 120}}}
    tools = [narrowed(LOOKUP, only_item), narrowed(CAST, False)]  # lookup_cast cannot be called now
    llama = ScriptedLlama(' {"item": "Heat"')
    messages = [{"role": "user", "content": "heat"}]
    answer = qwen_tool_calls(llama=llama, messages=messages, tools=tools, tool_choice="required", stop=[CLOSE])  # type: ignore[arg-type]
    (arguments,) = llama.seen  # one tool left to call: its name is given, not chosen
    assert arguments["prompt"].startswith(render_prompt(messages, [LOOKUP, CAST]))  # the prompt shows both, in full
    assert arguments["prompt"].endswith(f"{CALL_HEAD}lookup_item{ARGS_HEAD}")
    assert arguments["grammar"] is not None and "arguments-k" not in arguments_grammar(only_item)
    (call,) = answer["choices"][0]["message"]["tool_calls"]  # type: ignore[index]
    assert json.loads(call["function"]["arguments"]) == {"item": "Heat"}


def test_with_no_tool_callable_it_only_writes_and_keeps_the_prompt() -> None:
    llama = ScriptedLlama("Done.")
    messages = [{"role": "user", "content": "hi"}]
    answer = qwen_tool_calls(llama=llama, messages=messages, tools=[narrowed(LOOKUP, False)])  # type: ignore[arg-type]
    assert isinstance(answer, dict) and answer["choices"][0]["message"]["content"] == "Done."
    assert llama.seen[0]["prompt"] == render_prompt(messages, [LOOKUP]) and llama.seen[0].get("grammar") is None


def test_the_embedded_backend_asks_for_one_call_with_this_handlers_closing_tag() -> None:
    from whyrec.agent.llm.backend import ONE_CALL_EMBEDDED

    assert ONE_CALL_EMBEDDED["stop"] == [CLOSE]
