"""Driving applications through the engine to approval, for the profile and rating tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from manamitra.catalog.schema import ServiceSpec
from manamitra.conversation.flow import next_pending
from manamitra.grievances.applications import case_for, decide
from manamitra.grievances.offices import seed_offices
from manamitra.services.catalog_check import load_checked_catalog
from manamitra.store.models import Application
from tests.services.walk import send_valid
from tests.support.engine_driver import Chat, order_reference

CATALOG = load_checked_catalog()
INCOME = CATALOG.services["revenue.income_certificate"]
CASTE = CATALOG.services["revenue.caste_certificate"]


class Issued:
    number = "AP-INC-2026-PRF234"
    media_key = "document/AP-INC-2026-PRF234.pdf"
    filename = "income-AP-INC-2026-PRF234.pdf"


class FakeDocuments:
    """Issues nothing but answers as the document service does (the PDF is tested elsewhere)."""

    def issue(self, _session: object, **_kwargs: object) -> Issued:
        return Issued()


def answer_steps(chat: Chat, spec: ServiceSpec, lang: str) -> list[str]:
    """Answer every question still open with a valid answer; the ids of the steps asked."""
    asked = []
    while chat.convo.state["flow"]["phase"] == "steps":
        pending = next_pending(spec, chat.convo.state["flow"]["answers"])
        assert pending is not None
        asked.append(pending.step.id)
        send_valid(chat, pending.step, lang)
    return asked


def submit_and_pay(chat: Chat) -> Application:
    reference = order_reference(chat.tap("flow:submit"))
    assert reference is not None
    chat.pay(reference)
    assert chat.db is not None
    row = chat.db.scalar(
        select(Application)
        .where(Application.citizen == chat.citizen)
        .order_by(Application.id.desc())
        .limit(1)
    )
    assert row is not None
    return row


def approve(db: Session, application: Application, services: dict[str, Any]) -> None:
    seed_offices(db)
    case = case_for(db, application)
    assert case is not None
    wired = {"catalog": CATALOG, "documents": FakeDocuments(), **services}
    decide(db, case, "approve", actor="tahsildar.guntur", note=None, services=wired)


def apply_and_approve(chat: Chat, spec: ServiceSpec, lang: str) -> Application:
    chat.tap(f"svc:{spec.id}")
    answer_steps(chat, spec, lang)
    application = submit_and_pay(chat)
    assert chat.db is not None
    approve(chat.db, application, chat.engine.services)
    return application
