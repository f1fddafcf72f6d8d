"""Storing a rating: `record_rating` is the one function every rating passes through (a
certificate, a payment, a booking, a grievance), so whatever must follow a rating (an event
for the data lake, say) is added in one place."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from manamitra import clock
from manamitra.errors import ValidationError
from manamitra.events import code_of, department_of, record_event
from manamitra.ratings.scale import SCALE, on_ten
from manamitra.store.models import Grievance
from manamitra.store.models.profile import ServiceRating

SUBJECTS = ("certificate", "payment", "booking", "grievance")
MAX_COMMENT = 500


def already_rated(db: Session, subject_kind: str, subject_ref: str) -> ServiceRating | None:
    return db.scalar(
        select(ServiceRating).where(
            ServiceRating.subject_kind == subject_kind, ServiceRating.subject_ref == subject_ref
        )
    )


def record_rating(
    db: Session,
    *,
    subject_kind: str,
    subject_ref: str,
    citizen: str,
    score: int,
    lang: str,
    scale: int = SCALE,
    service_id: str | None = None,
    department: str | None = None,
    comment: str | None = None,
    district: str | None = None,
) -> ServiceRating | None:
    """The rating, or None when this case was rated already (a case is rated once)."""
    if subject_kind not in SUBJECTS:
        raise ValueError(f"unknown rating subject {subject_kind!r}")
    if not 1 <= score <= scale:
        raise ValidationError("ratings.range")
    if already_rated(db, subject_kind, subject_ref) is not None:
        return None
    row = ServiceRating(
        subject_kind=subject_kind,
        subject_ref=subject_ref,
        citizen=citizen,
        service_id=service_id,
        department=department,
        score=score,
        scale=scale,
        comment=comment[:MAX_COMMENT] if comment else None,
        lang=lang,
        rated_at=clock.now(),
    )
    try:
        # two taps of the same list processed at once: the unique key lets one through
        with db.begin_nested():
            db.add(row)
            db.flush()
    except IntegrityError:
        return None
    record_event(
        db,
        "rating.given",
        citizen=citizen,
        service=code_of(service_id),
        department=code_of(department) or department_of(service_id),
        district=code_of(district),
        subject=subject_kind,
        score=round(on_ten(score, scale)),
    )
    return row


def add_comment(db: Session, subject_kind: str, subject_ref: str, citizen: str, text: str) -> bool:
    """The optional comment after a rating; False when there is no such rating of theirs."""
    row = already_rated(db, subject_kind, subject_ref)
    if row is None or row.citizen != citizen or row.comment:
        return False
    row.comment = text.strip()[:MAX_COMMENT]
    if subject_kind == "grievance":
        # the officers' case page reads the grievance's own copy of its rating
        grievance = db.scalar(select(Grievance).where(Grievance.number == subject_ref))
        if grievance is not None and not grievance.rating_comment:
            grievance.rating_comment = row.comment
    return True
