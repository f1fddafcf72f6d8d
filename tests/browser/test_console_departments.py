"""Department health and service switches in a real browser, desktop and a phone's 390 px:
a department down shows its open circuit and the citizen waiting; a dept_admin switches a
service off until a date with the form, and the page says when it returns. Screenshots go to
test-artifacts/ (docs/images/ with MM_UPDATE_DOC_IMAGES=1)."""

from __future__ import annotations

from typing import Any

import pytest

from manamitra.store import Database
from tests.browser.test_console import SHOTS
from tests.console.live_helpers import PASSWORD, add_officers
from tests.support.live import LiveServer
from tests.support.phone import Phone

pytestmark = pytest.mark.browser


def _sign_in(page: Any, url: str, username: str) -> None:
    page.goto(f"{url}/console/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/console/inbox")


def _shoot(page: Any, url: str, path: str, name: str) -> None:
    for width, suffix in ((1280, ""), (390, "-390")):
        page.set_viewport_size({"width": width, "height": 900 if width > 400 else 844})
        page.goto(f"{url}{path}")
        page.evaluate("document.fonts.ready")
        page.screenshot(path=str(SHOTS / f"{name}{suffix}.png"), full_page=True)
        if width == 390:
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, path


def test_health_and_switches_pages_in_a_browser(live: LiveServer, browser_page: Any) -> None:
    database = Database(live.settings.database_url)
    with database.unit_of_work() as db:
        add_officers(db, (("admin.municipal", "dept_admin", "municipal", None),))
    database.dispose()
    with live.client(timeout=30) as client:
        citizen = Phone(client, "919700000601", "Ravi")
        citizen.say("Hi")
        citizen.send(button_id="lang:en")
        citizen.tap("svc:civil_supplies.rice_card_status", citizen.say("rice card status"))
        citizen.say("2810453712")
        client.post("/sandbox/api/departments/serp/down", json={"down": True})
        for number in ("919700000602", "919700000603"):
            phone = Phone(client, number, "Sita")
            phone.say("Hi")
            phone.send(button_id="lang:te")
            phone.tap("svc:serp.pension_status", phone.say("pension status"))
            phone.say("1020304051")
        phone.tap("flow:retry")  # the third failure in a row opens SERP's circuit

    page = browser_page
    _sign_in(page, live.url, "admin.municipal")
    page.goto(f"{live.url}/console/departments?lang=en")
    text = page.inner_text("main")
    assert "SERP pensions" in text and "Civil Supplies (ePDS)" in text
    assert "HTTP 503" in text and "Open (not answering)" in text
    serp = page.inner_text("table.health tr:has-text('SERP')")
    assert "\t2\t" in serp or "Citizens waiting: 2" in serp or "\n2\n" in serp, serp
    _shoot(page, live.url, "/console/departments", "console-departments")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live.url}/console/services?q=trade")
    row = page.locator("tr[id='municipal.trade_licence_new']")
    row.locator("summary").click()
    row.locator("input[value=off]").check()
    row.locator("input[name=until]").fill("2031-01-15T10:00")
    row.locator("button[type=submit]").click()
    page.wait_for_url("**/console/services?saved=1*")
    page.goto(f"{live.url}/console/services?q=trade")
    assert "returns 15-01-2031 10:00 AM" in page.inner_text("tr[id='municipal.trade_licence_new']")
    _shoot(page, live.url, "/console/services?q=trade", "console-switches")
    page.goto(f"{live.url}/console/departments?lang=te")
    assert "శాఖల వ్యవస్థలు" in page.inner_text("main")
    _shoot(page, live.url, "/console/departments", "console-departments-te")
