"""The officers' console in a real browser: an officer signs in, finds the grievance a citizen
registered through the simulator, resolves it, and the citizen's phone gets the news; an
officer of another district gets 403; a forged form without the CSRF token is refused.
Screenshots of the inbox, the case page and the dashboard go to test-artifacts/, or to
docs/images/ (the README's) when MM_UPDATE_DOC_IMAGES=1."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest

from manamitra.console.demo import DEMO_PASSWORD, seed_console_demo
from manamitra.grievances import cases
from manamitra.store import Database
from tests.browser.conftest import ARTIFACTS
from tests.console.live_helpers import register_street_light
from tests.support.live import LiveServer
from tests.support.parts import TEST_CIPHER
from tests.support.phone import Phone, body_text

pytestmark = pytest.mark.browser
SHOTS = (
    Path(__file__).resolve().parents[2] / "docs" / "images"
    if os.environ.get("MM_UPDATE_DOC_IMAGES") == "1"
    else ARTIFACTS
)
CITIZEN = "919700000301"


def _sign_in(page: Any, url: str, username: str) -> None:
    page.goto(f"{url}/console/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/console/inbox")


def _citizen_told(phone: Phone, needle: str, timeout: float = 15.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for body in phone.outbox():
            if needle in body_text(body):
                return body_text(body)
        time.sleep(0.1)
    raise AssertionError(f"{needle!r} not in the citizen's outbox")


def _no_sideways_scroll(page: Any, url: str, *paths: str) -> None:
    for path in paths:
        page.goto(f"{url}{path}")
        page.evaluate("document.fonts.ready")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path


def _fits_a_phone(page: Any, url: str, number: str) -> None:
    """At a phone's 390 px the inbox scrolls only downwards and each row's deadline shows."""
    page.set_viewport_size({"width": 390, "height": 844})
    try:
        _no_sideways_scroll(page, url, "/console/inbox", f"/console/cases/grievance/{number}")
        page.goto(f"{url}/console/inbox")
        row = page.locator("#rows tbody tr", has_text=number)
        due = row.locator("td.due")
        assert due.is_visible() and row.locator("td.subject").is_visible()
        box = due.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
        label = due.evaluate("cell => getComputedStyle(cell, '::before').content")
        assert "Due by" in label  # the card names the deadline, as the table's heading did
        page.screenshot(path=str(ARTIFACTS / "console-inbox-390.png"), full_page=True)
    finally:
        page.set_viewport_size({"width": 1280, "height": 860})


def test_officer_resolves_in_the_browser_and_the_citizen_is_told(
    live: LiveServer, browser_page: Any
) -> None:
    # The demo's own seed (offices, officers, a working day's worth of cases) around it.
    database = Database(live.settings.database_url)
    seed_console_demo(database, grievances=45, applications=12, cipher=TEST_CIPHER)
    database.dispose()
    with live.client(timeout=30) as client:
        phone = Phone(client, CITIZEN, "Lakshmi")
        number = register_street_light(phone)
        page = browser_page

        _sign_in(page, live.url, "officer.guntur")
        # The browser prefers Telugu (te-IN) and the officer never chose: Telugu, with a
        # switch to English that is kept on the officer.
        assert page.locator("html").get_attribute("lang") == "te"
        page.click("a.lang-switch")
        page.wait_for_selector("h2:text('Inbox')")
        page.fill("input[name=q]", number)
        page.press("input[name=q]", "Enter")
        # The filter swaps the rows in place (no reload): wait for the search's single row.
        # (a locator, not wait_for_function: the page's CSP forbids evaluating strings)
        expect = pytest.importorskip("playwright.sync_api").expect
        expect(page.locator("#rows tbody tr")).to_have_count(1)
        assert number in page.locator("#rows tbody tr").inner_text()
        page.goto(f"{live.url}/console/inbox")
        page.locator(f"a:text('{number}')").wait_for()
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.evaluate("document.fonts.ready")
        page.screenshot(path=str(SHOTS / "console-inbox.png"), full_page=True)
        _fits_a_phone(page, live.url, number)

        page.click(f"a:text('{number}')")
        page.wait_for_selector("text=Rama temple")
        page.click("button:text('Assign to me')")
        page.wait_for_selector("text=Saved.")
        page.fill("textarea[name=note]", "New bulb fitted and tested at night.")
        page.evaluate("document.fonts.ready")
        page.screenshot(path=str(SHOTS / "console-case.png"), full_page=True)
        page.click("button[value=resolve]")
        page.wait_for_selector("text=Saved.")
        assert "Resolved" in page.locator(".timeline").inner_text()

        told = _citizen_told(phone, f"Grievance {number} has been resolved")
        assert "New bulb fitted" in told

        page.goto(f"{live.url}/console/dashboard?lang=te")
        page.wait_for_selector("svg")
        page.evaluate("document.fonts.ready")
        page.screenshot(path=str(SHOTS / "console-dashboard.png"), full_page=True)

        # A forged form (no CSRF token) from a signed-in browser is refused.
        forged = page.request.post(
            f"{live.url}/console/cases/grievance/{number}/action",
            form={"action": "reject", "note": "forged"},
        )
        assert forged.status == 403

        # An officer of another district cannot open the case.
        page.context.clear_cookies()
        _sign_in(page, live.url, "officer.ntr")
        assert number not in page.content()
        response = page.goto(f"{live.url}/console/cases/grievance/{number}")
        assert response is not None and response.status == 403

        # A supervisor's pages (bulk actions, reassigning to a colleague) fit a phone too.
        page.context.clear_cookies()
        _sign_in(page, live.url, "supervisor.guntur")
        page.set_viewport_size({"width": 390, "height": 844})
        paths = ("/console/escalations", "/console/inbox", f"/console/cases/grievance/{number}")
        _no_sideways_scroll(page, live.url, *paths)

    database = Database(live.settings.database_url)
    try:
        with database.unit_of_work() as db:
            row = cases.find_grievance(db, number)
            assert row is not None and row.state == "resolved"
    finally:
        database.dispose()
