"""Citizens waiting on a department system that was down when they submitted: one row each,
until the platform finishes their service for them when the department answers again. And each
process's health counters of each declared department, published so the console shows the
whole platform's."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from manamitra.store.base import Base, UtcDateTime


class DepartmentWait(Base):
    __tablename__ = "department_wait"

    citizen: Mapped[str] = mapped_column(String(32), primary_key=True)
    service_id: Mapped[str] = mapped_column(String(128))
    department: Mapped[str] = mapped_column(String(64))
    since: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (Index("ix_department_wait_department", "department"),)


class DepartmentHealthShare(Base):
    """One process's counters for one department, as it last published them (absolute values,
    so publishing again is harmless). `process` is the process's id, or ENDED for the sums of
    processes long gone (folded in so the table does not grow with every restart)."""

    __tablename__ = "department_health"

    process: Mapped[str] = mapped_column(String(32), primary_key=True)
    department: Mapped[str] = mapped_column(String(64), primary_key=True)
    calls: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    not_found: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str] = mapped_column(String(16), default="closed")
    opened_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(200), nullable=True)
    last_error_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    last_success_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    # the process's latest call latencies, in milliseconds (at most LATENCY_WINDOW)
    latencies_ms: Mapped[list[Any]] = mapped_column(JSON, default=list)
    published_at: Mapped[datetime] = mapped_column(UtcDateTime)
