"""``whyrec search`` on the prepared index (``make test`` runs ``whyrec prepare`` first)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from whyrec.catalog.constraints import ConstraintError
from whyrec.catalog.errors import ArtifactError
from whyrec.cli import build_app


def search(*args: str) -> dict:
    result = CliRunner().invoke(build_app(), ["search", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_text_search_returns_k_hits() -> None:
    payload = search("time travel", "--k", "5")
    assert len(payload["hits"]) == 5
    assert any("Time" in hit["title"] for hit in payload["hits"])


def test_filter_only_search_honours_every_filter() -> None:
    payload = search("", "--genre", "documentary", "--year-min", "2010", "--k", "20")
    assert len(payload["hits"]) == 20 and payload["constraints"] == ["only Documentary", "from 2010 on"]
    assert all("Documentary" in h["genres"] and h["year"] >= 2010 and h["score"] == 1.0 for h in payload["hits"])
    excluded = search("space", "--exclude-genre", "Sci-Fi", "--year-max", "1980", "--k", "10")
    assert all("Sci-Fi" not in h["genres"] and h["year"] <= 1980 for h in excluded["hits"])
    either = search("", "--any-genre", "western", "--any-genre", "war", "--k", "30")
    assert either["constraints"] == ["only Western or War"]
    genres = [set(h["genres"]) for h in either["hits"]]
    assert all(g & {"Western", "War"} for g in genres) and any("Western" in g and "War" not in g for g in genres)


def test_errors_are_clear(tmp_home: Path) -> None:
    result = CliRunner().invoke(build_app(), ["search", "x", "--genre", "Cowboy"])
    assert isinstance(result.exception, ConstraintError) and "unknown genre: 'Cowboy'" in str(result.exception)
    result = CliRunner().invoke(build_app(), ["--home", str(tmp_home), "search", "x"])
    assert isinstance(result.exception, ArtifactError) and "whyrec prepare" in str(result.exception)


def test_table_output_says_when_filters_leave_fewer_than_k() -> None:
    args = ["search", "x", "--genre", "Documentary", "--genre", "Western", "--year-min", "2019"]
    result = CliRunner().invoke(build_app(), args)
    assert result.exit_code == 0, result.output
    assert "only 0 of 10 items meet the filters" in result.output
    shown = CliRunner().invoke(build_app(), ["search", "The Matrix", "--k", "2"])
    assert shown.exit_code == 0 and "The Matrix" in shown.output
