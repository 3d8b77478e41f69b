"""Checking what people bring to the estimator: their table, their column names and their DAG.

Every problem is a :class:`EffectInputError` that names the column or file and what to do, so a
user's own log either gets an honest estimate or a message they can act on — never a traceback
from deep inside DoWhy. Rows with missing values are dropped (and counted, per column) rather
than refused, because that is what a careful analyst would do first; the count becomes a warning.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import pandas as pd

from whyrec.catalog.errors import DataError
from whyrec.errors import WhyrecError

MIN_ARM_ROWS = 10


class EffectInputError(DataError):
    """The data, columns or graph given to the effect estimator cannot be used as they are."""


class UnidentifiableError(WhyrecError):
    """The graph does not let the effect be computed from the observed columns."""


@dataclass(frozen=True)
class CleanData:
    frame: pd.DataFrame
    categorical: tuple[str, ...]
    warnings: tuple[str, ...]


def read_csv(path: Path) -> pd.DataFrame:
    """Read exactly the file the user named; a clear error if it is missing or not a table."""
    if not path.is_file():
        raise EffectInputError(f"{path}: no such file")
    try:
        frame = pd.read_csv(path)
    except (OSError, ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise EffectInputError(f"{path}: not a readable CSV ({exc})") from None
    if frame.empty:
        raise EffectInputError(f"{path}: the CSV has no rows")
    return frame


def read_graph(path: Path) -> str:
    if not path.is_file():
        raise EffectInputError(f"{path}: no such graph file")
    try:
        return path.read_text()
    except (OSError, UnicodeDecodeError) as exc:
        raise EffectInputError(f"{path}: unreadable graph file ({exc})") from None


def parse_graph(text: str) -> nx.DiGraph:
    """A DAG from GML (``graph [...]``), DOT (``digraph {...}``) or an edge list (``a -> b`` or ``a b`` per line)."""
    stripped = text.strip()
    try:
        if stripped.startswith("graph") and "[" in stripped.split("\n", 1)[0]:
            graph = nx.DiGraph(nx.parse_gml(stripped, label="label"))
        elif stripped.startswith(("digraph", "strict")):
            import pydot

            parsed = pydot.graph_from_dot_data(stripped)
            if not parsed:
                raise ValueError("no graph found")
            graph = nx.DiGraph(nx.nx_pydot.from_pydot(parsed[0]))
            graph.remove_nodes_from([n for n in list(graph) if n in ("node", "edge", "graph", "\\n")])
        else:
            graph = nx.DiGraph()
            for number, line in enumerate(stripped.splitlines(), 1):
                line = line.split("#", 1)[0].strip().rstrip(";")
                if not line:
                    continue
                parts = [p.strip() for p in line.replace("->", " ").split()]
                if len(parts) != 2:
                    raise ValueError(f"line {number} is not an edge 'cause -> effect': {line!r}")
                graph.add_edge(*parts)
    except (ValueError, nx.NetworkXError, SyntaxError) as exc:
        raise EffectInputError(f"the causal graph is not valid GML, DOT or an edge list: {exc}") from None
    if graph.number_of_edges() == 0:
        raise EffectInputError("the causal graph has no edges")
    if not nx.is_directed_acyclic_graph(graph):
        cycle = " -> ".join(str(u) for u, _ in nx.find_cycle(graph))
        raise EffectInputError(f"the causal graph has a cycle ({cycle}); effects need a DAG")
    return graph


def clean(
    data: pd.DataFrame,
    treatment: str,
    outcome: str,
    covariates: Sequence[str],
    *,
    min_rows: int,
    max_categories: int,
) -> CleanData:
    """The used columns, complete rows only, validated for a binary-treatment effect estimate."""
    used = [treatment, outcome, *[c for c in covariates if c not in (treatment, outcome)]]
    missing = [c for c in used if c not in data.columns]
    if missing:
        shown = ", ".join(map(str, data.columns[:20]))
        raise EffectInputError(f"column(s) not in the data: {', '.join(missing)} (it has: {shown})")
    frame = data[used]
    warnings: list[str] = []
    nan_counts = frame.isna().sum()
    if nan_counts.any():
        before = len(frame)
        frame = frame.dropna()
        per_column = ", ".join(f"{c}: {int(n)}" for c, n in nan_counts.items() if n)
        warnings.append(f"dropped {before - len(frame)} of {before} rows with missing values ({per_column})")
    if len(frame) < min_rows:
        raise EffectInputError(f"only {len(frame)} complete rows; at least {min_rows} are needed for an estimate")
    for column in used:
        if frame[column].nunique() < 2:
            raise EffectInputError(
                f"column {column!r} is constant ({frame[column].iloc[0]!r}): it carries no information"
            )
    t_values = set(pd.unique(frame[treatment]))
    if not t_values <= {0, 1}:  # True == 1 and False == 0
        shown = ", ".join(map(repr, sorted(t_values, key=str)[:5]))
        raise EffectInputError(f"treatment {treatment!r} must be binary 0/1 or true/false; it has values {shown}")
    frame = frame.assign(**{treatment: frame[treatment].astype("int64")})
    arms = frame[treatment].value_counts()
    if arms.min() < MIN_ARM_ROWS:
        raise EffectInputError(
            f"treatment {treatment!r} has only {int(arms.min())} rows in one arm; at least {MIN_ARM_ROWS} are needed"
        )
    if not pd.api.types.is_numeric_dtype(frame[outcome]) or pd.api.types.is_bool_dtype(frame[outcome]):
        if pd.api.types.is_bool_dtype(frame[outcome]):
            frame = frame.assign(**{outcome: frame[outcome].astype("int64")})
        else:
            raise EffectInputError(f"outcome {outcome!r} must be numeric (got {frame[outcome].dtype})")
    categorical = []
    for column in used[2:]:
        series = frame[column]
        if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
            continue
        levels = series.nunique()
        if levels > max_categories:
            raise EffectInputError(
                f"categorical confounder {column!r} has {levels} levels (more than {max_categories}); one-hot "
                "adjustment needs enough rows per level: use a coarser attribute (e.g. genre or popularity)"
            )
        frame = frame.assign(**{column: series.astype(str).astype("category")})
        categorical.append(column)
    if len(frame) < 500:
        warnings.append(f"small sample: {len(frame)} rows, so the interval is wide and refuters are noisy")
    return CleanData(frame=frame.reset_index(drop=True), categorical=tuple(categorical), warnings=tuple(warnings))
