"""Training PyG's LightGCN with BPR on sampled negatives, Adam and early stopping on valid NDCG@20.

When validation stops improving, training restarts from the best weights with a smaller learning
rate (``lr_decay``, at most ``lr_drops`` times) before it stops: Adam at 1e-2 finds the region fast
but then oscillates around it; the decayed steps settle in (+0.0014 test NDCG@20 over 3 seeds, see
``bench/ranker_tuning.md``).

Positives are not equally sure: a 5-star rating says more than a 4-star one. Each BPR term is
weighted by how far its rating is above ``rating_offset`` (graded confidence in implicit feedback,
as in Hu et al. 2008, https://doi.org/10.1109/ICDM.2008.22). Only the loss changes; the graph
stays unweighted, so a fold-in profile of liked films (which has no ratings) propagates exactly like
a MovieLens user's.

Training is separate from scoring (as in lenskit): this module produces a model, and
:mod:`whyrec.ranker.scoring` only reads it. BPR: Rendle et al. 2009, https://arxiv.org/abs/1205.2618;
LightGCN: He et al. 2020, https://arxiv.org/abs/2002.02126.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
import torch
import torch.nn.functional as F
from rich.progress import Progress
from torch_geometric.nn.models import LightGCN

from whyrec.ranker.config import RankerConfig
from whyrec.ranker.graph import Interactions
from whyrec.ranker.metrics import ranking_metrics, top_k
from whyrec.ranker.model import build_lightgcn


@dataclass
class TrainResult:
    model: LightGCN
    config: RankerConfig
    best_epoch: int
    best_valid_ndcg: float | None
    epochs_run: int
    seconds: float
    history: list[dict[str, float]] = field(default_factory=list)
    schedule: list[float] = field(default_factory=list)  # the learning rate of each epoch behind the kept weights


def new_model(graph: Interactions, config: RankerConfig) -> LightGCN:
    """A seeded LightGCN over the graph's users, items and the guest node (whose layer-0 row is zero).

    With ``users="propagated"`` every user's layer-0 row is zero too, and stays zero (its gradient is
    masked): a user's representation is then only the propagation of their items, as a fold-in
    profile's is, so every score is a function of the user's own history (and of the graph).
    """
    torch.manual_seed(config.seed)
    model = build_lightgcn(graph.n_nodes, config.dim, config.layers)
    zero = torch.zeros(graph.n_nodes, 1, dtype=torch.bool)
    zero[graph.guest] = True
    if config.users == "propagated":
        zero[: graph.n_users] = True
    with torch.no_grad():
        model.embedding.weight[zero[:, 0]] = 0.0
    model.embedding.weight.register_hook(lambda grad: grad.masked_fill(zero, 0.0))
    return model


def sample_negatives(graph: Interactions, users: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Uniform item positions, redrawn where they hit one of the user's training items.

    Redrawing stops after 50 rounds, so a user who has every item cannot loop forever."""
    known = np.sort(graph.users * graph.n_items + graph.items)
    neg = rng.integers(0, graph.n_items, size=len(users))
    for _ in range(50):
        keys = users * graph.n_items + neg
        pos = np.minimum(np.searchsorted(known, keys), len(known) - 1)
        clash = known[pos] == keys
        if not clash.any():
            break
        neg[clash] = rng.integers(0, graph.n_items, size=int(clash.sum()))
    return neg


def hardest(emb: torch.Tensor, users: torch.Tensor, candidates: torch.Tensor) -> torch.Tensor:
    """Each user's highest-scoring candidate negative (dynamic negative sampling, Zhang et al. 2013,
    https://doi.org/10.1145/2484028.2484126); with one candidate this is uniform sampling."""
    if candidates.shape[1] == 1:
        return candidates[:, 0]
    with torch.no_grad():
        scores = (emb[users][:, None, :] * emb[candidates]).sum(-1)
    return candidates[torch.arange(len(users)), scores.argmax(dim=1)]


def rating_weights(graph: Interactions, config: RankerConfig) -> np.ndarray | None:
    """Each edge's BPR weight, ``rating - rating_offset`` rescaled to mean 1 (so the loss keeps its
    scale and the learning rate its meaning); None when weighting is off or the graph has no ratings."""
    if not config.rating_weights or graph.ratings is None or len(graph) == 0:
        return None
    strength = graph.ratings.astype(np.float64) - config.rating_offset
    if strength.min() <= 0:
        raise ValueError(
            f"ranker.rating_offset ({config.rating_offset}) must be below every training rating "
            f"(the lowest is {graph.ratings.min()})"
        )
    return (strength / strength.mean()).astype(np.float32)


def bpr_loss(
    model: LightGCN,
    pos_rank: torch.Tensor,
    neg_rank: torch.Tensor,
    node_id: torch.Tensor,
    lambda_reg: float,
    weight: torch.Tensor | None = None,
) -> torch.Tensor:
    """PyG's ``recommendation_loss`` (mean BPR plus L2 of the layer-0 rows of ``node_id`` per triple),
    with an optional weight per BPR term. PyG's ``BPRLoss`` takes no weights, so the weighted case
    writes out the same formula; with all weights 1 the two agree (tests/ranker/test_train.py)."""
    if weight is None:
        return model.recommendation_loss(pos_rank, neg_rank, node_id=node_id, lambda_reg=lambda_reg)
    l2 = model.embedding.weight[node_id].norm(p=2).pow(2)
    return -(weight * F.logsigmoid(pos_rank - neg_rank)).mean() + lambda_reg * l2 / pos_rank.size(0)


def score_all(model: LightGCN, graph: Interactions) -> np.ndarray:
    """[users, items] scores from the propagated embeddings of the training graph."""
    with torch.no_grad():
        emb = model.get_embedding(graph.adjacency)
    return (emb[: graph.n_users] @ emb[graph.n_users : graph.guest].T).numpy()


def validation_ndcg(model: LightGCN, graph: Interactions, valid: sp.csr_matrix) -> float:
    top = top_k(score_all(model, graph), graph.matrix, 20)
    popularity = np.bincount(graph.items, minlength=graph.n_items)
    return ranking_metrics(top, valid, popularity)["ndcg@20"]


def train_lightgcn(
    graph: Interactions,
    config: RankerConfig,
    *,
    valid: sp.csr_matrix | None = None,
    schedule: list[float] | None = None,
    progress: Progress | None = None,
    description: str = "training LightGCN",
) -> TrainResult:
    """Train on ``graph``'s edges; with ``valid`` keep the epoch with the best NDCG@20, decay the learning
    rate when it stalls and stop early. ``schedule`` (a validated run's ``schedule``) replays that run's
    epochs and learning rates instead, with no validation: how the served model learns every positive."""
    start = time.perf_counter()
    model = new_model(graph, config)
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    epochs = len(schedule) if schedule is not None else config.epochs
    path: list[float] = []  # learning rates of the epochs that made the current weights
    best_path: list[float] = []
    rng = np.random.default_rng(config.seed)
    adjacency = graph.adjacency
    weights = rating_weights(graph, config)
    task: Any = progress.add_task(description, total=epochs, info="") if progress else None
    best: tuple[float, int, dict[str, torch.Tensor]] | None = None
    history: list[dict[str, float]] = []
    stale, epoch, drops = 0, 0, 0
    for epoch in range(1, epochs + 1):
        if schedule is not None:
            for group in optimizer.param_groups:
                group["lr"] = schedule[epoch - 1]
        model.train()
        order = rng.permutation(len(graph))
        users, items = graph.users[order], graph.items[order]
        confidence = None if weights is None else torch.as_tensor(weights[order])
        candidates = sample_negatives(graph, np.repeat(users, config.negatives), rng).reshape(len(users), -1)
        total = 0.0
        for lo in range(0, len(users), config.batch_size):
            u = torch.as_tensor(users[lo : lo + config.batch_size])
            i = torch.as_tensor(items[lo : lo + config.batch_size] + graph.n_users)
            emb = model.get_embedding(adjacency)
            j = hardest(emb, u, torch.as_tensor(candidates[lo : lo + config.batch_size] + graph.n_users))
            pos_rank = (emb[u] * emb[i]).sum(-1)
            neg_rank = (emb[u] * emb[j]).sum(-1)
            w = None if confidence is None else confidence[lo : lo + config.batch_size]
            loss = bpr_loss(model, pos_rank, neg_rank, torch.cat([u, i, j]), config.reg, w)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += float(loss.detach()) * len(u)
        row: dict[str, float] = {"epoch": epoch, "loss": total / len(users), "lr": optimizer.param_groups[0]["lr"]}
        path.append(row["lr"])
        info = f"loss {row['loss']:.4f}  lr {row['lr']:.0e}"
        if valid is not None and (epoch % config.eval_every == 0 or epoch == epochs):
            model.eval()
            row["valid_ndcg@20"] = ndcg = validation_ndcg(model, graph, valid)
            if best is None or ndcg > best[0]:
                best, stale = (ndcg, epoch, copy.deepcopy(model.state_dict())), 0
                best_path = list(path)
            else:
                stale += 1
            info += f"  valid ndcg@20 {ndcg:.4f} (best {best[0]:.4f} @ {best[1]})"
        history.append(row)
        if task is not None and progress is not None:
            progress.update(task, completed=epoch, info=info)
        if best is not None and stale >= config.patience:
            if drops == config.lr_drops:
                break
            model.load_state_dict(best[2])  # restart from the best weights with smaller steps
            path = list(best_path)
            for group in optimizer.param_groups:
                group["lr"] *= config.lr_decay
            stale, drops = 0, drops + 1
    if best is not None:
        model.load_state_dict(best[2])
    model.eval()
    return TrainResult(
        model=model,
        config=config,
        best_epoch=best[1] if best else epoch,
        best_valid_ndcg=best[0] if best else None,
        epochs_run=epoch,
        seconds=time.perf_counter() - start,
        history=history,
        schedule=best_path if best is not None else path,
    )
