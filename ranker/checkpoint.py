"""The trained LightGCN under ``WHYREC_HOME/ranker``: weights, config and the catalog it was trained on.

A checkpoint is only valid for the catalog it was trained on (node positions are catalog
positions), so loading it with another catalog is refused with an error saying how to fix it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch_geometric.nn.models import LightGCN

from whyrec.catalog.artifacts import ArtifactStore, fingerprint
from whyrec.catalog.errors import ArtifactError
from whyrec.catalog.model import Catalog
from whyrec.ranker.config import RankerConfig
from whyrec.ranker.model import build_lightgcn

ARTIFACT = "ranker"
WEIGHTS = "lightgcn.pt"
FORMAT = 3  # bump when the checkpoint layout or the graph definition changes (3: served on all positives)


@dataclass(frozen=True)
class Checkpoint:
    model: LightGCN
    config: RankerConfig
    meta: dict[str, Any]


def checkpoint_fingerprint(config: RankerConfig, catalog: Catalog) -> str:
    """Everything the trained weights depend on (thread count does not change the model)."""
    return fingerprint(FORMAT, catalog.fingerprint, config.model_dump(mode="json", exclude={"threads"}))


def save_checkpoint(folder: Path, model: LightGCN, config: RankerConfig, catalog: Catalog, **meta: Any) -> None:
    """Write weights and metadata into ``folder`` (an ``ArtifactStore.building`` scratch folder)."""
    torch.save(model.state_dict(), folder / WEIGHTS)
    info = {
        "config": config.model_dump(mode="json"),
        "catalog_fingerprint": catalog.fingerprint,
        "n_users": catalog.n_users,
        "n_items": catalog.n_items,
        **meta,
    }
    (folder / "meta.json").write_text(json.dumps(info, indent=2, default=str))


def load_checkpoint(home: Path, catalog: Catalog) -> Checkpoint:
    """The checkpoint under ``home``; ArtifactError if it is missing, unreadable or from another catalog."""
    store = ArtifactStore(home)
    folder = store.path(ARTIFACT)
    if store.manifest(ARTIFACT) is None:
        raise ArtifactError(f"no trained ranker in {folder}; run `whyrec prepare` to train it")
    store.verify(ARTIFACT)  # garbled weights can still load, as a silently wrong model
    try:
        meta = json.loads((folder / "meta.json").read_text())
        config = RankerConfig.model_validate(meta["config"])
    except (OSError, ValueError, KeyError) as exc:
        raise ArtifactError(f"the ranker checkpoint in {folder} is unreadable ({exc}); run `whyrec prepare`") from exc
    trained_on = meta.get("catalog_fingerprint")
    if trained_on != catalog.fingerprint or (meta.get("n_users"), meta.get("n_items")) != (
        catalog.n_users,
        catalog.n_items,
    ):
        raise ArtifactError(
            f"the ranker in {folder} was trained on catalog {trained_on} "
            f"({meta.get('n_users')} users, {meta.get('n_items')} items), but the current catalog is "
            f"{catalog.fingerprint} ({catalog.n_users} users, {catalog.n_items} items); "
            "run `whyrec prepare` to retrain it"
        )
    n_nodes = catalog.n_users + catalog.n_items + 1
    model = build_lightgcn(n_nodes, config.dim, config.layers)
    try:
        model.load_state_dict(torch.load(folder / WEIGHTS, weights_only=True))
    except (OSError, RuntimeError, ValueError) as exc:
        raise ArtifactError(f"the ranker weights in {folder} are unreadable ({exc}); run `whyrec prepare`") from exc
    return Checkpoint(model=model.eval(), config=config, meta=meta)
