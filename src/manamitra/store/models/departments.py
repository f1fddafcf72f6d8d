"""Citizens waiting on a department system that was down when they submitted: one row each,
until the platform finishes their service for them when the department answers again."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from manamitra.store.base import Base, UtcDateTime


class DepartmentWait(Base):
    __tablename__ = "department_wait"

    citizen: Mapped[str] = mapped_column(String(32), primary_key=True)
    service_id: Mapped[str] = mapped_column(String(128))
    department: Mapped[str] = mapped_column(String(64))
    since: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (Index("ix_department_wait_department", "department"),)
