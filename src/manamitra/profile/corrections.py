"""A citizen's correction to a verified fact: a request to the department that verified it.

The new value is sealed with the platform's data key (it may be a caste or a name) and the
fact is held back from pre-filling until the department decides, so a value the citizen says
is wrong is never offered again meanwhile.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from manamitra import clock
from manamitra.privacy import Cipher
from manamitra.profile.facts import Fact
from manamitra.store.models.profile import ProfileCorrection

MAX_VALUE = 200


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
        status="requested",
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
            .where(ProfileCorrection.citizen == citizen, ProfileCorrection.status == "requested")
            .order_by(ProfileCorrection.id)
        )
    )
