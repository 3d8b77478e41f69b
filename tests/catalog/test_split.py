import numpy as np
import pandas as pd

from whyrec.catalog.split import split_positives


def _positives(seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = [(u, i) for u in range(1, 31) for i in rng.choice(500, size=rng.integers(1, 40), replace=False)]
    frame = pd.DataFrame(rows, columns=["user_id", "item_id"])
    frame["rating"] = 4.5
    frame["timestamp"] = 0
    return frame


def _parts(frame: pd.DataFrame, **kw) -> tuple[set, set, set]:
    split = split_positives(frame, seed=kw.get("seed", 1), valid_frac=0.1, test_frac=0.2, min_holdout=5)
    return tuple(
        {tuple(r) for r in p[["user_id", "item_id"]].to_numpy()} for p in (split.train, split.valid, split.test)
    )  # type: ignore[return-value]


def test_split_is_disjoint_and_complete() -> None:
    frame = _positives()
    train, valid, test = _parts(frame)
    assert not (train & valid) and not (train & test) and not (valid & test)
    assert train | valid | test == {tuple(r) for r in frame[["user_id", "item_id"]].to_numpy()}


def test_split_is_deterministic_and_independent_of_row_order() -> None:
    frame = _positives()
    shuffled = frame.sample(frac=1.0, random_state=3)
    assert _parts(frame) == _parts(shuffled)
    assert _parts(frame, seed=1) != _parts(frame, seed=2)


def test_every_user_keeps_training_data_and_small_users_stay_in_train() -> None:
    frame = _positives()
    train, valid, test = _parts(frame)
    counts = frame.groupby("user_id").size()
    train_users = {u for u, _ in train}
    assert train_users == set(counts.index)
    small = set(counts[counts < 5].index)
    assert not any(u in small for u, _ in valid | test)
    big = set(counts[counts >= 10].index)
    assert {u for u, _ in test} >= big
