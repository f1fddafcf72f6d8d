"""Jurisdiction at office level: a tahsildar sees and decides their own mandal's applications
only (the inbox, the case page and the action URL alike); the district's supervisor keeps the
whole district."""

from __future__ import annotations

from manamitra import clock
from manamitra.console import auth
from manamitra.store.models import Application, ApplicationCase
from tests.console.conftest import Console
from tests.console.live_helpers import PASSWORD


def _application(console: Console, number: str, mandal: str) -> str:
    now = clock.now()
    with console.database.unit_of_work() as db:
        db.add(
            Application(
                number=number,
                service_id="revenue.income_certificate",
                department="revenue",
                citizen="919876544444",
                title={"en": "Income certificate", "te": "ఆదాయ ధృవీకరణ పత్రం"},
                applicant_name="Ravi Kumar",
                language="en",
                status="submitted",
                answers={"applicant_name": "Ravi Kumar", "annual_income": 12000000},
                documents=[],
                district="guntur",
                mandal=mandal,
                fee_paise=4500,
                submitted_at=now,
                updated_at=now,
            )
        )
    return number


def _officers(console: Console) -> None:
    with console.database.unit_of_work() as db:
        auth.create_officer(
            db,
            username="tahsildar.tenali",
            password=PASSWORD,
            role="officer",
            department="revenue",
            district="guntur",
            office_id="revenue.guntur.tenali",
            name="Tahsildar, Tenali",
        )
        auth.create_officer(
            db,
            username="collector.guntur",
            password=PASSWORD,
            role="supervisor",
            department="revenue",
            district="guntur",
            office_id="revenue.guntur",
            name="Joint Collector, Guntur",
        )


def _act(console: Console, number: str, action: str) -> int:
    path = f"/console/cases/application/{number}"
    token = console.csrf("/console/inbox")
    response = console.client.post(
        f"{path}/action",
        data={"action": action, "note": "", "csrf_token": token},
        follow_redirects=False,
    )
    return response.status_code


def _state(console: Console, number: str) -> str:
    with console.database.unit_of_work() as db:
        case = db.get(ApplicationCase, number)
        assert case is not None
        return case.state


def test_tenali_tahsildar_neither_sees_nor_decides_a_mangalagiri_case(console: Console) -> None:
    _officers(console)
    tenali = _application(console, "REV-2026-900101", "guntur.tenali")
    mangalagiri = _application(console, "REV-2026-900102", "guntur.mangalagiri")
    assert console.login("tahsildar.tenali") == 303
    inbox = console.client.get("/console/inbox?kind=application").text
    assert tenali in inbox and mangalagiri not in inbox
    assert console.client.get(f"/console/cases/application/{mangalagiri}").status_code == 403
    assert _act(console, mangalagiri, "verify") == 403
    assert _state(console, mangalagiri) == "submitted"
    assert _act(console, tenali, "verify") == 303
    assert _state(console, tenali) == "in_review"


def test_district_supervisor_sees_and_decides_every_mandal(console: Console) -> None:
    _officers(console)
    tenali = _application(console, "REV-2026-900101", "guntur.tenali")
    mangalagiri = _application(console, "REV-2026-900102", "guntur.mangalagiri")
    assert console.login("collector.guntur") == 303
    inbox = console.client.get("/console/inbox?kind=application").text
    assert tenali in inbox and mangalagiri in inbox
    page = console.client.get(f"/console/cases/application/{mangalagiri}")
    assert page.status_code == 200 and "Tahsildar Office, Mangalagiri" in page.text
    assert _act(console, mangalagiri, "verify") == 303
    assert _state(console, mangalagiri) == "in_review"
