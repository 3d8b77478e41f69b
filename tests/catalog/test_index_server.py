"""The index on a real Chroma server (``chroma run`` on loopback), the deployment path of WHYREC_CHROMA_URL."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.progress import Progress

from tests.catalog.index_fixtures import small_catalog
from whyrec.catalog.constraints import Constraints
from whyrec.catalog.index import ItemIndex
from whyrec.catalog.index_commands import prepare
from whyrec.catalog.model import Catalog
from whyrec.catalog.vectorstore import open_client
from whyrec.config import AppConfig, load_config

# The venv's own script first: `make test` runs the venv's python without activating the venv.
CHROMA = shutil.which("chroma", path=str(Path(sys.executable).parent)) or shutil.which("chroma")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[str]:
    if CHROMA is None:
        pytest.skip("the chromadb package provides no `chroma` command here")
    port = _free_port()
    cmd = [CHROMA, "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"chroma run did not start on {url}") from None
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_prepare_and_search_through_a_chroma_server(server: str, catalog: Catalog, tmp_home: Path) -> None:
    tiny = small_catalog(catalog, per_genre=1, popular=10)
    config: AppConfig = load_config(home=tmp_home, chroma={"url": server})
    with Progress(disable=True) as progress:
        assert "embedded" in prepare(config, tiny, progress)
        assert prepare(config, tiny, progress).startswith("up to date")
    assert not (tmp_home / "index").exists()  # nothing stored locally: the server holds the index
    index = ItemIndex.open(config, tiny)
    assert index.search("The Matrix", 1)[0].title == "The Matrix"
    hits = index.search("", 50, constraints=Constraints(genres_include=("Comedy",), year_min=1995))
    assert hits and all("Comedy" in tiny.item(h.item_id).genres for h in hits)
    assert open_client(config).get_collection(config.chroma.collection).count() == tiny.n_items
