"""An application under review: a document requested on WhatsApp arrives as the citizen's
next photo and attaches; approval and rejection mirror onto the application."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from manamitra import clock
from manamitra.grievances import cases
from manamitra.grievances.applications import case_for, decide, sync_cases
from manamitra.grievances.deadlines import run_once
from manamitra.grievances.offices import seed_offices
from manamitra.messaging.inbound import Media
from manamitra.services.catalog_check import load_checked_catalog
from manamitra.store import Database
from manamitra.store.models import Application, ApplicationCase, OutboundMessage
from tests.support.engine_driver import Chat, make_engine, texts
from tests.support.parts import build_parts

CITIZEN = "919876522222"


def _application(db: object, number: str = "REV-2026-900001") -> Application:
    now = clock.now()
    row = Application(
        number=number,
        service_id="revenue.income_certificate",
        department="revenue",
        citizen=CITIZEN,
        title={"en": "Income certificate", "te": "ఆదాయ ధృవీకరణ పత్రం"},
        applicant_name="Ravi Kumar",
        language="en",
        status="submitted",
        answers={"applicant_name": "Ravi Kumar"},
        documents=[],
        district="guntur",
        mandal="guntur.tenali",
        fee_paise=0,
        submitted_at=now,
        updated_at=now,
    )
    db.add(row)  # type: ignore[attr-defined]
    db.flush()  # type: ignore[attr-defined]
    return row


def test_every_application_gets_a_routed_review_case(database: Database) -> None:
    with database.unit_of_work() as db:
        seed_offices(db)
        _application(db)
        assert sync_cases(db) == 1 and sync_cases(db) == 0
        case = db.get(ApplicationCase, "REV-2026-900001")
        assert case is not None and case.office_id == "revenue.guntur.tenali"
        assert case.state == "submitted" and case.step_due_at is not None


def test_requested_document_arrives_by_whatsapp_and_attaches(database: Database) -> None:
    catalog = load_checked_catalog()
    with database.unit_of_work() as db:
        seed_offices(db)
        application = _application(db)
        case = case_for(db, application)
        assert case is not None
        decide(db, case, "verify", actor="tahsildar.guntur", note=None, parts=build_parts(catalog))
        decide(
            db,
            case,
            "request_document",
            actor="tahsildar.guntur",
            note="Please send your ration card.",
            parts=build_parts(catalog),
        )
        assert application.status == "needs_document"
        request = db.scalars(select(OutboundMessage)).all()[-1]
        assert request.body["name"] == "mm_application_document_requested"
        chat = Chat(make_engine(catalog), db=db, citizen=CITIZEN)
        chat.tap("lang:en")
        said = texts(chat.send_media("image", Media(id="wamid-media-77", mime_type="image/jpeg")))
        assert any("attached it to the application" in text for text in said)
        assert case.state == "in_review" and application.status == "in_review"
        assert application.documents[-1]["media_id"] == "wamid-media-77"
        assert [e.action for e in cases.timeline(db, "application", case.reference)] == [
            "verify",
            "request_document",
            "document_received",
        ]
        decide(db, case, "approve", actor="tahsildar.guntur", note=None, parts=build_parts(catalog))
        # approved, and its income certificate issued with the approval
        assert application.status == "issued" and application.decided_by == "tahsildar.guntur"
        assert application.certificate_number is not None
        assert case.finished_at is not None


def test_undecided_application_escalates_like_a_grievance(database: Database) -> None:
    with database.unit_of_work() as db:
        seed_offices(db)
        case = case_for(db, _application(db))
        assert case is not None
        clock.advance(clock.as_utc(case.step_due_at) - clock.now() + timedelta(minutes=5))
        report = run_once(db)
        assert report.escalated == [case.reference]
        assert case.office_id == "revenue.guntur" and case.level == 1


class _Issued:
    number = "AP-INC-2026-ABC234"
    media_key = "document/AP-INC-2026-ABC234.pdf"
    filename = "income-AP-INC-2026-ABC234.pdf"


class _Documents:
    def __init__(self) -> None:
        self.calls: list[dict[str, object]] = []

    def issue(self, _session: object, **kwargs: object) -> _Issued:
        self.calls.append(kwargs)
        return _Issued()

    def issue_draft(self, _session: object, draft: object) -> _Issued:
        raise AssertionError("an approval issues from a template")

    def verify_upload(self, _session: object, data: bytes) -> None:
        return None


@pytest.mark.parametrize(
    ("lang", "title"), [("en", "Income certificate"), ("te", "ఆదాయ ధృవీకరణ పత్రం")]
)
def test_approval_issues_the_certificate_and_sends_it(
    database: Database, lang: str, title: str
) -> None:
    documents = _Documents()
    with database.unit_of_work() as db:
        seed_offices(db)
        from manamitra.store.models import Conversation

        db.add(
            Conversation(
                citizen=CITIZEN, language=lang, state={}, last_inbound_at=clock.now(), version=0
            )
        )
        application = _application(db)
        application.language = lang
        case = case_for(db, application)
        assert case is not None
        decide(
            db,
            case,
            "approve",
            actor="tahsildar.guntur",
            note=None,
            parts=build_parts(documents=documents),
        )
        assert documents.calls[0]["doc_type"] == "income"
        assert documents.calls[0]["holder_name_en"] == "Ravi Kumar"
        assert application.status == "issued"
        assert application.certificate_media_key == _Issued.media_key
        sent = [m.body for m in db.scalars(select(OutboundMessage).order_by(OutboundMessage.id))]
        assert sent[0]["type"] == "text"
        assert lang == "te" or "approved" in sent[0]["body"]
        assert sent[1]["type"] == "document" and sent[1]["media_key"] == _Issued.media_key
        # the document names itself and its number in the citizen's language
        assert sent[1]["caption"] == f"{title} — {_Issued.number}"
