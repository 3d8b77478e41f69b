"""Checkpoint round trip, and refusal of a checkpoint trained on another catalog."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from tests.ranker.tiny import make_tiny_catalog, make_tiny_ranker, random_edges
from whyrec.catalog.artifacts import ArtifactStore
from whyrec.catalog.errors import ArtifactError
from whyrec.config import load_config
from whyrec.ranker.checkpoint import ARTIFACT, checkpoint_fingerprint, save_checkpoint
from whyrec.ranker.config import RankerConfig
from whyrec.ranker.scoring import Profile, Ranker

torch.set_num_threads(1)


def test_round_trip_and_mismatched_catalog(tmp_home: Path) -> None:
    catalog = make_tiny_catalog(5, 9, random_edges(5, 9, 3), fingerprint="tiny-a")
    ranker = make_tiny_ranker(catalog, dim=8, layers=2, train_epochs=2)
    config = load_config(home=tmp_home)
    with pytest.raises(ArtifactError, match="whyrec prepare"):
        Ranker.load(config, catalog)

    rc = RankerConfig(dim=8, layers=2)
    with ArtifactStore(tmp_home).building(ARTIFACT, checkpoint_fingerprint(rc, catalog)) as folder:
        save_checkpoint(folder, ranker.model, rc, catalog)
    loaded = Ranker.load(config, catalog)
    for user in (1, Profile(liked=(2, 3))):
        np.testing.assert_array_equal(loaded.all_scores(user), ranker.all_scores(user))

    other = make_tiny_catalog(5, 9, random_edges(5, 9, 3), fingerprint="tiny-b")
    with pytest.raises(ArtifactError, match=r"trained on catalog tiny-a.*current catalog is tiny-b.*whyrec prepare"):
        Ranker.load(config, other)
