"""A caste sealed in the answers is read by the officer who decides the application and shown
masked to an administrator overseeing it; neither page ever shows the sealed form."""

from __future__ import annotations

from manamitra import clock
from manamitra.privacy import SEALED_MASK
from manamitra.store.models import Application
from tests.console.conftest import Console

CASTE = "Gavara Kapu"


def _application(console: Console) -> str:
    cipher = console.app.state.runtime.parts.privacy  # type: ignore[attr-defined]
    now = clock.now()
    with console.database.unit_of_work() as db:
        db.add(
            Application(
                number="REV-2026-900020",
                service_id="revenue.caste_certificate",
                department="revenue",
                citizen="919876533334",
                title={"en": "Caste certificate", "te": "కుల ధృవీకరణ పత్రం"},
                applicant_name="Sujatha",
                language="en",
                status="submitted",
                answers={"applicant_name": "Sujatha", "caste": cipher.seal_text(CASTE)},
                documents=[],
                district="guntur",
                mandal="guntur.tenali",
                submitted_at=now,
                updated_at=now,
            )
        )
    return "REV-2026-900020"


def test_the_deciding_officer_reads_the_caste_an_administrator_sees_it_masked(
    console: Console,
) -> None:
    path = f"/console/cases/application/{_application(console)}"
    console.login("tahsildar.guntur")
    page = console.client.get(path).text
    assert CASTE in page and SEALED_MASK not in page
    assert "&#39;enc&#39;" not in page and "'enc'" not in page  # never the sealed form
    console.client.post("/console/logout", data={"csrf_token": console.csrf("/console/inbox")})

    console.login("admin.state")
    page = console.client.get(path).text
    assert "Sujatha" in page
    assert CASTE not in page and SEALED_MASK in page
    assert "&#39;enc&#39;" not in page and "'enc'" not in page
