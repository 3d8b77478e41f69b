"""``whyrec recommend`` with hybrid options, on the prepared index and LightGCN."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from whyrec.cli import build_app
from whyrec.errors import WhyrecError


def test_recommend_with_a_query_and_filters_is_hybrid() -> None:
    args = ["recommend", "--liked", "6", "--query", "crime thriller", "--exclude-genre", "horror",
            "--year-min", "2000", "--k", "5", "--json"]  # fmt: skip
    result = CliRunner().invoke(build_app(), args)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    items = payload["items"]
    assert len(items) == 5 and payload["note"] is None and 6 not in {it["item_id"] for it in items}
    assert all("Horror" not in it["genres"] and it["year"] >= 2000 for it in items)
    assert all(it["semantic"] is not None and it["gcn"] is not None for it in items)
    assert any("Crime" in it["genres"] for it in items)


def test_hybrid_options_reject_user_and_likes_together() -> None:
    result = CliRunner().invoke(build_app(), ["recommend", "--user", "1", "--liked", "6", "--query", "x"])
    assert isinstance(result.exception, WhyrecError) and "not both" in str(result.exception)
