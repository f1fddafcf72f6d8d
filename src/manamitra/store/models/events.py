"""The domain events table: one row per thing that happened, written in the transaction of the
change it describes, read by the lake's export (`manamitra.lake`).

Every column is a typed dimension (codes, counts, amounts in paise); `citizen` is a keyed HMAC
of the citizen's WhatsApp id, never the id itself. Which columns an event type fills is declared
in `manamitra.events.types`; the others stay NULL.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from manamitra.store.base import Base, UtcDateTime

BigId = BigInteger().with_variant(Integer(), "sqlite")


class DomainEvent(Base):
    """One domain event (application submitted, payment confirmed, step reached …)."""

    __tablename__ = "domain_event"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    type: Mapped[str] = mapped_column(String(48))
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime)
    citizen: Mapped[str | None] = mapped_column(String(32), default=None)
    service: Mapped[str | None] = mapped_column(String(128), default=None)
    department: Mapped[str | None] = mapped_column(String(64), default=None)
    district: Mapped[str | None] = mapped_column(String(64), default=None)
    mandal: Mapped[str | None] = mapped_column(String(64), default=None)
    office: Mapped[str | None] = mapped_column(String(96), default=None)
    office_to: Mapped[str | None] = mapped_column(String(96), default=None)
    category: Mapped[str | None] = mapped_column(String(64), default=None)
    outcome: Mapped[str | None] = mapped_column(String(32), default=None)
    step: Mapped[str | None] = mapped_column(String(64), default=None)
    subject: Mapped[str | None] = mapped_column(String(32), default=None)
    kind: Mapped[str | None] = mapped_column(String(32), default=None)
    method: Mapped[str | None] = mapped_column(String(32), default=None)
    reason: Mapped[str | None] = mapped_column(String(32), default=None)
    amount_paise: Mapped[int | None] = mapped_column(BigInteger, default=None)
    quantity: Mapped[int | None] = mapped_column(Integer, default=None)
    score: Mapped[int | None] = mapped_column(Integer, default=None)
    position: Mapped[int | None] = mapped_column(Integer, default=None)
    level: Mapped[int | None] = mapped_column(Integer, default=None)
    duration_s: Mapped[int | None] = mapped_column(BigInteger, default=None)
    within_sla: Mapped[bool | None] = mapped_column(Boolean, default=None)

    __table_args__ = (
        Index("ix_domain_event_at", "occurred_at"),
        Index("ix_domain_event_type", "type", "id"),
    )
