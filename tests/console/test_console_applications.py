"""The same console decides applications: see the answers, ask for a document, approve."""

from __future__ import annotations

from sqlalchemy import select

from manamitra import clock
from manamitra.store.models import Application, ApplicationCase, OutboundMessage
from tests.console.conftest import Console


def _application(console: Console) -> str:
    now = clock.now()
    with console.database.unit_of_work() as db:
        db.add(
            Application(
                number="REV-2026-900010",
                service_id="revenue.income_certificate",
                department="revenue",
                citizen="919876533333",
                title={"en": "Income certificate", "te": "ఆదాయ ధృవీకరణ పత్రం"},
                applicant_name="Sujatha",
                language="te",
                status="submitted",
                answers={
                    "applicant_name": "Sujatha",
                    "annual_income": 12000000,  # paise: ₹1,20,000
                    "aadhaar": {"enc": "x", "last4": "4321"},
                },
                documents=[],
                district="guntur",
                mandal="guntur.tenali",
                fee_paise=3500,
                submitted_at=now,
                updated_at=now,
            )
        )
    return "REV-2026-900010"


def test_revenue_officer_asks_for_a_document_then_approves(console: Console) -> None:
    number = _application(console)
    console.login("tahsildar.guntur")
    inbox = console.client.get("/console/inbox?kind=application").text
    assert number in inbox and console.number not in inbox  # street lights are municipal
    path = f"/console/cases/application/{number}"
    page = console.client.get(path).text
    assert "Sujatha" in page and "XXXX XXXX 4321" in page
    # The amount as the certificate prints it, never the paise it is stored in.
    assert "<th>Yearly income</th><td>₹1,20,000</td>" in page and "12000000" not in page
    token = console.csrf(path)
    refused = console.client.post(
        f"{path}/action", data={"action": "request_document", "note": "", "csrf_token": token}
    )
    assert refused.status_code == 409
    for action, note in (("request_document", "Please send your ration card."), ("approve", "")):
        if action == "approve":
            with console.database.unit_of_work() as db:
                case = db.get(ApplicationCase, number)
                assert case is not None and case.state == "needs_document"
                case.state = "in_review"  # the citizen's photo arrived (tested in grievances/)
        response = console.client.post(
            f"{path}/action",
            data={"action": action, "note": note, "csrf_token": token},
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
    with console.database.unit_of_work() as db:
        application = db.scalar(select(Application).where(Application.number == number))
        # revenue.income_certificate issues an income certificate on approval.
        assert application is not None and application.status == "issued"
        assert application.decided_by == "tahsildar.guntur"
        assert application.certificate_media_key and application.certificate_number
        names = [
            m.body.get("name")
            for m in db.scalars(
                select(OutboundMessage).where(OutboundMessage.citizen == "919876533333")
            )
        ]
        assert names == ["mm_application_document_requested", "mm_application_approved"]


def test_municipal_officer_cannot_open_a_revenue_application(console: Console) -> None:
    number = _application(console)
    console.login("officer.guntur")
    assert console.client.get(f"/console/cases/application/{number}").status_code == 403
