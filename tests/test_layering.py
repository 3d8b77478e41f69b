"""Dependencies point one way: ui -> agent -> tools -> {catalog, ranker, causal}."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {
    "catalog": {"langchain", "langchain_core", "langchain_openai", "langgraph", "gradio", "whyrec.agent",
                "whyrec.tools", "whyrec.ui", "whyrec.ranker", "whyrec.causal"},
    "ranker": {"langchain", "langchain_core", "langchain_openai", "langgraph", "gradio", "whyrec.agent",
               "whyrec.tools", "whyrec.ui", "whyrec.causal"},
    "causal": {"langchain", "langchain_core", "langchain_openai", "langgraph", "gradio", "whyrec.agent",
               "whyrec.tools", "whyrec.ui"},
    "tools": {"gradio", "whyrec.agent", "whyrec.ui"},
    "agent": {"gradio", "whyrec.ui"},
}  # fmt: skip


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_point_one_way(package: str) -> None:
    offenders = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for name in imported_modules(path):
            if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN[package]):
                offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not offenders, "\n".join(offenders)


def test_the_check_catches_a_forbidden_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from langgraph.graph import StateGraph\nimport gradio as gr\n")
    assert {"langgraph.graph", "gradio"} <= imported_modules(bad)
