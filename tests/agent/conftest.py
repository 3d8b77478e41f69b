from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.agent.fakes import MATRIX, Plan, ScriptedPlanner, call
from whyrec.agent.config import AgentConfig, LLMConfig
from whyrec.agent.runtime import Agent
from whyrec.config import AppConfig
from whyrec.tools.resources import Resources


def default_rule(message: str, profile: Any) -> Plan:
    """A tiny planner for flows: feedback, lookups, and an attempt to act for another user."""
    if message.startswith("like "):
        return Plan("feedback", [call("record_feedback", item=int(message.split()[1]), liked=True)])
    if message.startswith("dislike "):
        return Plan("feedback", [call("record_feedback", item=int(message.split()[1]), liked=False)])
    if message.startswith("about "):
        return Plan("item_info", [call("lookup_item", item=message[6:])])
    if message.startswith("as user "):
        return Plan("feedback", [call("record_feedback", item=MATRIX, liked=False, user_id=int(message.split()[2]))])
    return Plan("chitchat", [])


@pytest.fixture(scope="session")
def resources(app_config: AppConfig, catalog: Any) -> Resources:
    """The real artifacts, with the title linker the agent uses (the deterministic planner's lexicon)."""
    from whyrec.agent.semantic import lexicon
    from whyrec.catalog.linker import TitleLinker

    linker = TitleLinker(catalog, plain=lexicon.PLAIN_WORDS, phrases=lexicon.PLAIN_PHRASES)
    return Resources(app_config, catalog=catalog, linker=linker)


@pytest.fixture(scope="session")
def semantic_planner(resources: Resources) -> Any:
    """The real deterministic planner (grounding reads the message with it)."""
    from whyrec.agent.runtime import load_semantic_planner

    return load_semantic_planner(resources)


@pytest.fixture()
def make_agent(app_config: AppConfig, resources: Resources, tmp_home: Path) -> Callable[..., Agent]:
    """An agent over the shared resources; ``rule`` scripts the deterministic planner, ``semantic`` replaces it."""

    def make(
        rule: Callable[..., Plan] = default_rule,
        *,
        llm: dict[str, Any] | None = None,
        planner: str = "semantic",
        agent: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> Agent:
        settings = AgentConfig(planner=planner, **(agent or {}))  # type: ignore[arg-type]
        config = app_config.model_copy(update={"home": tmp_home, "llm": LLMConfig(**(llm or {})), "agent": settings})
        kwargs.setdefault("semantic", ScriptedPlanner(rule))
        return Agent(config, resources=resources, **kwargs)

    return make
