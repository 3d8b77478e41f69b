"""Charts for the side panel, drawn with matplotlib from the agent's result dicts (pure functions).

* why: the explained item's rank after removing each of the person's films alone (a real
  intervention on the ranker), against its rank now and the top-k cut-off;
* effect: the causal estimate with its confidence interval beside the naive (correlational) one;
* DAG: the causal graph the estimate adjusts with, drawn from its DOT text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import networkx as nx
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

OFF_LIST = 51  # where "fell out of the top 50" is drawn
EDGE = re.compile(r'"?([\w ]+?)"?\s*->\s*"?([\w ]+?)"?\s*(?:[;\n\[}]|$)')


def _canvas(width: float, height: float) -> tuple[Figure, Axes]:
    """A figure outside pyplot: no global registry to leak into, no display backend, safe across threads."""
    fig = Figure(figsize=(width, height))
    return fig, fig.subplots()


def _title(text: str, width: int = 32) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def why_figure(explanation: Mapping[str, Any]) -> Figure:
    """Horizontal bars per history film: the item's rank without it, or its lead change when no rank moves.

    Films in the verified removal set are red. When every single removal leaves the rank unchanged
    (a long history: no one film decides), ranks say nothing, so the bars show each film's influence
    on its lead over the k-th other film (the cut-off) instead: its own score is normalised, and the
    list's first film scores 1.0 whatever is removed.
    """
    influences = list(explanation.get("influences", []))
    fig, ax = _canvas(6.4, 0.45 * max(len(influences), 2) + 2.0)
    if not influences:
        ax.text(0.5, 0.5, "no history to remove: the request's words put it there", ha="center", va="center")
        ax.set_axis_off()
        return fig
    before = explanation.get("rank_before")
    by_lead = all(i.get("new_rank") == before for i in influences) and all(
        i.get("margin_change") is not None for i in influences
    )
    (_lead_bars if by_lead else _rank_bars)(ax, explanation, influences)
    ax.set_yticks(range(len(influences)), [f"without {_title(i['title'])}" for i in influences], fontsize=8)
    ax.invert_yaxis()
    ax.set_title(_title(f"Why {explanation.get('title', 'this item')}?", 60), fontsize=10)
    fig.tight_layout()
    return fig


def _colors(explanation: Mapping[str, Any], influences: list[dict[str, Any]]) -> list[str]:
    removal = {r["item_id"] for r in explanation.get("removal", [])}
    return ["#d62728" if i["item_id"] in removal else "#1f77b4" for i in influences]


def _rank_bars(ax: Axes, explanation: Mapping[str, Any], influences: list[dict[str, Any]]) -> None:
    k, before = int(explanation.get("k", 10)), explanation.get("rank_before")
    ranks = [OFF_LIST if i.get("new_rank") is None else int(i["new_rank"]) for i in influences]
    ax.barh(range(len(ranks)), ranks, color=_colors(explanation, influences))
    for y, (rank, inf) in enumerate(zip(ranks, influences, strict=True)):
        ax.text(rank + 0.3, y, "out of top 50" if inf.get("new_rank") is None else f"#{rank}", va="center", fontsize=8)
    if before is not None:
        ax.axvline(int(before), color="black", linestyle="--", linewidth=1)
    ax.axvline(k + 0.5, color="#ff7f0e", linewidth=1.5)
    ax.set_xlim(0, max([*ranks, k, int(before or 0)]) * 1.15 + 12)  # room for the rank labels
    ax.set_xlabel("rank of the item without that film (lower is better)")
    legend = [
        Patch(color="#d62728", label="in the verified removal set"),
        Patch(color="#1f77b4", label="removed alone"),
        Line2D([], [], color="black", linestyle="--", label=f"rank now (#{before})"),
        Line2D([], [], color="#ff7f0e", label=f"top-{k} cut-off"),
    ]
    ax.legend(handles=legend, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=2, frameon=False)


def _lead_bars(ax: Axes, explanation: Mapping[str, Any], influences: list[dict[str, Any]]) -> None:
    changes = [float(i["margin_change"]) for i in influences]
    ax.barh(range(len(changes)), changes, color=_colors(explanation, influences))
    ax.axvline(0, color="grey", linewidth=0.8)
    ax.locator_params(axis="x", nbins=4)
    for y, change in enumerate(changes):
        ax.text(change, y, f" {change:+.3f} ", va="center", ha="right" if change < 0 else "left", fontsize=7)
    ax.margins(x=0.25)
    k, before = explanation.get("k", 10), explanation.get("rank_before")
    ax.set_xlabel(f"change in its lead over the #{k} film without that film (rank stays #{before})")


def effect_figure(effect: Mapping[str, Any]) -> Figure:
    """Point and CI of the causal estimate(s) beside the naive difference, per subgroup when there are rows."""
    rows = list(effect.get("rows") or [])
    if not rows and effect.get("estimate"):
        est = effect["estimate"]
        rows = [{**est, "group": "all impressions", "estimate": est["value"]}]
    fig, ax = _canvas(6.4, 0.5 * max(len(rows), 2) + 1.4)
    if not rows:
        ax.text(0.5, 0.5, "no estimate to draw", ha="center", va="center")
        ax.set_axis_off()
        return fig
    ys = list(range(len(rows)))
    points = [float(r["estimate"]) for r in rows]
    low = [p - float(r["ci_low"]) for p, r in zip(points, rows, strict=True)]
    high = [float(r["ci_high"]) - p for p, r in zip(points, rows, strict=True)]
    ax.errorbar(points, ys, xerr=[low, high], fmt="o", color="#1f77b4", capsize=4, label="causal (95% CI)")
    ax.scatter([float(r["naive"]) for r in rows], ys, marker="x", color="#d62728", zorder=3, label="naive")
    truth = [(float(r["true_value"]), y) for r, y in zip(rows, ys, strict=True) if r.get("true_value") is not None]
    if truth:
        xs, ys_truth = zip(*truth, strict=True)
        ax.scatter(xs, ys_truth, marker="|", s=200, color="green", label="simulator's truth")
    ax.axvline(0, color="grey", linewidth=0.8)
    ax.set_yticks(ys, [_title(str(r["group"]), 24) for r in rows], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("effect of featuring on P(watch)")
    ax.set_title("Causal effect (adjusted) vs the naive difference", fontsize=10)
    ax.legend(fontsize=7, loc="best")
    fig.tight_layout()
    return fig


def dag_edges(dot: str) -> list[tuple[str, str]]:
    """Edges ``a -> b`` of a DOT digraph (our own simulator's DAG text, not model output)."""
    body = dot[dot.find("{") + 1 : dot.rfind("}")] if "{" in dot else dot
    return [(a.strip(), b.strip()) for a, b in EDGE.findall(body.replace(";", ";\n"))]


def dag_figure(dot: str, treatment: str = "featured", outcome: str = "watched") -> Figure:
    """The causal DAG, causes above effects (topological layers); treatment and outcome highlighted."""
    graph = nx.DiGraph(dag_edges(dot))
    fig, ax = _canvas(6.4, 3.2)
    ax.set_axis_off()
    if graph.number_of_nodes() == 0:
        ax.text(0.5, 0.5, "no causal graph given", ha="center", va="center")
        return fig
    for layer, nodes in enumerate(nx.topological_generations(graph)):
        for node in nodes:
            graph.nodes[node]["layer"] = layer
    pos = nx.multipartite_layout(graph, subset_key="layer", align="horizontal", scale=1.0)
    pos = {n: (x, -y) for n, (x, y) in pos.items()}  # causes on top
    colors = ["#ff7f0e" if n == treatment else "#2ca02c" if n == outcome else "#c6dbef" for n in graph.nodes]
    labels = {n: n.replace("_", "\n") for n in graph.nodes}
    nx.draw_networkx(
        graph, pos, ax=ax, labels=labels, node_color=colors, node_size=2600, font_size=8, arrows=True, arrowsize=14,
        edge_color="#555555",
    )  # fmt: skip
    ax.set_title(f"Causal graph: {treatment} → {outcome}, adjusting for the other causes", fontsize=9)
    ax.margins(0.15)
    fig.tight_layout()
    return fig
