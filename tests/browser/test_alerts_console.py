"""The alerts pages in a real browser, at a desktop's width and a phone's 390 px: templates,
campaigns with a paused one's reason, and a campaign's progress with its counts. Screenshots
go to test-artifacts/ (docs/images/ with MM_UPDATE_DOC_IMAGES=1)."""

from __future__ import annotations

from typing import Any

import pytest

from manamitra import alerts
from manamitra.alerts import campaigns, subscriptions
from manamitra.alerts.templates import TemplateInfo, save
from manamitra.alerts.topics import ALL
from manamitra.console.demo import seed_console_demo
from manamitra.privacy import Cipher
from manamitra.store import Database
from tests.browser.test_console import SHOTS, _sign_in
from tests.support.live import LiveServer

pytestmark = pytest.mark.browser


def _campaigns(url: str, cipher: Cipher) -> int:
    database = Database(url)
    try:
        seed_console_demo(database, grievances=5, applications=2, cipher=cipher)
        with database.unit_of_work() as db:
            for i in range(40):
                subscriptions.record(db, f"9198{i:08d}", ALL, True, source="test")
        save(
            database,
            [
                TemplateInfo(
                    "flood_warning",
                    "te",
                    "utility",
                    "వరద హెచ్చరిక: {{1}} నదికి {{2}}. సురక్షిత ప్రాంతాలకు వెళ్ళండి.",
                    "APPROVED",
                    quality="GREEN",
                ),
                TemplateInfo(
                    "flood_warning",
                    "en",
                    "utility",
                    "Flood warning: {{1}} river at {{2}}. Move to safe places.",
                    "APPROVED",
                    quality="YELLOW",
                ),
                TemplateInfo("scheme_news", "en", "marketing", "New scheme: {{1}}", "PENDING"),
            ],
        )
        first = alerts.create(
            database,
            alerts.NewCampaign(
                "flood_warning",
                "te",
                "all",
                by="admin.state",
                params=["Krishna", "danger level"],
                topic="floods",
            ),
        )
        alerts.approve(database, first, "admin.municipal")
        alerts.start(database, first)
        campaigns.pause_all(database, "quality_flagged")
        alerts.create(
            database,
            alerts.NewCampaign(
                "flood_warning",
                "en",
                "all",
                by="admin.state",
                params=["Godavari", "warning"],
                topic="floods",
            ),
        )
        return first
    finally:
        database.dispose()


def test_alerts_pages_at_desktop_and_phone_width(live: LiveServer, browser_page: Any) -> None:
    page = browser_page
    first = _campaigns(live.settings.database_url, live.app.state.runtime.parts.privacy)
    _sign_in(page, live.url, "admin.state")
    for width, suffix in ((1280, ""), (390, "-390")):
        page.set_viewport_size({"width": width, "height": 860 if width > 400 else 844})
        for path, name in (
            ("/console/alerts?lang=en", "console-alerts"),
            (f"/console/alerts/campaigns/{first}?lang=te", "console-campaign"),
        ):
            page.goto(f"{live.url}{path}")
            page.evaluate("document.fonts.ready")
            page.screenshot(path=str(SHOTS / f"{name}{suffix}.png"), full_page=True)
            if width == 390:
                assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    page.goto(f"{live.url}/console/alerts?lang=en")
    assert "Meta flagged our number" in page.content()


def test_an_admin_creates_a_campaign_in_the_browser(live: LiveServer, browser_page: Any) -> None:
    page = browser_page
    _campaigns(live.settings.database_url, live.app.state.runtime.parts.privacy)
    _sign_in(page, live.url, "admin.state")
    page.set_viewport_size({"width": 1280, "height": 860})
    page.goto(f"{live.url}/console/alerts?lang=te")
    page.click("details.new-campaign summary")
    page.select_option("select[name=template]", "flood_warning")
    page.select_option("select[name=language]", "te")
    page.fill("input[name=audience]", "all")
    page.select_option("select[name=topic]", "floods")
    page.fill("textarea[name=params]", "కృష్ణా\nప్రమాద స్థాయి")
    page.click("form.campaign-form button")
    page.wait_for_url("**/console/alerts/campaigns/*?done=create")
    created = int(page.url.split("/campaigns/")[1].split("?")[0])
    page.goto(f"{live.url}/console/alerts?lang=te")
    assert f'href="/console/alerts/campaigns/{created}"' in page.content()
    page.goto(f"{live.url}/console/alerts?lang=en")
    page.click("details.new-campaign summary")
    for width, suffix in ((1280, ""), (390, "-390")):
        page.set_viewport_size({"width": width, "height": 860 if width > 400 else 844})
        page.evaluate("document.fonts.ready")
        page.screenshot(path=str(SHOTS / f"console-campaign-form{suffix}.png"), full_page=True)
        if width == 390:
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
