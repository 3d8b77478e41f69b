"""Shared fixtures of the hardening tests: real resources (prepared artifacts) and agents on scratch homes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from whyrec.agent.config import AgentConfig, LLMConfig
from whyrec.agent.runtime import Agent
from whyrec.agent.state import SessionProfile
from whyrec.config import AppConfig
from whyrec.tools.resources import Resources

# A bystander: a session the attacks and fuzzed inputs must never touch.
BYSTANDER = "bystander"
BYSTANDER_PROFILE = SessionProfile(user_id=5, liked=[1, 260], disliked=[1196], last_items=[2571, 318])


@pytest.fixture(scope="session")
def hardening_resources(app_config: AppConfig, catalog: Any) -> Resources:
    """The prepared catalog, ranker, index and exposure log of WHYREC_HOME, loaded once."""
    return Resources(app_config, catalog=catalog)


@pytest.fixture(scope="module")
def module_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("home")


def agent_on(app_config: AppConfig, home: Path, **kwargs: Any) -> Agent:
    """An agent whose sessions live under ``home`` (the artifacts stay those of its ``resources``)."""
    llm = kwargs.pop("llm", {})
    planner = kwargs.pop("planner", "semantic")
    config = app_config.model_copy(
        update={"home": home, "llm": LLMConfig(**llm), "agent": AgentConfig(planner=planner)}  # type: ignore[arg-type]
    )
    agent = Agent(config, **kwargs)
    agent.store.save(BYSTANDER, BYSTANDER_PROFILE)
    return agent


@pytest.fixture(scope="module")
def make_hardened_agent(
    app_config: AppConfig, hardening_resources: Resources, module_home: Path
) -> Callable[..., Agent]:
    def make(**kwargs: Any) -> Agent:
        return agent_on(app_config, module_home, **{"resources": hardening_resources, **kwargs})

    return make


def assert_bystander_untouched(agent: Agent) -> None:
    """The bystander's profile, feedback and history are exactly as they were."""
    assert agent.profile(BYSTANDER) == BYSTANDER_PROFILE
    assert agent.store.feedback(BYSTANDER) == []
    assert agent.store.history(BYSTANDER) == []


@pytest.fixture(scope="module", autouse=True)
def memoised_effects() -> Iterator[None]:
    """Effect answers computed once per (question, genre, method) in a module.

    A DoWhy estimate with refutations takes seconds; the hardening tests send dozens of effect
    questions whose arguments (what the tool lets through) are what matters, not re-estimating.
    """
    from whyrec.causal import questions

    cache: dict[str, Any] = {}
    real = questions.answer

    def answer(question: str, log: Any, **kwargs: Any) -> Any:
        key = repr((question, sorted(kwargs.items(), key=lambda kv: kv[0])))
        if key not in cache:
            cache[key] = real(question, log, **kwargs)
        return cache[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(questions, "answer", answer)
        yield
