"""A live app on loopback (a free port, in a thread) over the scripted agent, stopped after the tests."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.ui.fake_agent import DAG, USERS, FakeAgent


@dataclass
class Served:
    url: str
    agent: FakeAgent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(agent: FakeAgent, auth: tuple[str, str] | None = None) -> Iterator[Served]:
    from whyrec.ui.app import build_ui
    from whyrec.ui.server import build_server_app, make_server

    blocks = build_ui(agent, agent.items, USERS, lambda: DAG, "*Planner: scripted test agent.*")
    port = free_port()
    server = make_server(build_server_app(agent, blocks, auth), "127.0.0.1", port)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the app did not start"
        time.sleep(0.05)
    try:
        yield Served(f"http://127.0.0.1:{port}", agent)
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    yield from serve(FakeAgent(delay_s=0.3))
