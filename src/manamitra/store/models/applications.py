"""Citizens' applications (certificates, connections, licences) and their per-department numbering.

An `Application` is written by the `application` service kind inside the conversation turn's
transaction; officers' decisions (the console) and issued certificates update the same row.
Answers that are personal (Aadhaar) are already encrypted by the field that collected them
(`{"enc": …, "last4": …}`), so this table never holds them in clear.

Numbers are human-friendly and unique per department and year ("REV-2026-000123"): the next
value comes from an `ApplicationCounter` row locked FOR UPDATE (PostgreSQL) or under SQLite's
write lock (BEGIN IMMEDIATE), and the unique constraint on `number` is the last guard.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from manamitra.store.base import Base, UtcDateTime

BigId = BigInteger().with_variant(Integer(), "sqlite")


class ApplicationStatus(StrEnum):
    """Where an application is; the console moves it along, the citizen sees it translated."""

    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    NEEDS_DOCUMENT = "needs_document"
    APPROVED = "approved"
    REJECTED = "rejected"
    ISSUED = "issued"
    WITHDRAWN = "withdrawn"


OPEN_STATUSES = frozenset(
    {ApplicationStatus.SUBMITTED, ApplicationStatus.IN_REVIEW, ApplicationStatus.NEEDS_DOCUMENT}
)


class Application(Base):
    """One submitted application, routed by department and place, tracked by its number."""

    __tablename__ = "application"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    service_id: Mapped[str] = mapped_column(String(128))
    department: Mapped[str] = mapped_column(String(64))
    citizen: Mapped[str] = mapped_column(String(32))
    title: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    applicant_name: Mapped[str | None] = mapped_column(String(200), default=None)
    language: Mapped[str] = mapped_column(String(8), default="te")
    status: Mapped[str] = mapped_column(String(24), default=ApplicationStatus.SUBMITTED.value)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    documents: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    district: Mapped[str | None] = mapped_column(String(64), default=None)
    mandal: Mapped[str | None] = mapped_column(String(64), default=None)
    village: Mapped[str | None] = mapped_column(String(96), default=None)
    fee_paise: Mapped[int] = mapped_column(Integer, default=0)
    idempotency_key: Mapped[str | None] = mapped_column(String(128), unique=True, default=None)
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    sla_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    decided_by: Mapped[str | None] = mapped_column(String(128), default=None)
    decision_reason: Mapped[str | None] = mapped_column(Text, default=None)
    certificate_number: Mapped[str | None] = mapped_column(String(64), default=None)
    certificate_media_key: Mapped[str | None] = mapped_column(String(128), default=None)

    __table_args__ = (
        Index("ix_application_citizen", "citizen", "submitted_at"),
        Index("ix_application_queue", "department", "status", "sla_due_at"),
        Index("ix_application_place", "district", "mandal"),
    )


class ApplicationCounter(Base):
    """The last number handed out per department prefix and year."""

    __tablename__ = "application_counter"

    prefix: Mapped[str] = mapped_column(String(16), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)
