"""The phone simulator in a real browser: say Hi, pick Telugu, open the menu, save a screenshot."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.support.live import LiveServer

pytestmark = pytest.mark.browser

RAVI = "919876543210"


def _wait_for(predicate: Any, timeout: float = 10.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"{what}: not met in {timeout} s")


def test_citizen_says_hi_picks_telugu_and_opens_the_menu(
    live: LiveServer, browser_page: Any
) -> None:
    page = browser_page
    page.goto(f"{live.url}/sandbox")
    page.wait_for_selector("body[data-ready=true]")
    phone = page.locator(f"[data-testid=phone][data-phone='{RAVI}']")
    phone.wait_for()

    phone.get_by_test_id("composer-input").fill("Hi")
    phone.get_by_test_id("composer-send").click()
    mine = phone.locator("[data-testid=message][data-direction=from-phone]").first
    mine.wait_for()
    assert mine.inner_text().startswith("Hi")

    telugu = phone.locator("[data-testid=reply-button][data-id='lang:te']")
    telugu.wait_for(timeout=15_000)
    assert phone.locator("[data-testid=reply-button][data-id='lang:en']").count() == 1
    telugu.click()

    menu = phone.get_by_test_id("list-open").last
    menu.wait_for(timeout=15_000)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "simulator-chat.png"))
    menu.click()
    sheet = phone.get_by_test_id("list-sheet")
    sheet.wait_for(state="visible")
    rows = sheet.get_by_test_id("list-row")
    assert 6 <= rows.count() <= 10
    assert any("\u0c00" <= ch <= "\u0c7f" for ch in sheet.inner_text()), "menu is in Telugu"

    # The simulated phone showed the platform's messages: the emulator posted `read` for them.
    def business_statuses() -> list[str] | None:
        chat = live.client().get("/sandbox/api/messages", params={"phone": RAVI}).json()
        statuses = [m["status"] for m in chat if m["direction"] == "out"]
        return statuses if statuses and all(s == "read" for s in statuses) else None

    assert _wait_for(business_statuses, what="every platform message read on the phone")
    page.screenshot(path=str(ARTIFACTS / "simulator.png"))

    before = phone.locator("[data-testid=message][data-direction=from-business]").count()
    rows.first.click()
    sheet.get_by_test_id("list-send").click()
    assert sheet.is_hidden()
    _wait_for(
        lambda: (
            phone.locator("[data-testid=message][data-direction=from-business]").count() > before
        ),
        15.0,
    )
    outbox = live.client().get("/sandbox/api/outbox", params={"to": RAVI}).json()
    kinds = [b["interactive"]["type"] for b in outbox if b["type"] == "interactive"]
    assert kinds[:2] == ["button", "list"]
