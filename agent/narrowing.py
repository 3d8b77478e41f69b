"""What the model may write in a call: only the tools and arguments grounding would keep.

Grounding (:mod:`whyrec.agent.grounding`) drops every argument that nothing the person said supports,
whatever its value: a genre never named, a year bound never given, a count never asked for, an
estimator never named; and a call the words do not ask for (a why, what-if or effect without its
cue, a list where the words ask for a look-up: :func:`whyrec.agent.support.asked_for`). A 1.5B model
writes them all the same (the schema's first five genres in its own order, ``"k": 1``, years
1900-2023), at about 60 ms a token on a CPU, and grounding then throws them away.

So before the model writes, a call's grammar is narrowed to what grounding would keep: those tools
and arguments are left out, and a genre enum keeps only the genres named. The narrowed schema
travels inside each tool's parameters under :data:`GRAMMAR_KEY`, which the embedded handler
(:mod:`whyrec.agent.llm.chat_format`) reads for the grammar and leaves out of the prompt, so the
prompt stays the same token for token (the server keeps it evaluated) and the model reads every
tool as always. Grounding still judges the values; what it would have dropped is simply never
written. Servers that build no grammar from our schemas (vLLM, a hosted API) are sent the plain tools.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from whyrec.agent.llm import GRAMMAR_KEY
from whyrec.agent.support import Support, asked_for, genre_named, method_written, year_said
from whyrec.tools.items import MOVIELENS_GENRES

GENRE_KEYS = ("genres_include", "genres_exclude", "genres_any", "genre")


def narrowed_tools(
    tools: Sequence[dict[str, Any]], support: Support, *, follow_on: bool = False
) -> list[dict[str, Any]]:
    """OpenAI tool schemas, each carrying the grammar grounding allows (``False``: not callable now).

    ``follow_on``: the call comes after one already made this turn, so its intent must be asked for too.
    """
    out = []
    for tool in tools:
        function = tool["function"]
        parameters = function["parameters"]
        name = function["name"]
        grammar: dict[str, Any] | bool = False
        if asked_for(name, support, follow_on):
            grammar = _narrowed(parameters, support, support.reader.get(name, {}))
        out.append({**tool, "function": {**function, "parameters": {**parameters, GRAMMAR_KEY: grammar}}})
    return out


def _narrowed(parameters: dict[str, Any], support: Support, reader: dict[str, Any]) -> dict[str, Any]:
    """``parameters`` without the properties grounding would drop whatever their value."""
    named = [g for g in MOVIELENS_GENRES if genre_named(g, support)]
    supported = {
        "year_min": year_said("year_min", support, reader) or bool(support.known_bounds),
        "year_max": year_said("year_max", support, reader) or bool(support.known_bounds),
        "k": support.k is not None,
        "method": method_written(support),
        **{key: bool(named) for key in GENRE_KEYS},
    }
    required = set(parameters.get("required", ()))
    kept = {
        key: _only(schema, named) if key in GENRE_KEYS else schema
        for key, schema in parameters.get("properties", {}).items()
        if key in required or supported.get(key, True)
    }
    return {**parameters, "properties": kept}


def _only(schema: dict[str, Any], values: list[str]) -> dict[str, Any]:
    """``schema`` with each enum cut to ``values`` (in the enum's order) and an array no longer than them."""
    schema = copy.deepcopy(schema)

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            if "enum" in node:
                node["enum"] = [v for v in node["enum"] if v in values]
            if node.get("type") == "array" and "maxItems" in node:
                node["maxItems"] = min(node["maxItems"], len(values))
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(schema)
    return schema
