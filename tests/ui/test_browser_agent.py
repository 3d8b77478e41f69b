"""The whole stack in the browser: the real agent (semantic planner, real tools on the prepared artifacts).

The scripted-agent test pins the page's behaviour; this one proves the page renders what the real
tools return. Screenshots land in test-artifacts/ as ui-agent-*.png.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.ui.conftest import free_port
from tests.ui.test_browser import ARTIFACTS, CHROMIUM, FLAGS, send
from whyrec.config import AppConfig

pytestmark = pytest.mark.browser
TURN_MS = 60_000  # a turn is seconds on 2 busy cores; the first loads the ranker


@pytest.fixture(scope="module")
def real_url(app_config: AppConfig, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import threading
    import time

    from whyrec.agent.runtime import Agent
    from whyrec.agent.sessions import SessionStore
    from whyrec.ui.app import build_ui
    from whyrec.ui.commands import planner_status
    from whyrec.ui.render import user_summaries
    from whyrec.ui.server import build_server_app, make_server

    config = app_config.model_copy(update={"agent": app_config.agent.model_copy(update={"planner": "semantic"})})
    store = SessionStore(Path(tmp_path_factory.mktemp("sessions")) / "sessions.sqlite")
    agent = Agent(config, store=store)
    catalog = agent.resources.catalog
    blocks = build_ui(
        agent, catalog.items, user_summaries(catalog.ratings, catalog.items),
        lambda: agent.resources.exposure_log.dag, planner_status(config),
    )  # fmt: skip
    server = make_server(build_server_app(agent, blocks, None), "127.0.0.1", free_port())
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        assert thread.is_alive(), "the app did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{server.config.port}"
    finally:
        server.should_exit = True
        thread.join(10)
        agent.close()


def test_real_agent_recommend_why_whatif_effect(real_url: str) -> None:
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), "run `make browser`"
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
        page: Any = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(TURN_MS)
        page.goto(real_url)
        page.wait_for_selector("#chat")

        send(page, "Something like Heat but newer, no horror")
        page.locator(".whyrec-card").nth(2).wait_for()
        genres = page.locator(".whyrec-card-meta").all_inner_texts()
        assert genres and not any("Horror" in g for g in genres)
        page.screenshot(path=str(ARTIFACTS / "ui-agent-1-recommend.png"), full_page=True)

        send(page, "why the first one?")
        page.locator("#why img").wait_for()
        page.screenshot(path=str(ARTIFACTS / "ui-agent-2-why.png"), full_page=True)

        send(page, "what if I watched more comedies?")
        page.locator("#whatif table").wait_for()
        assert "before" in page.locator("#whatif table").inner_text()
        page.screenshot(path=str(ARTIFACTS / "ui-agent-3-whatif.png"), full_page=True)

        send(page, "does featuring a film on the home page make people watch it?")
        page.locator("#effect img").wait_for()
        page.locator("#dag img").wait_for()
        answer = page.locator("#chat").get_by_text("95% CI").last
        answer.wait_for()
        assert answer.inner_text().count("95% CI") == 1  # each fact once: estimate, CI, naive gap, refutations
        page.screenshot(path=str(ARTIFACTS / "ui-agent-4-effect.png"), full_page=True)
        browser.close()
