"""The real page in Debian's Chromium: recommend, ask why, run a what-if; screenshots land in test-artifacts/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.ui.conftest import Served
from tests.ui.fake_agent import USERS

pytestmark = pytest.mark.browser
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]  # fmt: skip
TIMEOUT_MS = 20_000


@pytest.fixture(scope="module")
def page(served: Served) -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(served.url)
        page.wait_for_selector("#chat")
        yield page
        browser.close()


def send(page: Any, text: str) -> None:
    box = page.locator("textarea").first
    box.fill(text)
    box.press("Enter")


def test_recommend_why_and_whatif_flows(page: Any, served: Served) -> None:
    send(page, "Recommend something like Heat but newer, no horror")
    page.wait_for_selector("text=Here are five films for you.")
    cards = page.locator(".whyrec-card")
    cards.nth(4).wait_for()
    assert cards.count() == 5
    assert "Toy Story (1995)" in cards.first.inner_text()
    assert page.get_by_text("Ranking with the GCN…").count() >= 1  # the tool step, as a titled message
    assert_compact_thumbs(page)
    page.screenshot(path=str(ARTIFACTS / "ui-1-recommend.png"), full_page=True)

    send(page, "why the first one?")
    page.wait_for_selector("text=Without Matrix, The it drops out.")
    page.locator("#why img").wait_for()
    assert page.locator("#why img").get_attribute("src", timeout=TIMEOUT_MS)
    page.screenshot(path=str(ARTIFACTS / "ui-2-why.png"), full_page=True)

    send(page, "what if I watched more comedies?")
    page.wait_for_selector("text=Two comedies enter your top 5.")
    table = page.locator("#whatif table")
    table.wait_for()
    text = table.inner_text()
    assert "Pulp Fiction" in text and "new" in text and "(out)" in text
    page.screenshot(path=str(ARTIFACTS / "ui-3-whatif.png"), full_page=True)


def assert_compact_thumbs(page: Any) -> None:
    """Each card's 👍/👎 sit beside its title: small square buttons, never boxes taller than the card."""
    page.get_by_role("tab", name="Cards").click()
    card = page.locator(".whyrec-card").first.bounding_box()
    for icon in ("👍", "👎"):
        button = page.locator(f"button.whyrec-thumb:has-text('{icon}')").first.bounding_box()
        assert button["height"] <= 48 and button["width"] <= 48, (icon, button)
        assert button["height"] < card["height"], (icon, button, card)
        assert abs(button["y"] - card["y"]) < card["height"] / 2, (icon, button, card)  # beside the title


def test_effect_shows_estimate_and_dag(page: Any, served: Served) -> None:
    send(page, "does featuring a film on the home page make people watch it?")
    page.wait_for_selector("text=Featuring raises watching by 4 points.")
    page.locator("#effect img").wait_for()
    page.locator("#dag img").wait_for()
    page.screenshot(path=str(ARTIFACTS / "ui-4-effect.png"), full_page=True)


def test_switching_to_a_movielens_user(page: Any, served: Served) -> None:
    page.locator("#user input").fill("414")
    page.get_by_role("option", name=USERS[414]).click()
    page.locator("#profile").get_by_text(USERS[414]).wait_for()
    assert any(p.user_id == 414 for p in served.agent.profiles.values())


def test_thumbs_up_reaches_the_next_turn(page: Any, served: Served) -> None:
    page.get_by_role("tab", name="Cards").click()
    first = page.locator(".whyrec-card").first
    first.wait_for()
    liked_id = int(first.get_attribute("data-item-id") or 0)
    page.locator("button:has-text('👍')").first.click()
    page.locator("#profile").get_by_text("👍").filter(has_not_text="nothing liked").wait_for()
    send(page, "more like that please")
    page.wait_for_function(
        "n => document.querySelectorAll('.whyrec-card').length > 0 && "
        "!document.querySelector('.whyrec-card[data-item-id=\"' + n + '\"]')",
        arg=liked_id,
    )
    assert liked_id in served.agent.seen[-1][2].liked
