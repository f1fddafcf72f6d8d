"""Correction requests in a real browser, desktop and a phone's 390 px: the tahsildar's list of
waiting requests, a request's page with the verified and the asked-for value, and its
approval by the form. Screenshots go to test-artifacts/ (docs/images/ with
MM_UPDATE_DOC_IMAGES=1)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from manamitra import clock, profile
from manamitra.grievances.applications import case_for
from manamitra.privacy import Cipher
from manamitra.services.catalog_check import load_checked_catalog
from manamitra.store import Database
from manamitra.store.models import Application, ProfileCorrection
from tests.browser.test_console_departments import _shoot, _sign_in
from tests.console.live_helpers import add_officers
from tests.support.live import LiveServer

pytestmark = pytest.mark.browser
CITIZENS = ("919700000941", "919700000942")


def _seed(live: LiveServer) -> list[str]:
    """Two approved income certificates in Tenali, and a correction asked on each."""
    catalog = load_checked_catalog()
    cipher = Cipher.from_settings(live.settings)
    database = Database(live.settings.database_url)
    numbers = []
    try:
        with database.unit_of_work() as db:
            add_officers(db, (("tahsildar.guntur", "officer", "revenue", "guntur"),))
            now = clock.now()
            for index, (citizen, name, father, typed) in enumerate(
                (
                    (CITIZENS[0], "Lakshmi Devi", "Venkata Rao", "Venkata Rao Garu"),
                    (CITIZENS[1], "Suresh Babu", "Ramaiah", "Ramayya"),
                )
            ):
                application = Application(
                    number=f"REV-2026-90005{index}",
                    service_id="revenue.income_certificate",
                    department="revenue",
                    citizen=citizen,
                    title={"en": "Income certificate", "te": "ఆదాయ ధృవీకరణ పత్రం"},
                    applicant_name=name,
                    language="te",
                    status="approved",
                    answers={"applicant_name": name, "father_name": father, "relation": "son"},
                    documents=[],
                    district="guntur",
                    mandal="guntur.tenali",
                    submitted_at=now - timedelta(days=9),
                    updated_at=now - timedelta(days=2),
                    decided_at=now - timedelta(days=2),
                    decided_by="tahsildar.guntur",
                )
                db.add(application)
                db.flush()
                case_for(db, application)
                fact = profile.verified_facts(db, citizen, catalog)["father_name"]
                numbers.append(profile.request_correction(db, cipher, citizen, fact, typed).number)
    finally:
        database.dispose()
    return numbers


def test_tahsildar_decides_a_correction_in_the_browser(live: LiveServer, browser_page: Any) -> None:
    page = browser_page
    first, second = _seed(live)
    _sign_in(page, live.url, "tahsildar.guntur")
    _shoot(page, live.url, "/console/corrections", "console-corrections")
    listed = page.locator("table.corrections tbody tr")
    assert listed.count() == 2
    _shoot(page, live.url, f"/console/corrections/{first}", "console-correction")
    assert page.locator("text=Venkata Rao Garu").count() == 1

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live.url}/console/corrections/{first}")
    page.click("button[value=approve]")
    page.wait_for_url(f"**/console/corrections/{first}?ok=1")
    assert page.locator(".correction-approved").count() == 1

    database = Database(live.settings.database_url)
    try:
        with database.unit_of_work() as db:
            row = db.query(ProfileCorrection).filter_by(number=first).one()
            assert row.status == "approved" and row.corrected == "Venkata Rao Garu"
            assert row.decided_by == "tahsildar.guntur"
    finally:
        database.dispose()
    page.goto(f"{live.url}/console/corrections")
    assert second in page.content() and first not in page.content()
    _shoot(page, live.url, "/console/corrections?decided=1", "console-corrections-decided")
