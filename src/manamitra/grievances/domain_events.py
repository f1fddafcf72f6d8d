"""The events a case's life writes (grievance opened, escalated, resolved, reopened; an
application decided or escalated; a rating), each in the transaction of the change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from manamitra import clock
from manamitra.events import code_of, record_event
from manamitra.store.models import ApplicationCase, Grievance

Case = Grievance | ApplicationCase

# An officer's transitions on an application that decide it, and the outcome they record.
APPLICATION_OUTCOMES = {
    "approved": "approved",
    "rejected": "rejected",
    "needs_document": "needs_document",
}


def _place(case: Case) -> dict[str, Any]:
    mandal = case.mandal if isinstance(case, Grievance) else None
    return {
        "department": code_of(case.department),
        "district": code_of(case.district),
        "mandal": code_of(mandal),
        "office": code_of(case.office_id),
    }


def _elapsed(case: Case, now: datetime) -> tuple[int, bool]:
    started = clock.as_utc(case.created_at)
    return int((now - started).total_seconds()), now <= clock.as_utc(case.due_at)


def opened(db: Session, grievance: Grievance) -> None:
    record_event(
        db,
        "grievance.opened",
        citizen=grievance.citizen,
        service=code_of(grievance.service_id),
        category=code_of(grievance.category),
        **_place(grievance),
    )


def transitioned(db: Session, case: Case, to_state: str) -> None:
    """After a workflow transition: the events the new state means, if any."""
    now = clock.now()
    service = code_of(case.service_id)
    if isinstance(case, Grievance):
        if to_state in ("resolved", "rejected"):
            duration, within = _elapsed(case, now)
            record_event(
                db,
                "grievance.resolved",
                citizen=case.citizen,
                service=service,
                category=code_of(case.category),
                outcome=to_state,
                within_sla=within,
                duration_s=duration,
                **_place(case),
            )
        elif to_state == "reopened":
            record_event(
                db,
                "grievance.reopened",
                citizen=case.citizen,
                service=service,
                category=code_of(case.category),
                **_place(case),
            )
        return
    outcome = APPLICATION_OUTCOMES.get(to_state)
    if outcome is not None:
        duration, within = _elapsed(case, now)
        record_event(
            db,
            "application.decided",
            citizen=case.citizen,
            service=service,
            outcome=outcome,
            within_sla=within,
            duration_s=duration,
            **_place(case),
        )


def escalated(db: Session, case: Case, office_from: str | None, reason: str) -> None:
    place = _place(case) | {"office": code_of(office_from)}
    common: dict[str, Any] = {
        "service": code_of(case.service_id),
        "office_to": code_of(case.office_id),
        "level": case.level,
        "reason": code_of(reason),
    }
    if isinstance(case, Grievance):
        record_event(
            db,
            "grievance.escalated",
            citizen=case.citizen,
            category=code_of(case.category),
            **common,
            **place,
        )
    else:
        record_event(db, "application.escalated", citizen=case.citizen, **common, **place)


def issued(db: Session, case: ApplicationCase, doc_type: str) -> None:
    record_event(
        db,
        "application.issued",
        citizen=case.citizen,
        service=code_of(case.service_id),
        kind=code_of(doc_type),
        **_place(case),
    )
