"""The llama.cpp chat handler for Qwen2.5 tool calling: the model's own format, constrained by a grammar.

Qwen2.5 instruct models were trained to read tool schemas inside ``<tools>`` in the system message
and to answer with ``<tool_call>{"name": ..., "arguments": ...}</tool_call>``. A 1.5B model left
free often writes the call as fenced JSON text instead, so this handler decides in two steps:

1. One token, under a grammar that allows only ``<tool_call>`` or the start of a sentence: the
   model chooses between calling and answering, nothing else.
2. For a call, the fixed parts of Qwen's format are given, never generated: each costs a full
   decoding step on a CPU (about 0.12 s), and a call has about a dozen of them (``\n{"name": "``,
   ``", "arguments":``, ``}}``, the closing tag). The model chooses the tool's name one token at a
   time until only one name fits, then writes the arguments under a GBNF grammar built from that
   tool's JSON schema, so every call names a real tool and its arguments fit the schema; arrays and
   strings have ``maxItems`` / ``maxLength``, so a looping model is cut short. Generation stops at
   the ``}}`` that closes the arguments and the call, before that token is decoded, and the
   arguments are read with ``json.loads``. For an answer, tokens stream as they come, with a repeat
   penalty and a token cap.

A request whose ``stop`` holds ``</tool_call>`` asks, as on any server writing this format, for the
generation to end with the first call: no second one is offered, so the model spends no
tokens on a second call the client would not run (the client's way of saying "one call", since the
stock server does not pass ``parallel_tool_calls`` on to a handler).

A tool's parameters may carry :data:`GRAMMAR_KEY`, the schema this answer's grammar is built from
(``false``: the tool cannot be called now): the client's way of narrowing a call to what it will
keep (:mod:`whyrec.agent.narrowing`). It is never shown to the model, so the prompt, and the
server's cache of it, stay the same.

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

from whyrec.agent.llm import GRAMMAR_KEY

HANDLER = "whyrec-qwen-tools"
OPEN, CLOSE = "<tool_call>", "</tool_call>"
CALL_HEAD = '\n{"name": "'  # every call begins so (after the opening tag): given, not generated
ARGS_HEAD = '", "arguments":'  # between the name and the arguments, also given
CALL_END = "}}"  # closes the arguments and the call: generation stops on it, undecoded
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


PROMPT_OMITS = ("default", "maxLength", "maxItems", "minimum", "maximum", "title", GRAMMAR_KEY)


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


def grammar_schema(tool: dict[str, Any]) -> Any:
    """The schema a tool's arguments are generated under: its parameters, or the narrowing the client sent."""
    parameters = tool["function"]["parameters"]
    return parameters.get(GRAMMAR_KEY, parameters)


@lru_cache(maxsize=64)
def _grammar(kind: str, spec: str) -> LlamaGrammar:
    """A compiled grammar, cached: ``decide``, ``name`` (``spec``: the names left, JSON) or ``arguments``."""
    if kind == "decide":
        return LlamaGrammar.from_string(DECIDE_GRAMMAR, verbose=False)
    if kind == "name":
        return LlamaGrammar.from_string(names_grammar(json.loads(spec)), verbose=False)
    return LlamaGrammar.from_string(arguments_grammar(json.loads(spec)), verbose=False)


def names_grammar(names: list[str]) -> str:
    """GBNF for exactly one of ``names`` (the rest of a tool's name, once its first tokens are known)."""
    return "root ::= " + " | ".join(f'"{_escape(n)}"' for n in names) + "\n"


def arguments_grammar(parameters: dict[str, Any]) -> str:
    """GBNF for `` {arguments}}``: a tool's arguments that fit its JSON schema, then the call's own ``}``.

    The leading space and the double brace are how Qwen's tokenizer writes them (`` {"`` and ``}}``
    are single tokens), so the model writes the tokens it was trained on.
    """
    converter = SchemaConverter(prop_order={}, allow_fetch=False, dotall=False, raw_pattern=False)
    converter.visit(converter.resolve_refs(parameters, "arguments"), "arguments")
    return converter.format_grammar() + '\nroot ::= " " arguments "}"\n'


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _name(llama: Any, text: str, names: list[str], seed: int | None) -> tuple[str, int]:
    """The tool's name, one token at a time until only one name fits; the rest of it is given."""
    got, tokens = "", 0
    while len(fits := [n for n in names if n.startswith(got)]) > 1 and got not in fits:
        rest = json.dumps(sorted({n[len(got) :] for n in fits}))
        done = llama.create_completion(
            text + got, max_tokens=1, temperature=0.0, grammar=_grammar("name", rest), seed=seed
        )
        piece, tokens = done["choices"][0]["text"], tokens + 1
        if not piece:
            raise ValueError("the model ended a call before naming a tool")
        got += piece
    if not fits:
        raise ValueError(f"no tool is named {got!r}")
    return fits[0] if len(fits) == 1 else got, tokens


def _arguments(llama: Any, text: str, tool: dict[str, Any], seed: int | None) -> tuple[str, int]:
    """The call's arguments as JSON text, generated under the tool's grammar up to the closing ``}}``."""
    done = llama.create_completion(
        text,
        max_tokens=CALL_TOKENS,
        temperature=0.0,
        repeat_penalty=1.0,  # a call copies titles from the message; penalising repeats would alter them
        grammar=_grammar("arguments", json.dumps(grammar_schema(tool))),
        stop=[CALL_END],
        seed=seed,
    )
    choice = done["choices"][0]
    if choice["finish_reason"] == "length":
        raise ValueError(f"a call's arguments ran past {CALL_TOKENS} tokens")
    return choice["text"].strip() + "}", int(done["usage"]["completion_tokens"])


def generate_calls(
    llama: Any, prompt: str, tools: list[dict[str, Any]], max_calls: int, seed: int | None = None
) -> tuple[list[dict[str, Any]], int]:
    """Up to ``max_calls`` calls after ``prompt``, as OpenAI ``tool_calls``, and the tokens generated.

    Calls are separated by a newline, and in the prompt's examples every closing tag is followed by
    one (before the next call or the next example), so the newline is given and the token after it
    decides: ``<tool_call>`` starts another call, anything else (the end of the answer) does not.
    """
    by_name = {t["function"]["name"]: t for t in tools}
    text, tokens = prompt + OPEN, 0
    calls: list[dict[str, Any]] = []
    while True:
        text += CALL_HEAD
        name, n = _name(llama, text, list(by_name), seed)
        text += name + ARGS_HEAD
        arguments, m = _arguments(llama, text, by_name[name], seed)
        text += f" {arguments}}}\n{CLOSE}"
        tokens += n + m
        calls.append(_tool_call(len(calls), name, json.loads(arguments)))
        if len(calls) >= max_calls:
            return calls, tokens
        text += "\n"
        after = llama.create_completion(text, max_tokens=1, temperature=0.0, seed=seed)
        tokens += 1
        if not after["choices"][0]["text"].startswith("<"):
            return calls, tokens
        text += OPEN


def _tool_call(n: int, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": f"call_{n}_{uuid.uuid4().hex[:12]}",
        "type": "function",
        "function": {"name": name, "arguments": json.dumps(arguments, ensure_ascii=False)},
    }


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
    tools = [t for t in tools if grammar_schema(t) is not False]  # all are in the prompt; these can be called
    first = ""
    if tools and tool_choice != "required":
        decision = llama.create_completion(
            prompt, max_tokens=1, temperature=0.0, grammar=_grammar("decide", ""), seed=seed
        )
        first = decision["choices"][0]["text"]  # "<" when a call begins
    if tools and (tool_choice == "required" or isinstance(tool_choice, dict) or first.startswith("<")):
        if isinstance(tool_choice, dict):  # one named tool
            tools = [t for t in tools if t["function"]["name"] == tool_choice["function"]["name"]] or tools
        calls, generated = generate_calls(llama, prompt, tools, 1 if CLOSE in stops else MAX_CALLS, seed)
        usage = _usage(n_prompt, generated + 1)
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
