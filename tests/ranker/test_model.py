"""The specialised propagation equals PyG's LGConv, in values and in gradients."""

from __future__ import annotations

import numpy as np
import torch
from torch_geometric.nn.models import LightGCN

from tests.ranker.tiny import random_edges
from whyrec.ranker.graph import Interactions
from whyrec.ranker.model import build_lightgcn

torch.set_num_threads(1)


def test_symmetric_propagation_matches_lgconv() -> None:
    edges = np.array(random_edges(6, 9, 3, seed=4)) - 1
    graph = Interactions(6, 9, edges[:, 0], edges[:, 1])
    torch.manual_seed(0)
    ours = build_lightgcn(graph.n_nodes, 5, 3)
    stock = LightGCN(graph.n_nodes, 5, 3)
    stock.load_state_dict(ours.state_dict())
    a, b = ours.get_embedding(graph.adjacency), stock.get_embedding(graph.edge_index)
    torch.testing.assert_close(a, b)
    weights = torch.randn_like(a)
    (a * weights).sum().backward()
    (b * weights).sum().backward()
    torch.testing.assert_close(ours.embedding.weight.grad, stock.embedding.weight.grad)
    assert set(ours.state_dict()) == set(stock.state_dict())
