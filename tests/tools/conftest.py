from __future__ import annotations

from typing import Any

import pytest
import torch
from torch_geometric.nn.models import LightGCN

from whyrec.config import AppConfig
from whyrec.ranker.graph import Interactions
from whyrec.ranker.scoring import Ranker
from whyrec.tools.identity import Identity
from whyrec.tools.resources import Resources


@pytest.fixture(scope="session")
def untrained_ranker(catalog: Any) -> Ranker:
    """A LightGCN with random weights over the real catalog: the tools' plumbing, not its accuracy."""
    torch.manual_seed(0)
    graph = Interactions.from_frame(catalog, catalog.split.train)
    return Ranker.from_model(catalog, LightGCN(graph.n_nodes, embedding_dim=16, num_layers=2))


@pytest.fixture(scope="session")
def resources(app_config: AppConfig, catalog: Any, untrained_ranker: Ranker) -> Resources:
    return Resources(app_config, catalog=catalog, ranker=untrained_ranker)


@pytest.fixture()
def chat_user() -> Identity:
    return Identity(session_id="t", liked=(2571,), disliked=(1,))
