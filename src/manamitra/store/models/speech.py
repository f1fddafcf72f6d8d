"""Voice notes waiting for the recogniser: one durable job per note, outside the inbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from manamitra.store.base import Base, UtcDateTime
from manamitra.store.models.pipeline import BigId


class SpeechJob(Base):
    """A citizen's voice note to transcribe; written in the worker's transaction, done by the
    speech worker, whose transcript then enters the inbox as if typed."""

    __tablename__ = "speech_job"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    # the voice note's wamid: a note redelivered or processed twice makes one job
    wamid: Mapped[str] = mapped_column(String(255), unique=True)
    citizen: Mapped[str] = mapped_column(String(32))
    phone_number_id: Mapped[str] = mapped_column(String(64))
    lang: Mapped[str] = mapped_column(String(8))
    # the channel's media facts (id, type, hash, size): never the audio itself
    media: Mapped[dict[str, Any]] = mapped_column(JSON)
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # pending → done | failed; a claim moves next_attempt_at past the work's deadline, so a
    # job whose process died is taken again then
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)

    __table_args__ = (Index("ix_speech_job_due", "status", "next_attempt_at", "id"),)
