"""Grievance tables: the office hierarchy, grievances, the case timeline shared with
applications, and the workflow fields (office, officer, SLA clocks) of applications under review."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from manamitra.store.base import Base, UtcDateTime

BigId = BigInteger().with_variant(Integer(), "sqlite")


class Office(Base):
    """One office of a department: state → district → mandal; escalation walks `parent_id`."""

    __tablename__ = "grv_office"

    id: Mapped[str] = mapped_column(String(96), primary_key=True)
    department: Mapped[str] = mapped_column(String(64))
    level: Mapped[str] = mapped_column(String(16))  # state | district | mandal
    district: Mapped[str | None] = mapped_column(String(64), default=None)
    mandal: Mapped[str | None] = mapped_column(String(64), default=None)
    parent_id: Mapped[str | None] = mapped_column(
        String(96), ForeignKey("grv_office.id"), default=None
    )
    name_en: Mapped[str] = mapped_column(String(200))
    name_te: Mapped[str] = mapped_column(String(200))

    __table_args__ = (Index("ix_grv_office_route", "department", "district", "mandal"),)


class CaseFields:
    """Workflow columns every case carries, grievance or application."""

    state: Mapped[str] = mapped_column(String(32))
    office_id: Mapped[str | None] = mapped_column(String(96), default=None)
    department: Mapped[str] = mapped_column(String(64))
    district: Mapped[str | None] = mapped_column(String(64), default=None)
    assigned_to: Mapped[str | None] = mapped_column(String(64), default=None)
    level: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    state_since: Mapped[datetime] = mapped_column(UtcDateTime)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)  # overall; escalation never moves it
    step_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    reminded_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    breached: Mapped[bool] = mapped_column(default=False)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)


class Grievance(CaseFields, Base):
    """A citizen's complaint, from registration to closure."""

    __tablename__ = "grv_grievance"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    citizen: Mapped[str] = mapped_column(String(32))
    lang: Mapped[str] = mapped_column(String(8), default="te")
    service_id: Mapped[str] = mapped_column(String(128))
    category: Mapped[str] = mapped_column(String(64))
    description: Mapped[str | None] = mapped_column(Text, default=None)
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    mandal: Mapped[str | None] = mapped_column(String(64), default=None)
    village: Mapped[str | None] = mapped_column(String(128), default=None)
    latitude: Mapped[float | None] = mapped_column(default=None)
    longitude: Mapped[float | None] = mapped_column(default=None)
    address: Mapped[str | None] = mapped_column(String(300), default=None)
    resolution_note: Mapped[str | None] = mapped_column(Text, default=None)
    rejection_reason: Mapped[str | None] = mapped_column(Text, default=None)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    rating: Mapped[int | None] = mapped_column(Integer, default=None)
    # 10 for ratings since 1–10 began; 5 for the 1–5 ratings given before (kept as given)
    rating_scale: Mapped[int | None] = mapped_column(Integer, default=None)
    rating_comment: Mapped[str | None] = mapped_column(Text, default=None)
    reopen_count: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        Index("ix_grv_grievance_citizen", "citizen", "created_at"),
        Index("ix_grv_grievance_queue", "department", "district", "state"),
        Index("ix_grv_grievance_due", "finished_at", "step_due_at"),
    )


class ApplicationCase(CaseFields, Base):
    """The review side of an application: its office, officer, state and SLA clocks."""

    __tablename__ = "grv_application_case"

    reference: Mapped[str] = mapped_column(String(64), primary_key=True)
    citizen: Mapped[str] = mapped_column(String(32))
    lang: Mapped[str] = mapped_column(String(8), default="te")
    service_id: Mapped[str] = mapped_column(String(128))
    requested_document: Mapped[str | None] = mapped_column(Text, default=None)
    extra_documents: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    decision_note: Mapped[str | None] = mapped_column(Text, default=None)
    certificate_media_key: Mapped[str | None] = mapped_column(String(128), default=None)
    certificate_number: Mapped[str | None] = mapped_column(String(64), default=None)

    __table_args__ = (
        Index("ix_grv_application_case_queue", "department", "district", "state"),
        Index("ix_grv_application_case_due", "finished_at", "step_due_at"),
    )


class CaseEvent(Base):
    """The timeline of a case: every transition, assignment, escalation, reminder and note."""

    __tablename__ = "grv_case_event"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_kind: Mapped[str] = mapped_column(String(16))  # grievance | application
    reference: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str | None] = mapped_column(String(32), default=None)
    to_state: Mapped[str | None] = mapped_column(String(32), default=None)
    note: Mapped[str | None] = mapped_column(Text, default=None)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    __table_args__ = (Index("ix_grv_case_event_ref", "case_kind", "reference", "id"),)
