"""A deterministic per-user train/valid/test split of positive interactions.

Each user's positives are shuffled with a seed and cut by fraction, so every user appears in train
and the evaluation measures how well the ranker recovers held-out items of known users (the
standard protocol of LightGCN, He et al. 2020, https://arxiv.org/abs/2002.02126). The split depends
only on the set of (user, item) pairs and the seed, never on row order, and each pair lands in
exactly one part, so nothing leaks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Split:
    """Positive interactions divided into disjoint parts (columns user_id, item_id, rating, timestamp)."""

    train: pd.DataFrame
    valid: pd.DataFrame
    test: pd.DataFrame


def split_positives(
    positives: pd.DataFrame, *, seed: int, valid_frac: float, test_frac: float, min_holdout: int
) -> Split:
    """Split ``positives`` per user. Users with fewer than ``min_holdout`` positives stay in train."""
    frame = positives.sort_values(["user_id", "item_id"], kind="stable").reset_index(drop=True)
    keys = np.random.default_rng(seed).random(len(frame))
    order = pd.Series(keys).groupby(frame["user_id"].to_numpy()).rank(method="first").to_numpy() - 1
    counts = frame.groupby("user_id")["item_id"].transform("size").to_numpy()
    eligible = counts >= min_holdout
    n_test = np.where(eligible, np.floor(counts * test_frac + 0.5), 0)
    n_valid = np.where(eligible, np.floor(counts * valid_frac + 0.5), 0)
    part = np.where(order < n_test, 2, np.where(order < n_test + n_valid, 1, 0))
    train, valid, test = (frame[part == i].reset_index(drop=True) for i in range(3))
    return Split(train=train, valid=valid, test=test)
