from __future__ import annotations

from typing import Any

import pytest

from whyrec.config import AppConfig
from whyrec.ranker.config import RankerConfig
from whyrec.ranker.graph import Interactions
from whyrec.ranker.scoring import Ranker
from whyrec.ranker.train import new_model
from whyrec.tools.identity import Identity
from whyrec.tools.resources import Resources


@pytest.fixture(scope="session")
def untrained_ranker(catalog: Any) -> Ranker:
    """A LightGCN with random weights over the real catalog: the tools' plumbing, not its accuracy."""
    graph = Interactions.from_frame(catalog, catalog.split.train)
    return Ranker.from_model(catalog, new_model(graph, RankerConfig(dim=16, layers=2, seed=0)), graph)


@pytest.fixture(scope="session")
def resources(app_config: AppConfig, catalog: Any, untrained_ranker: Ranker) -> Resources:
    return Resources(app_config, catalog=catalog, ranker=untrained_ranker)


@pytest.fixture()
def chat_user() -> Identity:
    return Identity(session_id="t", liked=(2571,), disliked=(1,))
