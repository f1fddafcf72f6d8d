"""The console's department health (calls, errors, latency, circuit) and the service switches
a dept_admin sets for their own department only, in English and Telugu."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from manamitra import clock
from manamitra.app import create_app
from manamitra.departments.declaration import Circuit
from manamitra.departments.health import DepartmentHealth
from manamitra.departments.shared_health import publish_once
from manamitra.errors import DepartmentUnavailableError
from manamitra.services.switches import availability
from manamitra.settings import load_settings
from manamitra.store.models import AuditEntry
from tests.console.conftest import Console, SyncClient
from tests.console.live_helpers import add_officers


@pytest.fixture
def console(database_url: str, tmp_path: Path) -> Iterator[Console]:
    settings = load_settings(database_url=database_url, data_dir=tmp_path)
    app = create_app(settings, demo=True, background=False)
    database = app.state.runtime.database
    with database.unit_of_work() as db:
        add_officers(
            db,
            (
                ("officer.guntur", "officer", "municipal", "guntur"),
                ("supervisor.guntur", "supervisor", "municipal", "guntur"),
                ("admin.municipal", "dept_admin", "municipal", None),
            ),
        )
    client = SyncClient(app)
    try:
        yield Console(client=client, database=database, number="", app=app)
    finally:
        client.close()
        database.dispose()


def test_health_page_shows_calls_errors_and_an_open_circuit(console: Console) -> None:
    wired = console.app.state.runtime.parts.department_health  # type: ignore[attr-defined]
    assert wired is not None
    wired.engines["serp"]._sleep = lambda _s: None
    assert wired.systems.lookup("ration_card", "2810453712") is not None
    wired.stand_ins["serp"].down = True
    for _ in range(3):  # serp's circuit opens after 3 failures
        with pytest.raises(DepartmentUnavailableError):
            wired.systems.lookup("pension", "1020304051")
    assert console.login("supervisor.guntur") == 303
    page = console.client.get("/console/departments?lang=en").text
    assert "Civil Supplies (ePDS)" in page and "SERP pensions" in page
    assert "Open (not answering)" in page and "Closed (healthy)" in page
    assert "HTTP 503" in page and "Sandbox stand-in" in page
    telugu = console.client.get("/console/departments?lang=te").text
    assert "తెరిచి ఉంది (స్పందించడం లేదు)" in telugu and "పౌర సరఫరాల శాఖ" in telugu


def test_health_page_adds_up_every_process_of_the_platform(console: Console) -> None:
    """Another process (its counters published to the database) called SERP and found its
    circuit open; this one called it once: the page shows the platform's sums."""
    wired = console.app.state.runtime.parts.department_health  # type: ignore[attr-defined]
    assert wired.systems.lookup("pension", "1020304051") is not None
    other = DepartmentHealth("serp", Circuit(failures=3, open_seconds=30))
    for _ in range(4):
        other.succeeded(0.02)
    for _ in range(3):
        other.failed(0.3, "serp/pension: HTTP 503")
    publish_once(console.database, "another-process", [other])
    assert console.login("supervisor.guntur") == 303
    page = console.client.get("/console/departments?lang=en").text
    row = page[page.find("SERP pensions") :]
    row = row[: row.find("</tr>")]
    cells = re.findall(r'data-label="(Calls|Errors|Error rate)">([^<]*)<', row)
    assert cells == [("Calls", "8"), ("Errors", "3"), ("Error rate", "38 %")], row
    assert "Open (not answering)" in row and "open in 1 of 2 processes" in row
    telugu = console.client.get("/console/departments?lang=te").text
    assert "2 ప్రాసెస్‌లలో 1లో తెరిచి ఉంది" in telugu


def test_an_officer_cannot_see_department_health_or_switches(console: Console) -> None:
    console.login("officer.guntur")
    assert console.client.get("/console/departments").status_code == 403
    assert console.client.get("/console/services").status_code == 403


def test_dept_admin_switches_their_own_service_off_until_a_time(console: Console) -> None:
    console.login("admin.municipal")
    page = console.client.get("/console/services?lang=en").text
    assert "municipal.trade_licence_new" in page
    assert "revenue.income_certificate" not in page
    token = console.csrf("/console/services")
    response = console.client.post(
        "/console/services/municipal.trade_licence_new/switch",
        data={"csrf_token": token, "state": "off", "until": "2031-01-15T10:00"},
    )
    assert response.status_code == 200 and "Saved." in response.text
    assert "returns 15-01-2031" in response.text, response.text[
        response.text.find("trade_licence_new") :
    ][:900]
    with console.database.unit_of_work() as db:
        gate = availability(db, "municipal.trade_licence_new", clock.now())
        assert gate.state == "off"
        assert clock.format_ist(gate.returns_at) == "15-01-2031 10:00 AM"  # type: ignore[arg-type]
        entry = db.query(AuditEntry).filter_by(action="service_switch").one()
        assert entry.actor == "admin.municipal" and entry.detail["state"] == "off"
    refused = console.client.post(
        "/console/services/revenue.income_certificate/switch",
        data={"csrf_token": token, "state": "off"},
    )
    assert refused.status_code == 403
