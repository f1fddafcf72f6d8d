"""Analytics over the lake, by role and jurisdiction: an officer of Guntur never sees NTR's
rows (on the page or in any CSV), the funnel and the payments (events with no district) are
for department and state administrators only, and a state administrator sees everything."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from manamitra.events import record_event
from manamitra.lake.export import export
from tests.console.conftest import Console

GUNTUR, NTR = "guntur", "ntr"


def _events(console: Console) -> None:
    with console.database.unit_of_work() as db:
        for district, mandal, count in ((GUNTUR, "guntur.tenali", 4), (NTR, "ntr.nandigama", 6)):
            office = f"municipal.{mandal}"
            for index in range(count):
                citizen = f"91984{district[:1] == 'g'}{index:06d}"
                common = {"citizen": citizen, "service": "grievances.water_supply"}
                record_event(
                    db,
                    "grievance.opened",
                    department="municipal",
                    district=district,
                    mandal=mandal,
                    office=office,
                    category="water_supply",
                    **common,
                )
                record_event(
                    db,
                    "grievance.resolved",
                    department="municipal",
                    district=district,
                    mandal=mandal,
                    office=office,
                    category="water_supply",
                    outcome="resolved",
                    within_sla=index % 2 == 0,
                    duration_s=86400,
                    **common,
                )
                record_event(
                    db,
                    "rating.given",
                    department="municipal",
                    district=district,
                    subject="grievance",
                    score=8,
                    **common,
                )
                record_event(
                    db,
                    "step.reached",
                    department="municipal",
                    step="description",
                    position=1,
                    **common,
                )
                record_event(
                    db,
                    "payment.confirmed",
                    citizen=citizen,
                    service="municipal.pay_property_tax",
                    department="municipal",
                    kind="bill",
                    method="upi",
                    amount_paise=120000,
                )
    export(console.database, console.app.state.runtime.parts.lake, lag=timedelta(0))


def _csv(console: Console, name: str) -> list[dict[str, str]]:
    response = console.client.get(f"/console/analytics/{name}.csv")
    assert response.status_code == 200, (name, response.status_code)
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.text)))


def test_an_officer_of_one_district_never_sees_anothers_rows(console: Console) -> None:
    _events(console)
    assert console.login("officer.guntur") == 303
    page = console.client.get("/console/analytics?days=7", headers={"accept-language": "en"})
    assert page.status_code == 200
    assert "<svg" in page.text and "Water supply" in page.text
    assert "Nandigama" not in page.text and "NTR" not in page.text
    days = _csv(console, "services_per_day")
    assert {row["district"] for row in days} == {GUNTUR}
    assert sum(int(row["uses"]) for row in days) == 5  # and the fixture's street light
    offices = _csv(console, "sla_by_office")
    assert [(r["office"], r["decided"], r["on_time"]) for r in offices] == [
        ("municipal.guntur.tenali", "4", "2")
    ]
    assert {r["mandal"] for r in _csv(console, "grievance_categories")} == {"guntur.tenali"}
    assert [r["ratings"] for r in _csv(console, "satisfaction")] == ["4"]
    for statewide in ("funnel", "payments"):
        assert console.client.get(f"/console/analytics/{statewide}.csv").status_code == 404
    assert "carry no district" in page.text


def test_a_state_administrator_sees_every_district_and_the_funnel(console: Console) -> None:
    _events(console)
    assert console.login("admin.state") == 303
    assert {row["district"] for row in _csv(console, "services_per_day")} >= {GUNTUR, NTR}
    funnel = _csv(console, "funnel")
    assert [(r["service"], r["step"], r["citizens"]) for r in funnel] == [
        ("grievances.water_supply", "description", "10")
    ]
    assert [r["collected_paise"] for r in _csv(console, "payments")] == ["1200000"]
    page = console.client.get("/console/analytics", headers={"accept-language": "en"})
    assert "Nandigama" in page.text and "Tenali" in page.text
    assert "₹12,000" in page.text
