"""Consent per purpose (DPDP Act 2023): the notice shown, the decision, its withdrawal.

Each decision is a new row (given, refused, withdrawn) with the time, the message or console
action it came from and the version of the notice the citizen read, so what was agreed at any
moment can be shown. The latest row for a purpose is the citizen's current decision; none
means never asked. Withdrawing is as easy as giving (one tap in "My details") and takes effect
at once: nothing is pre-filled after it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from manamitra import clock
from manamitra.store.models.profile import ProfileConsent

ACTIONS = {"given": True, "refused": False, "withdrawn": False}


@dataclass(frozen=True)
class Purpose:
    """A purpose the citizen may consent to; bump `notice_version` when its notice changes."""

    id: str
    notice_version: int


PREFILL = Purpose("prefill", notice_version=1)
PURPOSES = {PREFILL.id: PREFILL}


def current(db: Session, citizen: str, purpose: Purpose) -> ProfileConsent | None:
    return db.scalar(
        select(ProfileConsent)
        .where(ProfileConsent.citizen == citizen, ProfileConsent.purpose == purpose.id)
        .order_by(ProfileConsent.id.desc())
        .limit(1)
    )


def granted(db: Session, citizen: str, purpose: Purpose) -> bool:
    row = current(db, citizen, purpose)
    return row is not None and row.granted and row.notice_version == purpose.notice_version


def decide(
    db: Session, citizen: str, purpose: Purpose, action: str, *, source: str, lang: str
) -> ProfileConsent:
    """Record a decision (`given`, `refused` or `withdrawn`) now."""
    if action not in ACTIONS:
        raise ValueError(f"unknown consent action {action!r}")
    row = ProfileConsent(
        citizen=citizen,
        purpose=purpose.id,
        granted=ACTIONS[action],
        action=action,
        notice_version=purpose.notice_version,
        source=source[:64],
        lang=lang,
        at=clock.now(),
    )
    db.add(row)
    db.flush()
    return row


def history(db: Session, citizen: str) -> list[ProfileConsent]:
    return list(
        db.scalars(
            select(ProfileConsent)
            .where(ProfileConsent.citizen == citizen)
            .order_by(ProfileConsent.id)
        )
    )
