"""The charts draw what the results say: bars per removal, points and intervals, the DAG's edges."""

from __future__ import annotations

from matplotlib.collections import PathCollection
from matplotlib.patches import Rectangle

from tests.ui.fake_agent import DAG, FakeAgent
from whyrec.agent.state import SessionProfile
from whyrec.causal.simulate import DAG as SIMULATOR_DAG
from whyrec.ui import charts


def test_why_bars_are_ranks_without_each_film_with_the_removal_set_in_red() -> None:
    fig = charts.why_figure(FakeAgent._explain(SessionProfile(last_items=[1])))
    ax = fig.axes[0]
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert [round(b.get_width()) for b in bars] == [14, 4, charts.OFF_LIST]
    assert bars[0].get_facecolor()[:3] == (214 / 255, 39 / 255, 40 / 255)  # Matrix is in the removal set
    assert bars[1].get_facecolor()[:3] != bars[0].get_facecolor()[:3]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0] == "without Matrix, The" and labels[1].endswith("…")
    assert any(t.get_text() == "out of top 50" for t in ax.texts)


def test_why_shows_lead_changes_when_no_single_removal_moves_the_rank() -> None:
    influences = [
        {"item_id": 1, "title": "A", "new_rank": 1, "margin_change": -0.2},
        {"item_id": 2, "title": "B", "new_rank": 1, "margin_change": -0.05},
    ]
    explanation = {"title": "X", "k": 10, "rank_before": 1, "influences": influences, "removal": []}
    ax = charts.why_figure(explanation).axes[0]
    assert [round(p.get_width(), 2) for p in ax.patches if isinstance(p, Rectangle)] == [-0.2, -0.05]
    assert "lead over the #10 film" in ax.get_xlabel()


def test_why_without_history_says_so() -> None:
    fig = charts.why_figure({"title": "X", "k": 10, "rank_before": 3, "influences": [], "removal": []})
    assert "no history to remove" in fig.axes[0].texts[0].get_text()


def test_effect_draws_estimate_ci_naive_and_truth() -> None:
    ax = charts.effect_figure(FakeAgent._effect()).axes[0]
    line = ax.lines[0]
    assert list(line.get_xdata()) == [0.041]
    offsets = [c.get_offsets()[0][0] for c in ax.collections if isinstance(c, PathCollection)]
    assert 0.093 in [round(x, 3) for x in offsets] and 0.04 in [round(x, 3) for x in offsets]


def test_effect_rows_become_one_line_per_group() -> None:
    rows = [{"group": g, "estimate": e, "ci_low": e - 0.01, "ci_high": e + 0.01, "naive": 0.1, "true_value": None}
            for g, e in (("Comedy", 0.02), ("Drama", 0.05))]  # fmt: skip
    ax = charts.effect_figure({"question": "cate_genre", "estimate": None, "rows": rows}).axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Comedy", "Drama"]


def test_dag_edges_and_drawing_follow_the_dot_text() -> None:
    assert set(charts.dag_edges(DAG)) == {
        ("popularity", "featured"), ("popularity", "watched"), ("genre", "featured"), ("genre", "watched"),
        ("featured", "watched"),
    }  # fmt: skip
    assert ("featured", "watched") in charts.dag_edges(SIMULATOR_DAG)
    assert len(charts.dag_edges(SIMULATOR_DAG)) == 7
    ax = charts.dag_figure(SIMULATOR_DAG).axes[0]
    assert {t.get_text() for t in ax.texts} >= {"featured", "watched", "log\npopularity", "user\nactivity"}
    assert "no causal graph" in charts.dag_figure("digraph {}").axes[0].texts[0].get_text()
