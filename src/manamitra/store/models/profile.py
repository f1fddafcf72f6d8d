"""What a citizen agreed to, the corrections they asked for, and how they rated each service.

`ProfileConsent` is an append-only log: one row per decision (given, refused, withdrawn) for
one purpose, with the time, the channel it came through and the version of the notice shown,
so the state at any moment can be proved (DPDP Act 2023, s. 6). `ProfileCorrection` is a
correction the citizen asked for to a verified fact; the new value is sealed with the data
key, never stored in clear; once the department approves it, `answer` holds ({"value": …}) the value as the
field that asks it stores it (Aadhaar and caste sealed) and it becomes the fact pre-filled.
`ServiceRating` holds one rating per case (the unique key is the
"never twice" rule); `scale` is 10 for every rating taken since 1–10 ratings began and 5 for
the grievance ratings given before, which keep their original value (see
docs/profile-and-consent.md for how both are shown and averaged).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from manamitra.store.base import Base, UtcDateTime

BigId = BigInteger().with_variant(Integer(), "sqlite")


class ProfileConsent(Base):
    """One consent decision: `granted` true (given) or false (refused or withdrawn)."""

    __tablename__ = "profile_consent"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    citizen: Mapped[str] = mapped_column(String(32))
    purpose: Mapped[str] = mapped_column(String(32))
    granted: Mapped[bool] = mapped_column(Boolean)
    action: Mapped[str] = mapped_column(String(16))  # given | refused | withdrawn
    notice_version: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(64))  # "whatsapp:<wamid>", "console:<user>"
    lang: Mapped[str] = mapped_column(String(8))
    at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (Index("ix_profile_consent_citizen", "citizen", "purpose", "id"),)


class ProfileCorrection(Base):
    """A verified fact the citizen says is wrong, sent to the department that owns it."""

    __tablename__ = "profile_correction"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    citizen: Mapped[str] = mapped_column(String(32))
    fact: Mapped[str] = mapped_column(String(48))
    department: Mapped[str | None] = mapped_column(String(64), default=None)
    source_ref: Mapped[str | None] = mapped_column(String(64), default=None)
    sealed_value: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="requested")  # approved | rejected
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    decided_by: Mapped[str | None] = mapped_column(String(128), default=None)
    decision_reason: Mapped[str | None] = mapped_column(Text, default=None)
    # {"value": …}: SQLite would store a bare JSON number with numeric affinity, unreadable
    answer: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)

    @property
    def corrected(self) -> Any:
        """The approved value as its field stores it; None until approved."""
        return (self.answer or {}).get("value")

    __table_args__ = (
        Index("ix_profile_correction_citizen", "citizen", "status"),
        Index("ix_profile_correction_queue", "department", "status", "requested_at"),
    )


class ServiceRating(Base):
    """A citizen's rating of one completed case: a certificate, payment, booking or grievance."""

    __tablename__ = "service_rating"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    subject_kind: Mapped[str] = mapped_column(String(16))
    subject_ref: Mapped[str] = mapped_column(String(64))
    citizen: Mapped[str] = mapped_column(String(32))
    service_id: Mapped[str | None] = mapped_column(String(128), default=None)
    department: Mapped[str | None] = mapped_column(String(64), default=None)
    score: Mapped[int] = mapped_column(Integer)
    scale: Mapped[int] = mapped_column(Integer, default=10)
    comment: Mapped[str | None] = mapped_column(Text, default=None)
    lang: Mapped[str] = mapped_column(String(8), default="te")
    rated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (
        UniqueConstraint("subject_kind", "subject_ref", name="uq_service_rating_subject"),
        Index("ix_service_rating_service", "service_id", "rated_at"),
    )
