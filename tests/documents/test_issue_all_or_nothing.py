"""Issuing is all or nothing: a failure at any step of an issue (render, sign, log append,
document row, media row) leaves none of the issue's writes, the log's head where it was and
the log auditable, and the caller's transaction usable — for certificates, payment receipts
and booking tickets, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from manamitra import clock
from manamitra.bookings.ticket import issue_ticket
from manamitra.documents import DocumentService, issue_document, new_number
from manamitra.documents import issue as issuing
from manamitra.errors import ConflictError, ManamitraError, NotIssuedError
from manamitra.grievances.applications import case_for, decide
from manamitra.grievances.offices import seed_offices
from manamitra.payments.receipt import issue_receipt
from manamitra.services.catalog_check import load_checked_catalog
from manamitra.store import Database
from manamitra.store.models import Application, Booking, MediaBlob, PaymentOrder
from manamitra.store.models.grievances import CaseEvent
from manamitra.store.models.trust import IssuedDocument, LogEntry, TrustRepository
from manamitra.trust import TrustService
from manamitra.trust import payload as trust_payload
from manamitra.trust.audit import audit
from tests.support.engine_driver import Chat, make_engine
from tests.support.parts import build_parts
from tests.trust.builders import HOLDER_EN, HOLDER_TE, INCOME_FACTS, OFFICE, OFFICER
from tests.trust.builders import trust_service as make_trust_service

STEPS = ("render", "sign", "log append", "document row", "media row")
# the repository write each store step makes, failed right after it has written
_WRITE_OF_STEP = {
    "log append": "add_entry",
    "document row": "add_document",
    "media row": "add_media",
}


class InjectedError(RuntimeError):
    pass


def fail_at(monkeypatch: pytest.MonkeyPatch, step: str) -> None:
    """Make `step` of the next issue fail: render and sign raise before they produce
    anything; a store step writes its rows and then the database rejects a statement (which
    aborts the whole transaction on PostgreSQL unless a savepoint contains it)."""

    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise InjectedError(f"injected failure at {step}")

    if step == "render":
        monkeypatch.setattr(issuing, "render", refuse)
        return
    if step == "sign":
        monkeypatch.setattr(trust_payload, "seal_envelope", refuse)
        return
    name = _WRITE_OF_STEP[step]
    original = getattr(TrustRepository, name)

    def write_then_fail(self: TrustRepository, *args: Any, **kwargs: Any) -> Any:
        original(self, *args, **kwargs)
        self.session.connection().exec_driver_sql("INSERT INTO no_such_table VALUES (1)")

    monkeypatch.setattr(TrustRepository, name, write_then_fail)


@dataclass(frozen=True)
class Snapshot:
    head: tuple[int, bytes]
    entries: int
    last_entry: int | None
    documents: frozenset[str]
    signed_media: frozenset[str]


def snapshot(database: Database) -> Snapshot:
    with database.unit_of_work() as session:
        return Snapshot(
            head=TrustRepository(session).head(),
            entries=session.scalar(select(func.count()).select_from(LogEntry)) or 0,
            last_entry=session.scalar(select(func.max(LogEntry.index))),
            documents=frozenset(session.scalars(select(IssuedDocument.number))),
            signed_media=frozenset(
                session.scalars(select(MediaBlob.key).where(MediaBlob.key.like("document/%")))
            ),
        )


def assert_log_sound(database: Database, trust: TrustService) -> None:
    """The next issue takes the next index, and the whole log audits with a checkpoint."""
    before = snapshot(database)
    with database.unit_of_work() as session:
        after = issue_document(
            session,
            trust,
            doc_type="income",
            number=new_number("income"),
            holder_name_en=HOLDER_EN,
            holder_name_te=HOLDER_TE,
            facts=INCOME_FACTS,
            office=OFFICE,
            officer=OFFICER,
        )
    assert after.log_index == before.head[0]
    trust.publish_checkpoint(database)
    with database.unit_of_work() as session:
        report = audit(TrustRepository(session), trust.log, trust.keyring())
    assert report.problems == []
    assert report.size == before.head[0] + 1


def _caller_note(session: Session, key: str) -> None:
    """Something the caller wrote in its transaction, to find committed afterwards."""
    session.add(
        MediaBlob(
            key=key,
            mime_type="text/plain",
            filename="note.txt",
            sha256="0" * 64,
            size=2,
            content=b"ok",
            created_at=clock.now(),
        )
    )
    session.flush()


def _order() -> PaymentOrder:
    now = clock.now()
    return PaymentOrder(
        id="ORD-ATOMIC-1",
        citizen="919876500001",
        lang="te",
        purpose="bill",
        service_id="energy.apspdcl_bill",
        subject="Bill 1234567890",
        title={"en": "Electricity bill", "te": "విద్యుత్ బిల్లు"},
        items=[],
        amount_paise=120_000_00,
        status="paid",
        gateway="sandbox",
        payment_id="pay_ATOMIC1",
        method="upi",
        meta={"holder": {"en": HOLDER_EN, "te": HOLDER_TE}},
        idempotency_key="atomic-1",
        created_at=now,
        updated_at=now,
        paid_at=now,
    )


def _booking() -> Booking:
    now = clock.now()
    return Booking(
        id="BKG-ATOMIC-1",
        pool_id=1,
        citizen="919876500002",
        domain="event",
        service_id="tourism.museum_entry",
        quantity=2,
        amount_paise=200_00,
        details={"holder": HOLDER_EN, "venue": {"en": "Museum", "te": "మ్యూజియం"}},
        starts_at=now + timedelta(days=2),
        expires_at=now + timedelta(minutes=15),
        created_at=now,
        updated_at=now,
    )


def _certificate(session: Session, documents: DocumentService) -> str:
    try:
        documents.issue(
            session,
            doc_type="income",
            number=new_number("income"),
            holder_name_en=HOLDER_EN,
            holder_name_te=HOLDER_TE,
            facts=INCOME_FACTS,
            office=OFFICE,
            officer=OFFICER,
        )
    except ManamitraError:
        return "refused"
    return "issued"


def _receipt(session: Session, documents: DocumentService) -> str:
    order = _order()
    session.add(order)
    key, _ = issue_receipt(session, order, build_parts(documents=documents))
    return key


def _ticket(session: Session, documents: DocumentService) -> str:
    key, _ = issue_ticket(session, _booking(), build_parts(documents=documents))
    return key


# each caller, and what it is left with when its signed document fails
CALLERS: dict[str, tuple[Callable[[Session, DocumentService], str], str]] = {
    "certificate": (_certificate, "refused"),
    "receipt": (_receipt, "receipt/ORD-ATOMIC-1.pdf"),
    "ticket": (_ticket, "ticket/BKG-ATOMIC-1.pdf"),
}


@pytest.fixture
def trust(database: Database, tmp_path: Path) -> TrustService:
    service = make_trust_service(tmp_path)
    with database.unit_of_work() as session:
        service.ensure_keys(TrustRepository(session), ["revenue", "payments", "bookings"])
    return service


@pytest.mark.parametrize("caller", sorted(CALLERS))
@pytest.mark.parametrize("step", STEPS)
def test_a_failed_issue_leaves_nothing_and_the_caller_carries_on(
    database: Database, trust: TrustService, monkeypatch: pytest.MonkeyPatch, caller: str, step: str
) -> None:
    assert_log_sound(database, trust)  # a log that already holds entries and a checkpoint
    before = snapshot(database)
    issue_for, outcome = CALLERS[caller]
    documents = DocumentService(trust)
    with database.unit_of_work() as session, monkeypatch.context() as patch:
        _caller_note(session, "caller/before")
        fail_at(patch, step)
        assert issue_for(session, documents) == outcome
        _caller_note(session, "caller/after")  # the transaction still takes writes
    assert snapshot(database) == before
    with database.unit_of_work() as session:
        assert session.get(MediaBlob, "caller/before") is not None
        assert session.get(MediaBlob, "caller/after") is not None
        if caller == "receipt":
            order = session.get(PaymentOrder, "ORD-ATOMIC-1")
            assert order is not None and order.receipt_media_key == outcome
    assert_log_sound(database, trust)


def test_an_issue_that_succeeds_commits_every_part_with_the_caller(
    database: Database, trust: TrustService
) -> None:
    before = snapshot(database)
    with database.unit_of_work() as session:
        key = _receipt(session, DocumentService(trust))
    after = snapshot(database)
    assert key.startswith("document/AP-RCT-") and after.signed_media == {key}
    (number,) = after.documents - before.documents
    assert after.head[0] == before.head[0] + 1 and key == f"document/{number}.pdf"
    assert_log_sound(database, trust)


def test_a_failed_issue_raises_not_issued_from_its_cause(
    database: Database, trust: TrustService, monkeypatch: pytest.MonkeyPatch
) -> None:
    fail_at(monkeypatch, "render")
    with pytest.raises(NotIssuedError) as raised, database.unit_of_work() as session:
        DocumentService(trust).issue(
            session,
            doc_type="income",
            number="AP-INC-2026-FAIL01",
            holder_name_en=HOLDER_EN,
            holder_name_te=HOLDER_TE,
            facts=INCOME_FACTS,
            office=OFFICE,
            officer=OFFICER,
        )
    assert isinstance(raised.value.__cause__, InjectedError)
    assert "AP-INC-2026-FAIL01" in str(raised.value)


def _approval_case(session: Session) -> Any:
    seed_offices(session)
    now = clock.now()
    application = Application(
        number="REV-2026-900009",
        service_id="revenue.income_certificate",
        department="revenue",
        citizen="919876522229",
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
    session.add(application)
    session.flush()
    return application, case_for(session, application)


def test_approval_whose_certificate_fails_stays_approved_and_logs_nothing(
    database: Database, trust: TrustService, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(database)
    parts = build_parts(trust=trust)
    with database.unit_of_work() as session, monkeypatch.context() as patch:
        _, case = _approval_case(session)
        fail_at(patch, "media row")
        decide(session, case, "approve", actor="tahsildar.guntur", note=None, parts=parts)
    assert snapshot(database) == before
    with database.unit_of_work() as session:
        stored = session.scalar(select(Application).where(Application.number == "REV-2026-900009"))
        assert stored is not None and stored.status == "approved"
        assert stored.certificate_number is None
        events = session.scalars(
            select(CaseEvent.action).where(CaseEvent.reference == "REV-2026-900009")
        ).all()
        assert "certificate_failed" in events and "certificate_issued" not in events
    assert_log_sound(database, trust)


def test_a_record_copy_that_fails_to_issue_fails_the_turn_and_leaves_nothing(
    database: Database, trust: TrustService, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(database)
    engine = make_engine(load_checked_catalog(), trust=trust)
    with database.unit_of_work() as session, monkeypatch.context() as patch:
        chat = Chat(engine, db=session)
        chat.say("Hi")
        chat.tap("lang:en")
        chat.tap("svc:revenue.adangal_copy")
        for answer in ("Guntur", "Tenali", "Tenali"):
            chat.say(answer)
        fail_at(patch, "media row")
        with pytest.raises(NotIssuedError, match="RC-ADANGAL-"):
            chat.say("230/1a")
        _caller_note(session, "caller/after")
    assert snapshot(database) == before
    assert_log_sound(database, trust)


def test_a_number_already_issued_is_refused_and_the_caller_carries_on(
    database: Database, trust: TrustService
) -> None:
    documents = DocumentService(trust)

    def income(session: Session) -> None:
        documents.issue(
            session,
            doc_type="income",
            number="AP-INC-2026-TWICE1",
            holder_name_en=HOLDER_EN,
            holder_name_te=HOLDER_TE,
            facts=INCOME_FACTS,
            office=OFFICE,
            officer=OFFICER,
        )

    with database.unit_of_work() as session:
        income(session)
    before = snapshot(database)
    with database.unit_of_work() as session:
        _caller_note(session, "caller/before")
        with pytest.raises(ConflictError, match="AP-INC-2026-TWICE1"):
            income(session)
        _caller_note(session, "caller/after")
    assert snapshot(database) == before
    with database.unit_of_work() as session:
        assert session.get(MediaBlob, "caller/after") is not None
    assert_log_sound(database, trust)
