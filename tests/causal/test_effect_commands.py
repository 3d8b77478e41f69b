"""``whyrec effect`` on a user's CSV, and its errors as one clear line."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from whyrec.cli import build_app
from whyrec.errors import WhyrecError


@pytest.fixture()
def csv(tmp_path: Path) -> Path:
    rng = np.random.default_rng(1)
    n = 1500
    z = rng.normal(size=n)
    t = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(int)
    path = tmp_path / "log.csv"
    pd.DataFrame({"t": t, "y": 1.5 * t + 2 * z + rng.normal(size=n), "z": z}).to_csv(path, index=False)
    return path


def test_effect_on_a_user_csv_prints_json(csv: Path, tmp_home: Path) -> None:
    args = ["--home", str(tmp_home), "effect", "--data", str(csv), "--treatment", "t", "--outcome", "y",
            "--common-causes", "z", "--method", "aipw", "--no-refute", "--json"]  # fmt: skip
    result = CliRunner().invoke(build_app(), args)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["method"] == "backdoor.aipw" and abs(payload["value"] - 1.5) < 0.3
    assert payload["naive"] > 2.5 and payload["refutations"] == []


def test_missing_file_is_a_clear_error(tmp_path: Path, tmp_home: Path) -> None:
    args = ["--home", str(tmp_home), "effect", "--data", str(tmp_path / "absent.csv"),
            "--treatment", "t", "--outcome", "y", "--common-causes", "z"]  # fmt: skip
    result = CliRunner().invoke(build_app(), args)
    assert isinstance(result.exception, WhyrecError) and "no such file" in str(result.exception)


def test_default_log_missing_says_to_prepare(tmp_home: Path) -> None:
    result = CliRunner().invoke(build_app(), ["--home", str(tmp_home), "effect", "--json"])
    assert isinstance(result.exception, WhyrecError) and "whyrec prepare" in str(result.exception)
