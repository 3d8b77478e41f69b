"""``whyrec explain``, ``whyrec whatif`` and ``whyrec bench explain`` end to end on the tiny graph."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tests.causal.tiny_graph import TinyIndex, tiny_ranker
from whyrec.catalog.index import ItemIndex
from whyrec.cli import build_app
from whyrec.errors import WhyrecError
from whyrec.ranker.scoring import Ranker


@pytest.fixture(scope="module")
def ranker() -> Ranker:
    return tiny_ranker()


@pytest.fixture()
def cli(ranker: Ranker, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setattr("whyrec.causal.explain_commands.load", lambda config: ranker.catalog)
    monkeypatch.setattr(Ranker, "load", classmethod(lambda cls, config, catalog: ranker))
    monkeypatch.setattr(ItemIndex, "open", classmethod(lambda cls, config, catalog: TinyIndex(ranker)))
    return CliRunner()


def test_explain_json_has_the_verified_removal(cli: CliRunner, ranker: Ranker) -> None:
    top = ranker.recommend(1, 3).items
    for scored in top:
        result = cli.invoke(
            build_app(), ["explain", "--user", "1", "--item", str(scored.item_id), "--k", "3", "--json"]
        )
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        assert data["rank_before"] == scored.rank and data["k"] == 3
        assert data["verified"] == data["found"] and (data["rank_after"] is None) != data["found"]
        if data["found"]:
            removal = [r["item_id"] for r in data["removal"]]
            assert scored.item_id not in {s.item_id for s in ranker.recommend(1, 3, remove=removal).items}


def test_whatif_json_and_one_intervention_only(cli: CliRunner, ranker: Ranker) -> None:
    removed = str(int(ranker.history(2)[0]))
    result = cli.invoke(build_app(), ["whatif", "--user", "2", "--remove", removed, "--k", "4", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["kind"] == "remove" and [r["item_id"] for r in data["intervened"]] == [int(removed)]
    text = cli.invoke(build_app(), ["whatif", "--liked", "1,9", "--more-genre", "comedy", "--n", "2"])
    assert text.exit_code == 0 and "2 more Comedy films" in text.stdout
    both = cli.invoke(build_app(), ["whatif", "--user", "2", "--remove", removed, "--exclude-genre", "Drama"])
    assert isinstance(both.exception, WhyrecError) and "exactly one of" in str(both.exception)


def test_bench_explain_reports_ours_and_both_baselines(cli: CliRunner) -> None:
    result = cli.invoke(build_app(), ["bench", "explain", "--pairs", "4", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["pairs"] == 4
    assert set(data["ours"]) >= {"found", "validity", "explainable_size_le_5", "median_size", "p50_ms", "p95_ms"}
    assert "validity" in data["similar_items_baseline"] and "validity" in data["random_baseline"]
    assert data["ours"]["found"] <= data["ours"]["found_within_50"] <= 1.0  # a wider set only adds pairs
    if data["ours"]["validity"] is not None:
        assert data["ours"]["validity"] == 1.0
