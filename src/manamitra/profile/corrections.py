"""A citizen's correction to a verified fact: a request to the department that verified it,
and that department's decision.

The new value is sealed with the platform's data key (it may be a caste or a name) and the
fact is held back from pre-filling until the department decides, so a value the citizen says
is wrong is never offered again meanwhile. Approved, the value is read by the field that asks
the fact (a choice becomes its option, an amount paise, an Aadhaar number its sealed form)
and kept as `answer`: from then on it is the fact pre-filled, "corrected by <department>".
Rejected (always with a reason), the fact verified before is offered again.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from manamitra import clock
from manamitra.errors import ConflictError, ValidationError
from manamitra.fields import get_field_type
from manamitra.fields.base import AskContext, PageRequest
from manamitra.messaging.inbound import Inbound
from manamitra.parts import Parts
from manamitra.privacy import Cipher
from manamitra.profile.facts import FACTS, Fact, asking_step, verified_facts
from manamitra.store.models.applications import Application
from manamitra.store.models.profile import ProfileCorrection

MAX_VALUE = 200
MAX_REASON = 500
REQUESTED, APPROVED, REJECTED = "requested", "approved", "rejected"


def request_correction(
    db: Session, cipher: Cipher, citizen: str, fact: Fact, typed: str
) -> ProfileCorrection:
    now = clock.now()
    row = ProfileCorrection(
        number=f"tmp-{uuid.uuid4().hex[:24]}",  # replaced by the real number after flush
        citizen=citizen,
        fact=fact.key,
        department=fact.source.department,
        source_ref=fact.source.application,
        sealed_value=cipher.encrypt(typed.strip()[:MAX_VALUE]),
        status=REQUESTED,
        requested_at=now,
    )
    db.add(row)
    db.flush()
    row.number = f"COR-{clock.to_ist(now).year}-{row.id:06d}"
    db.flush()
    return row


def open_corrections(db: Session, citizen: str) -> list[ProfileCorrection]:
    return list(
        db.scalars(
            select(ProfileCorrection)
            .where(ProfileCorrection.citizen == citizen, ProfileCorrection.status == REQUESTED)
            .order_by(ProfileCorrection.id)
        )
    )


def find_correction(db: Session, number: str) -> ProfileCorrection | None:
    return db.scalar(select(ProfileCorrection).where(ProfileCorrection.number == number))


def requested_value(cipher: Cipher, correction: ProfileCorrection) -> str:
    """The value as the citizen typed it, for the deciding officer only."""
    return cipher.decrypt(correction.sealed_value)


def decide_correction(
    db: Session,
    parts: Parts,
    correction: ProfileCorrection,
    *,
    approve: bool,
    actor: str,
    reason: str | None,
) -> ProfileCorrection:
    """The department's decision. A rejection needs a reason; an approval needs a value the
    fact's field reads (otherwise `ValidationError("errors.correction_unreadable")`)."""
    if correction.status != REQUESTED:
        raise ConflictError(f"correction {correction.number} was already {correction.status}")
    reason = (reason or "").strip()[:MAX_REASON] or None
    if approve:
        correction.answer = {"value": corrected_answer(db, parts, correction)}
        correction.status = APPROVED
    else:
        if reason is None:
            raise ValidationError("errors.needs_reason")
        correction.status = REJECTED
    correction.decided_at = clock.now()
    correction.decided_by = actor
    correction.decision_reason = reason
    db.flush()
    return correction


def corrected_answer(db: Session, parts: Parts, correction: ProfileCorrection) -> Any:
    """The typed value read by the field that asks the fact, as an application stores it."""
    kind = FACTS.get(correction.fact)
    typed = requested_value(parts.privacy, correction).strip()
    if kind is None or not typed:
        raise ValidationError("errors.correction_unreadable")
    source_service = _source_service(db, correction)
    step = asking_step(parts.catalog, correction.fact, source_service)
    if step is None:
        raise ValidationError("errors.correction_unreadable")
    # a mandal is read among its district's, a village among its mandal's: the places known
    known = {
        key: fact.value
        for key, fact in verified_facts(db, correction.citizen, parts.catalog).items()
        if key != correction.fact
    }
    inbound = Inbound(
        message_id=f"correction:{correction.number}",
        citizen=correction.citizen,
        kind="text",
        sent_at=clock.now(),
        text=typed,
    )
    field = get_field_type(step.type)
    for lang in ("te", "en"):  # the citizen may have typed an option's name in either
        context = AskContext(
            lang=lang, answers=known, parts=parts, db=db, citizen=correction.citizen
        )
        try:
            value = field.parse(step, inbound, context)
        except ValidationError:
            continue
        if not isinstance(value, PageRequest) and value not in (None, ""):
            return value
    raise ValidationError("errors.correction_unreadable")


def _source_service(db: Session, correction: ProfileCorrection) -> str:
    if not correction.source_ref:
        return ""
    found = db.scalar(
        select(Application.service_id).where(Application.number == correction.source_ref)
    )
    return found or ""
