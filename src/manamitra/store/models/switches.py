"""Service switches and spec versions: a department administrator's enable, disable, schedule or district pilot
of one service, read on every start of that service (so applied without a restart); and the
spec versions conversations started on."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from manamitra.store.base import Base, UtcDateTime


class ServiceSwitch(Base):
    """`state`: on | off | pilot. `off` with `until` returns by itself at that time; `starts_at`
    keeps a service off until then (a scheduled launch); `pilot` opens it in `districts` only.
    No row: the service is on."""

    __tablename__ = "service_switch"

    service_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    state: Mapped[str] = mapped_column(String(8), default="on")
    starts_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    until: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    districts: Mapped[list[Any]] = mapped_column(JSON, default=list)
    changed_by: Mapped[str] = mapped_column(String(64))
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ServiceSpecVersion(Base):
    """A service spec as it was when a conversation started on it, so that conversation can
    finish on it after the catalogue changed (`catalog/versions.py`)."""

    __tablename__ = "service_spec_version"

    service_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    digest: Mapped[str] = mapped_column(String(16), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
