"""The agent's tool list, built from the domain modules that are installed.

A tool whose domain module is absent is left out rather than faked, so the model and the planner
only ever see tools that really work.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from typing import Any

from langchain_core.tools import BaseTool

from whyrec.tools import effects, feedback, interventions, items, recommend
from whyrec.tools.adapter import ToolArgs, make_tool
from whyrec.tools.resources import Resources

# name -> (argument schema, adapter, domain modules it needs)
TOOLS: dict[str, tuple[type[ToolArgs], Callable[..., Any], tuple[str, ...]]] = {
    "search_items": (items.SearchArgs, items.search_items, ("whyrec.catalog.index",)),
    "recommend": (recommend.RecommendArgs, recommend.recommend, ("whyrec.catalog.index", "whyrec.ranker.hybrid")),
    "explain_recommendation": (
        interventions.ExplainArgs,
        interventions.explain_recommendation,
        ("whyrec.catalog.index", "whyrec.ranker.hybrid", "whyrec.causal.removal_search"),
    ),
    "simulate_intervention": (
        interventions.WhatIfArgs,
        interventions.simulate_intervention,
        ("whyrec.causal.whatif",),
    ),
    "estimate_effect": (effects.EffectArgs, effects.estimate_effect, ("whyrec.causal.questions",)),
    "lookup_item": (items.LookupArgs, items.lookup_item, ()),
    "record_feedback": (feedback.FeedbackArgs, feedback.record_feedback, ()),
}


def available(name: str) -> bool:
    """Whether every domain module the tool needs is importable."""
    return all(importlib.util.find_spec(module) is not None for module in TOOLS[name][2])


def build_tools(resources: Resources, names: list[str] | None = None) -> list[BaseTool]:
    """The tools (all available ones by default) bound to ``resources``."""
    wanted = names if names is not None else [n for n in TOOLS if available(n)]
    return [make_tool(name, TOOLS[name][0], TOOLS[name][1], resources) for name in wanted]
