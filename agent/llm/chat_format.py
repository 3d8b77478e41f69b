"""The llama.cpp chat handler for Qwen2.5 tool calling: the model's own format, constrained by a grammar.

Qwen2.5 instruct models were trained to read tool schemas inside ``<tools>`` in the system message
and to answer with ``<tool_call>{"name": ..., "arguments": ...}</tool_call>``. A 1.5B model left
free often writes the call as fenced JSON text instead, so this handler decides in two steps:

1. One token, under a grammar that allows only ``<tool_call>`` or the start of a sentence: the
   model chooses between calling and answering, nothing else.
2. For a call, the rest is generated under a GBNF grammar built from the tools' JSON schemas (one
   ``anyOf`` of ``{"name": const, "arguments": schema}``), so every call names a real tool and its
   arguments fit the schema; arrays and strings have ``maxItems`` / ``maxLength``, so a looping
   model is cut short. The text is then read with ``json.loads``, between the grammar's own
   delimiters. For an answer, tokens stream as they come, with a repeat penalty and a token cap.

A request whose ``stop`` holds ``</tool_call>`` asks, as on any server writing this format, for the
generation to end with the first call: the grammar then allows exactly one, so the model spends no
tokens on a second call the client would not run (the client's way of saying "one call", since the
stock server does not pass ``parallel_tool_calls`` on to a handler).

The server returns OpenAI ``tool_calls``, exactly as vLLM's Hermes parser does, so the client is
the same for both. This module runs inside the llama.cpp server process (:mod:`.serve`).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from llama_cpp import LlamaGrammar
from llama_cpp.llama_chat_format import register_chat_completion_handler
from llama_cpp.llama_grammar import SchemaConverter

HANDLER = "whyrec-qwen-tools"
OPEN, CLOSE = "<tool_call>", "</tool_call>"
SEPARATOR = f"\n{CLOSE}\n{OPEN}\n"
MAX_CALLS = 2  # calls in one answer: a request and its follow-up ("... and why is the first one there?")
CALL_TOKENS = 400  # a call's arguments are bounded by the schema; this is a backstop
REPLY_TOKENS = 300  # default cap on a written answer
END = "<|im_end|>"
# the first token of an answer: the start of a call ("<" can only begin "<tool_call>"), or of a sentence
# (never a ``` fence or bare JSON)
DECIDE_GRAMMAR = f'root ::= "{OPEN}" | [A-Za-z0-9"\'(] [^<]*'
TOOLS_PREAMBLE = (
    "\n\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\n"
    "You are provided with function signatures within <tools></tools> XML tags:\n<tools>"
)
TOOLS_INSTRUCTION = (
    "\n</tools>\n\nFor each function call, return a json object with function name and arguments within "
    f'{OPEN}{CLOSE} XML tags:\n{OPEN}\n{{"name": <function-name>, "arguments": <args-json-object>}}\n{CLOSE}'
)


def _call_text(call: dict[str, Any]) -> str:
    function = call.get("function", call)
    arguments = function.get("arguments") or "{}"
    parsed = json.loads(arguments) if isinstance(arguments, str) else arguments
    return f"{OPEN}\n{json.dumps({'name': function['name'], 'arguments': parsed}, ensure_ascii=False)}\n{CLOSE}"


PROMPT_OMITS = ("default", "maxLength", "maxItems", "minimum", "maximum", "title")


def prompt_schema(schema: Any) -> Any:
    """A schema as the model reads it: bounds and defaults left to the grammar, ``X | null`` as ``X``.

    Every token of the tool schemas is read on each cold start, and the bounds only matter to the
    grammar, which enforces them whatever the model reads.
    """
    if isinstance(schema, list):
        return [prompt_schema(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    options = [o for o in schema.get("anyOf", []) if o != {"type": "null"}]
    if "anyOf" in schema and len(options) == 1:
        merged = {**options[0], **{k: v for k, v in schema.items() if k != "anyOf"}}
        return prompt_schema(merged)
    return {k: prompt_schema(v) for k, v in schema.items() if k not in PROMPT_OMITS}


def render_prompt(messages: list[dict[str, Any]], tools: list[dict[str, Any]]) -> str:
    """Qwen2.5's chat format (as its GGUF template writes it), tool schemas in their own key order.

    Keys keep the schema's order (the GGUF template sorts them) because the grammar generates
    arguments in that order: a model reads and writes the same sequence.
    """
    parts: list[str] = []
    system = messages[0]["content"] if messages and messages[0]["role"] == "system" else None
    rest = messages[1:] if system is not None else messages
    if tools:
        schemas = "".join("\n" + json.dumps(prompt_schema(t), ensure_ascii=False) for t in tools)
        parts.append(f"<|im_start|>system\n{system or ''}{TOOLS_PREAMBLE}{schemas}{TOOLS_INSTRUCTION}{END}\n")
    elif system is not None:
        parts.append(f"<|im_start|>system\n{system}{END}\n")
    responses: list[str] = []
    for message in rest:
        role, content = message["role"], message.get("content") or ""
        if role == "tool":
            responses.append(f"<tool_response>\n{content}\n</tool_response>")
            continue
        if responses:
            parts.append("<|im_start|>user\n" + "\n".join(responses) + f"{END}\n")
            responses = []
        if role == "assistant" and message.get("tool_calls"):
            calls = "\n".join(_call_text(c) for c in message["tool_calls"])
            parts.append(f"<|im_start|>assistant\n{content + chr(10) if content else ''}{calls}{END}\n")
        else:
            parts.append(f"<|im_start|>{role}\n{content}{END}\n")
    if responses:
        parts.append("<|im_start|>user\n" + "\n".join(responses) + f"{END}\n")
    return "".join(parts) + "<|im_start|>assistant\n"


@lru_cache(maxsize=16)
def _grammar(kind: str, tools_json: str, max_calls: int = MAX_CALLS) -> LlamaGrammar:
    if kind == "decide":
        return LlamaGrammar.from_string(DECIDE_GRAMMAR, verbose=False)
    return LlamaGrammar.from_string(calls_grammar(json.loads(tools_json), max_calls), verbose=False)


def calls_grammar(tools: list[dict[str, Any]], max_calls: int = MAX_CALLS) -> str:
    """GBNF for one to ``max_calls`` calls after an opening ``<tool_call>``: each a tool name and arguments that fit."""
    schema = {
        "anyOf": [
            {
                "type": "object",
                "properties": {"name": {"const": t["function"]["name"]}, "arguments": t["function"]["parameters"]},
                "required": ["name", "arguments"],
                "additionalProperties": False,
            }
            for t in tools
        ]
    }
    converter = SchemaConverter(
        prop_order={"name": 0, "arguments": 1}, allow_fetch=False, dotall=False, raw_pattern=False
    )
    converter.visit(converter.resolve_refs(schema, "tools"), "call")
    more = f' ("{_escape(SEPARATOR)}" call){{0,{max_calls - 1}}}' if max_calls > 1 else ""
    return converter.format_grammar() + f'\nroot ::= "\\n" call{more} "\\n{CLOSE}"\n'


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def parse_calls(text: str) -> list[dict[str, Any]]:
    """The calls in grammar-constrained text as OpenAI ``tool_calls``: JSON objects between the grammar's tags."""
    decoder, pos = json.JSONDecoder(), 0
    calls: list[dict[str, Any]] = []
    text = text.strip()
    while pos < len(text):
        call, pos = decoder.raw_decode(text, pos)
        calls.append(
            {
                "id": f"call_{len(calls)}_{uuid.uuid4().hex[:12]}",
                "type": "function",
                "function": {"name": call["name"], "arguments": json.dumps(call["arguments"], ensure_ascii=False)},
            }
        )
        while pos < len(text) and text[pos].isspace():
            pos += 1
        for tag in (CLOSE, OPEN):  # the grammar puts exactly these between and after calls
            pos = pos + len(tag) if text.startswith(tag, pos) else pos
            while pos < len(text) and text[pos].isspace():
                pos += 1
    return calls


def _chunk(base: dict[str, Any], delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
    return {
        **base,
        "object": "chat.completion.chunk",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def _response(base: dict[str, Any], message: dict[str, Any], finish: str, usage: dict[str, int]) -> dict[str, Any]:
    choice = {"index": 0, "message": message, "finish_reason": finish, "logprobs": None}
    return {**base, "object": "chat.completion", "choices": [choice], "usage": usage}


def _usage(prompt: int, completion: int) -> dict[str, int]:
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


@register_chat_completion_handler(HANDLER)
def qwen_tool_calls(
    *,
    llama: Any,  # llama_cpp.Llama; its TypedDict results are read as plain dicts here
    messages: list[dict[str, Any]],
    tools: list[dict[str, Any]] | None = None,
    tool_choice: str | dict[str, Any] | None = None,
    stream: bool = False,
    max_tokens: int | None = None,
    repeat_penalty: float = 1.1,
    seed: int | None = None,
    stop: str | list[str] | None = None,
    **_: Any,
) -> dict[str, Any] | Iterator[dict[str, Any]]:
    """One chat completion: ``tool_calls`` (grammar-constrained) or a streamed text answer."""
    tools = list(tools or []) if tool_choice != "none" else []
    stops = [s for s in ([stop] if isinstance(stop, str) else stop or []) if s]
    prompt = render_prompt(messages, tools)
    base = {"id": f"chatcmpl-{uuid.uuid4().hex[:16]}", "created": int(time.time()), "model": llama.model_path}
    n_prompt = len(llama.tokenize(prompt.encode(), special=True))
    first = ""
    if tools and tool_choice != "required":
        decision = llama.create_completion(
            prompt, max_tokens=1, temperature=0.0, grammar=_grammar("decide", ""), seed=seed
        )
        first = decision["choices"][0]["text"]  # "<" when a call begins
    if tools and (tool_choice == "required" or isinstance(tool_choice, dict) or first.startswith("<")):
        done = llama.create_completion(
            prompt + OPEN,
            max_tokens=CALL_TOKENS,
            temperature=0.0,
            repeat_penalty=1.0,  # a call copies titles from the message; penalising repeats would alter them
            grammar=_grammar("calls", json.dumps(tools), 1 if CLOSE in stops else MAX_CALLS),
            seed=seed,
        )
        calls = parse_calls(done["choices"][0]["text"])
        usage = _usage(n_prompt, int(done["usage"]["completion_tokens"]) + 1)
        if not stream:
            return _response(base, {"role": "assistant", "content": None, "tool_calls": calls}, "tool_calls", usage)
        deltas = [{"index": n, **call} for n, call in enumerate(calls)]
        return iter(
            [_chunk(base, {"role": "assistant", "content": None, "tool_calls": deltas}), _chunk(base, {}, "tool_calls")]
        )
    return _answer(
        llama, prompt, first, base, n_prompt, stream,
        max_tokens=max_tokens or REPLY_TOKENS, repeat_penalty=repeat_penalty, stop=stops, seed=seed,
    )  # fmt: skip


def _answer(
    llama: Any,
    prompt: str,
    first: str,
    base: dict[str, Any],
    n_prompt: int,
    stream: bool,
    *,
    max_tokens: int,
    repeat_penalty: float,
    stop: list[str],
    seed: int | None,
) -> dict[str, Any] | Iterator[dict[str, Any]]:
    """The written answer after its first token: a repeat penalty and a token cap guard against runaway text."""
    options = {"temperature": 0.0, "repeat_penalty": repeat_penalty, "stop": [END, OPEN, *stop], "seed": seed}
    budget = max(1, max_tokens - (1 if first else 0))
    if not stream:
        done = llama.create_completion(prompt + first, max_tokens=budget, **options)
        choice = done["choices"][0]
        usage = _usage(n_prompt, int(done["usage"]["completion_tokens"]) + bool(first))
        message = {"role": "assistant", "content": (first + choice["text"]).strip()}
        return _response(base, message, choice["finish_reason"] or "stop", usage)

    def chunks() -> Iterator[dict[str, Any]]:
        yield _chunk(base, {"role": "assistant", "content": first})
        finish = "stop"
        for piece in llama.create_completion(prompt + first, max_tokens=budget, stream=True, **options):
            choice = piece["choices"][0]
            if choice["text"]:
                yield _chunk(base, {"content": choice["text"]})
            finish = choice.get("finish_reason") or finish
        yield _chunk(base, {}, finish)

    return chunks()
