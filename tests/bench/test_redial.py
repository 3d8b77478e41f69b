"""bench redial's plumbing: folds keep each dialogue on one side, missing files are named, recall is averaged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from whyrec.agent.cases import load_cases
from whyrec.bench.redial import dev_files, folds, recalls
from whyrec.config import AppConfig
from whyrec.errors import WhyrecError


def test_folds_keep_each_dialogue_on_one_side(tmp_path: Path) -> None:
    lines = [{"id": f"redial-{d}-{t}", "message": "hi", "expect": {"items": [1]}} for d in range(5) for t in range(3)]
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    for fit, held in folds(path, tmp_path):
        fitted = {c.id.rsplit("-", 1)[0] for c in load_cases(fit)}
        scored = {c.id.rsplit("-", 1)[0] for c in load_cases(held)}
        assert fitted and scored and not fitted & scored
        assert len(load_cases(fit)) + len(load_cases(held)) == 15


def test_recall_at_each_cut(tmp_path: Path) -> None:
    path = tmp_path / "cases.jsonl"
    path.write_text(json.dumps({"id": "a-1", "message": "hi", "expect": {"items": [5, 6]}}) + "\n")
    cases = load_cases(path)
    ranked = [[5, *range(100, 148), 6]]  # 5 first, 6 at #50
    assert recalls(ranked, cases) == {"recall@1": 0.5, "recall@10": 0.5, "recall@50": 1.0}


def test_missing_dev_files_are_named(tmp_path: Path) -> None:
    with pytest.raises(WhyrecError, match=r"redial-dev/train_500_cases\.jsonl"):
        dev_files(AppConfig(data_dir=tmp_path))
