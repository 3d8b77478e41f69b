"""The ranker benchmark: the user-activity breakdown on a hand-made example, the latency section, the table."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from tests.ranker.tiny import make_tiny_catalog, make_tiny_ranker, random_edges
from whyrec.bench.ranker import (
    ACTIVITY,
    METRICS,
    activity_quartiles,
    latency,
    ndcg_by_activity,
    print_report,
    summarise,
)
from whyrec.ranker.graph import Interactions


def test_users_fall_into_quartiles_by_training_items() -> None:
    degrees = [1, 2, 3, 4, 5, 6, 7, 8]  # user u has u+1 training items
    users = np.repeat(np.arange(8), degrees)
    items = np.concatenate([np.arange(d) for d in degrees])
    quartile, cuts = activity_quartiles(Interactions(8, 8, users, items))
    np.testing.assert_allclose(cuts, [2.75, 4.5, 6.25])
    np.testing.assert_array_equal(quartile, [0, 0, 1, 1, 2, 2, 3, 3])


def test_each_quartile_scores_only_its_own_users() -> None:
    top = np.tile(np.arange(20), (4, 1))  # everyone gets items 0..19 in order
    # users 0-2 hold out item u (a hit at rank u+1); user 3 holds out item 25, never recommended
    truth = sp.csr_matrix((np.ones(4), ([0, 1, 2, 3], [0, 1, 2, 25])), shape=(4, 30))
    result = ndcg_by_activity(top, truth, np.array([0, 1, 2, 3]), np.ones(30))
    expected = [1.0, 1 / np.log2(3), 1 / np.log2(4), 0.0]
    assert [result[name] for name in ACTIVITY] == pytest.approx(expected)


def test_latency_times_known_users_and_fold_in_profiles_against_the_goals() -> None:
    catalog = make_tiny_catalog(12, 20, random_edges(12, 20, 5, seed=3))
    result = latency(make_tiny_ranker(catalog), catalog, users=8)
    assert set(result) == {"known_user", "fold_in"}
    assert (result["known_user"]["goal_ms"], result["fold_in"]["goal_ms"]) == (20.0, 50.0)
    for row in result.values():
        assert 0 < row["p50_ms"] <= row["p95_ms"] <= row["max_ms"]
        assert row["meets_goal"] == (row["p95_ms"] <= row["goal_ms"])


def test_the_report_fits_an_80_column_terminal_untruncated(capsys: pytest.CaptureFixture[str]) -> None:
    keys = [*METRICS, *ACTIVITY, "train_s", "rank_all_s"]
    row = {k: 0.25 for k in keys} | {"std": {k: 0.0 for k in keys}}
    lightgcn = row | {"ndcg@20": 0.2537, "std": row["std"] | {"ndcg@20": 0.0014}}
    names = ("LightGCN", "MostPopular", "ItemKNN", "EASE")
    report = {
        "models": dict(zip(names, [lightgcn, row, row, row], strict=True)),
        "lightgcn_vs_best_baseline": {m: {"ratio": 1.0, "best_baseline": "ItemKNN"} for m in METRICS},
        "activity_cuts": [15.0, 28.0, 64.75],
        "goal_beat_ease_ndcg@20": False,
        "latency": {
            "known_user": {"p50_ms": 1.3, "p95_ms": 2.0, "max_ms": 4.0, "goal_ms": 20.0, "meets_goal": True},
            "fold_in": {"p50_ms": 6.6, "p95_ms": 61.0, "max_ms": 70.0, "goal_ms": 50.0, "meets_goal": False},
        },
    }
    print_report(report)
    out = capsys.readouterr().out
    assert "0.2537±0.0014" in out and "1.000 ItemKNN" in out and "…" not in out
    assert "≤15 items" in out and "16-28 items" in out and "≥65 items" in out
    assert "known user" in out and "p95 ≤ 20: met" in out and "p95 ≤ 50: missed" in out
    assert "misses the goal" in out and max(len(line) for line in out.splitlines()) <= 80


def test_summary_gives_mean_std_and_each_seeds_headline_metrics() -> None:
    keys = [*METRICS, *ACTIVITY, "train_s", "rank_all_s"]
    runs = [{k: 0.0 for k in keys} | {"ndcg@20": value, "recall@20": value + 1} for value in (0.25, 0.26, 0.27)]
    summary = summarise(runs)
    assert summary["ndcg@20"] == pytest.approx(0.26) and summary["std"]["ndcg@20"] == pytest.approx(
        np.std([0.25, 0.26, 0.27])
    )
    assert summary["runs"] == 3
    assert summary["per_run"] == {"ndcg@20": [0.25, 0.26, 0.27], "recall@20": [1.25, 1.26, 1.27]}
