"""What is being rated: the case behind a rating's reference, whose it is and what it was.

A rating tap carries only the kind and the reference; the case itself says which citizen may
rate it, which service and department the rating counts for, and how to name it in the thanks.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from manamitra.store.models import Application, Grievance, PaymentOrder


@dataclass(frozen=True)
class Subject:
    kind: str
    ref: str
    citizen: str
    service_id: str | None
    department: str | None
    title: dict[str, str]


def find_subject(db: Session, kind: str, ref: str) -> Subject | None:
    if kind == "certificate":
        application = db.scalar(select(Application).where(Application.number == ref))
        if application is None:
            return None
        return Subject(
            kind,
            ref,
            application.citizen,
            application.service_id,
            application.department,
            dict(application.title or {}),
        )
    if kind in ("payment", "booking"):
        order = db.get(PaymentOrder, ref)
        if order is None:
            return None
        return Subject(kind, ref, order.citizen, order.service_id, None, dict(order.title or {}))
    if kind == "grievance":
        grievance = db.scalar(select(Grievance).where(Grievance.number == ref))
        if grievance is None:
            return None
        return Subject(kind, ref, grievance.citizen, grievance.service_id, grievance.department, {})
    return None
