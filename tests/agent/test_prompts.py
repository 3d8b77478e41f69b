"""The system prompt's examples teach what the tools accept, in the order the grammar lets the model write.

The embedded model generates a call's arguments under a grammar that follows the tool schema's key
order (:func:`whyrec.agent.llm.chat_format.arguments_grammar`), so an example written in another order
teaches a call the model can never write.
"""

from __future__ import annotations

import json
from typing import Any

from whyrec.agent.llm.chat_format import CLOSE, OPEN
from whyrec.agent.prompts import SYSTEM
from whyrec.tools.registry import TOOLS


def example_calls() -> list[dict[str, Any]]:
    """The calls written between ``<tool_call>`` tags in the system prompt's examples."""
    return [json.loads(part.split(CLOSE)[0]) for part in SYSTEM.split(OPEN)[1:]]


def test_every_example_call_is_valid_and_in_its_tools_key_order() -> None:
    calls = example_calls()
    assert len(calls) >= 8 and any(len(call["arguments"]) > 1 for call in calls)
    for call in calls:
        schema = TOOLS[call["name"]][0]
        schema.model_validate(call["arguments"])
        order = list(schema.model_json_schema()["properties"])
        keys = list(call["arguments"])
        assert keys == sorted(keys, key=order.index), f"{call['name']} example lists {keys}; the grammar writes {order}"
