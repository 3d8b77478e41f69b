"""The conversation-case format: bad files are named, line by line, and "no tool" is told from "not checked"."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from whyrec.agent.cases import EvalInputError, load_cases


def write(path: Path, *rows: Any) -> Path:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n")
    return path


def test_a_bad_line_is_named(tmp_path: Path) -> None:
    good = {"id": "a", "message": "hi", "expect": {"intent": "chitchat"}}
    with pytest.raises(EvalInputError, match=r"cases.jsonl:2"):
        load_cases(write(tmp_path / "cases.jsonl", good, "{not json"))
    with pytest.raises(EvalInputError, match=r"cases.jsonl:1"):
        load_cases(
            write(
                tmp_path / "cases.jsonl",
                {"id": "b", "message": "hi", "history": [{"role": "bot", "content": "x"}], "expect": {}},
            )
        )
    with pytest.raises(EvalInputError, match="no conversations file"):
        load_cases(tmp_path / "missing.jsonl")
    with pytest.raises(EvalInputError, match="holds no cases"):
        load_cases(write(tmp_path / "empty.jsonl", ""))


def test_an_expected_null_tool_is_told_from_an_unchecked_one(tmp_path: Path) -> None:
    rows = [
        {"id": "none", "message": "hi", "expect": {"intent": "chitchat", "tool": None}},
        {"id": "unchecked", "message": "hi", "expect": {"intent": "chitchat"}},
    ]
    none, unchecked = load_cases(write(tmp_path / "cases.jsonl", *rows))
    assert none.expect.has_tool and none.expect.tool is None
    assert not unchecked.expect.has_tool
