"""The console's analytics and the public open-data page in a real browser, at a desk's width
and a phone's 390 px (nothing scrolls sideways), over a month of synthetic events exported to
the lake. Screenshots go to test-artifacts/, or docs/images/ with MM_UPDATE_DOC_IMAGES=1."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from manamitra.console.demo import DEMO_PASSWORD, seed_console_demo
from manamitra.lake.export import export
from manamitra.lake.publish import publish
from manamitra.lake.synthetic import fill
from manamitra.store import Database
from tests.browser.conftest import ARTIFACTS
from tests.support.live import LiveServer

pytestmark = pytest.mark.browser
SHOTS = (
    Path(__file__).resolve().parents[2] / "docs" / "images"
    if os.environ.get("MM_UPDATE_DOC_IMAGES") == "1"
    else ARTIFACTS
)


def _sign_in(page: Any, url: str, username: str) -> None:
    page.goto(f"{url}/console/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/console/inbox")


def test_analytics_and_open_data_at_a_desk_and_on_a_phone(
    live: LiveServer, browser_page: Any
) -> None:
    database = Database(live.settings.database_url)
    try:
        seed_console_demo(
            database, grievances=20, applications=8, cipher=live.app.state.runtime.parts.privacy
        )
        fill(database, 30_000, citizens=3_000)
        lake = live.app.state.runtime.parts.lake
        export(database, lake, lag=timedelta(0))
        publish(lake, lake.open_data)
    finally:
        database.dispose()
    page = browser_page
    _sign_in(page, live.url, "admin.state")
    page.goto(f"{live.url}/console/analytics?lang=en")
    page.evaluate("document.fonts.ready")
    assert page.locator("section.chart svg").count() >= 6
    page.screenshot(path=str(SHOTS / "console-analytics.png"), full_page=True)
    csv_link = page.locator("#satisfaction a", has_text="CSV")
    with page.expect_download() as download:
        csv_link.click()
    assert download.value.suggested_filename == "satisfaction.csv"

    page.goto(f"{live.url}/console/logout")
    page.context.clear_cookies()
    _sign_in(page, live.url, "officer.guntur")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live.url}/console/analytics")
    page.evaluate("document.fonts.ready")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    text = page.inner_text("main")
    assert "గుంటూరు" in text and "విజయవాడ" not in text
    page.screenshot(path=str(SHOTS / "console-analytics-phone.png"), full_page=True)

    page.goto(f"{live.url}/open-data?lang=te")
    page.evaluate("document.fonts.ready")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert "ఓపెన్ డేటా" in page.inner_text("header")
    page.screenshot(path=str(SHOTS / "open-data-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 860})
    page.goto(f"{live.url}/open-data?lang=en")
    assert "suppressed" in page.inner_text("main")
    page.screenshot(path=str(SHOTS / "open-data.png"), full_page=True)
