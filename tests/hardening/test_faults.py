"""Faults: corrupt artifacts are refused with a clear error and rebuilt by `prepare`; Chroma down is a clear error.

Artifacts are written into a scratch home (the catalog snapshot and the exposure log by their own
prepare steps, the ranker checkpoint from the trained weights of WHYREC_HOME, so no test retrains),
then truncated or garbled. Loading must raise ArtifactError, and the prepare step must notice that
its fingerprint is unchanged but its files are not, and rebuild.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rich.progress import Progress

from whyrec.agent.runtime import Agent
from whyrec.catalog.artifacts import ArtifactStore
from whyrec.catalog.errors import ArtifactError
from whyrec.catalog.model import Catalog
from whyrec.config import AppConfig
from whyrec.errors import WhyrecError


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def garble(path: Path) -> None:
    """Flip bytes in the middle: the file keeps its size and may still parse, which checksums catch."""
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 64] = bytes(b ^ 0xFF for b in data[middle : middle + 64])
    path.write_bytes(bytes(data))


CORRUPTIONS = {"truncated": truncate, "garbled": garble}


def scratch_config(app_config: AppConfig, home: Path) -> AppConfig:
    return app_config.model_copy(update={"home": home})


def test_a_damaged_file_makes_an_artifact_stale(tmp_home: Path) -> None:
    store = ArtifactStore(tmp_home)
    with store.building("thing", "fp1") as folder:
        (folder / "data.bin").write_bytes(b"x" * 1000)
    assert store.is_fresh("thing", "fp1") and store.damaged("thing") == []
    garble(store.path("thing") / "data.bin")
    assert not store.is_fresh("thing", "fp1")
    with pytest.raises(ArtifactError, match=r"thing artifact .* corrupt \(data.bin changed"):
        store.verify("thing")
    (store.path("thing") / "data.bin").unlink()
    assert store.damaged("thing") == ["data.bin"]


def test_an_artifact_may_opt_out_of_checksums(tmp_home: Path) -> None:
    store = ArtifactStore(tmp_home)
    with store.building("db", "fp1", checksums=False) as folder:
        (folder / "db.sqlite").write_bytes(b"v1")
    (store.path("db") / "db.sqlite").write_bytes(b"v2, written on open")
    assert store.is_fresh("db", "fp1")


@pytest.mark.parametrize("corrupt", sorted(CORRUPTIONS))
def test_a_corrupt_catalog_snapshot_is_rebuilt(app_config: AppConfig, tmp_home: Path, corrupt: str) -> None:
    from whyrec.catalog.load import SNAPSHOT, load_catalog, load_snapshot

    config = scratch_config(app_config, tmp_home)
    built = load_catalog(config.data_path, tmp_home, config.catalog)
    store = ArtifactStore(tmp_home)
    CORRUPTIONS[corrupt](store.path(SNAPSHOT) / "ratings.parquet")
    assert not store.is_fresh(SNAPSHOT, built.fingerprint)
    if corrupt == "truncated":
        with pytest.raises(ArtifactError, match="run `whyrec prepare`"):
            load_snapshot(store.path(SNAPSHOT), built.fingerprint)
    again = load_catalog(config.data_path, tmp_home, config.catalog)  # what `whyrec prepare` runs first
    assert store.is_fresh(SNAPSHOT, built.fingerprint)
    assert len(again.ratings) == len(built.ratings)
    assert load_snapshot(store.path(SNAPSHOT), built.fingerprint).ratings.equals(built.ratings)


@pytest.fixture()
def ranker_home(app_config: AppConfig, catalog: Catalog, tmp_home: Path) -> Path:
    """A scratch home holding the catalog snapshot and a checkpoint of the trained weights."""
    from whyrec.catalog.load import load_catalog
    from whyrec.ranker.checkpoint import ARTIFACT, checkpoint_fingerprint, load_checkpoint, save_checkpoint

    load_catalog(app_config.data_path, tmp_home, app_config.catalog)
    trained = load_checkpoint(app_config.home_dir, catalog)
    with ArtifactStore(tmp_home).building(ARTIFACT, checkpoint_fingerprint(app_config.ranker, catalog)) as folder:
        extra = {
            k: v for k, v in trained.meta.items() if k not in {"config", "catalog_fingerprint", "n_users", "n_items"}
        }
        save_checkpoint(folder, trained.model, app_config.ranker, catalog, **extra)
    return tmp_home


@pytest.mark.parametrize("corrupt", sorted(CORRUPTIONS))
def test_a_corrupt_ranker_checkpoint_is_refused_and_retrained(
    app_config: AppConfig, catalog: Catalog, ranker_home: Path, corrupt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from whyrec.ranker import commands as ranker_commands
    from whyrec.ranker import train
    from whyrec.ranker.checkpoint import ARTIFACT, WEIGHTS, checkpoint_fingerprint, load_checkpoint
    from whyrec.ranker.scoring import Ranker

    config = scratch_config(app_config, ranker_home)
    good = load_checkpoint(ranker_home, catalog)
    CORRUPTIONS[corrupt](ranker_home / ARTIFACT / WEIGHTS)
    with pytest.raises(ArtifactError, match="run `whyrec prepare`"):
        Ranker.load(config, catalog)
    assert not ArtifactStore(ranker_home).is_fresh(ARTIFACT, checkpoint_fingerprint(config.ranker, catalog))

    trained: list[Any] = []

    def retrain(graph: Any, rc: Any, **kwargs: Any) -> Any:  # the real training takes minutes; the weights are known
        trained.append(rc)
        return train.TrainResult(good.model, rc, best_epoch=1, best_valid_ndcg=0.1, epochs_run=1, seconds=0.0)

    monkeypatch.setattr(train, "train_lightgcn", retrain)
    with Progress(disable=True) as progress:
        status = ranker_commands.prepare(config, catalog, progress)
    assert trained and status.startswith("trained LightGCN")
    assert Ranker.load(config, catalog).recommend(5, k=3).items


@pytest.mark.parametrize("corrupt", sorted(CORRUPTIONS))
def test_a_corrupt_exposure_log_is_refused_and_rebuilt(
    app_config: AppConfig, catalog: Catalog, tmp_home: Path, corrupt: str
) -> None:
    from whyrec.causal.simulate import ARTIFACT, load_exposure_log
    from whyrec.causal.simulate import prepare as prepare_log

    config = scratch_config(app_config, tmp_home)
    with Progress(disable=True) as progress:
        prepare_log(config, catalog, progress)
        rows = len(load_exposure_log(config).data)
        CORRUPTIONS[corrupt](tmp_home / ARTIFACT / "log.parquet")
        with pytest.raises(ArtifactError, match="run `whyrec prepare`"):
            load_exposure_log(config)
        status = prepare_log(config, catalog, progress)
    assert "up to date" not in status
    assert len(load_exposure_log(config).data) == rows


def closed_port() -> int:
    with contextlib.closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_an_unreachable_chroma_server_is_a_clear_error_naming_the_url(
    app_config: AppConfig, catalog: Catalog, tmp_home: Path
) -> None:
    from whyrec.catalog.index import ItemIndex

    url = f"http://127.0.0.1:{closed_port()}"
    config = app_config.model_copy(
        update={"home": tmp_home, "chroma": app_config.chroma.model_copy(update={"url": url})}
    )
    with pytest.raises(WhyrecError, match=f"cannot reach the Chroma server at {url}"):
        ItemIndex.open(config, catalog)


def test_the_agent_answers_clearly_when_chroma_is_down(
    app_config: AppConfig, catalog: Catalog, tmp_home: Path, make_hardened_agent: Callable[..., Agent]
) -> None:
    from tests.agent.fakes import Plan, ScriptedPlanner, call
    from whyrec.tools.resources import Resources

    url = f"http://127.0.0.1:{closed_port()}"
    config = app_config.model_copy(update={"chroma": app_config.chroma.model_copy(update={"url": url})})
    resources = Resources(config, catalog=catalog)
    planner = ScriptedPlanner(lambda m, p: Plan("recommend", [call("search_items", query="heist thriller", k=5)]))
    agent = make_hardened_agent(resources=resources, semantic=planner)
    result = agent.turn("a heist thriller", session_id="chroma-down")
    assert f"cannot reach the Chroma server at {url}" in result.reply
    assert "Something went wrong" not in result.reply
    lookup = ScriptedPlanner(lambda m, p: Plan("item_info", [call("lookup_item", item="Heat")]))
    agent = make_hardened_agent(resources=resources, semantic=lookup)
    assert "Heat (1995)" in agent.turn("tell me about Heat", session_id="chroma-down").reply  # the rest still works
