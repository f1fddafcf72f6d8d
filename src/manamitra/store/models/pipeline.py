"""The durable spine: inbox of webhook messages, per-citizen conversation rows, outbox of replies."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer, LargeBinary, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from manamitra.store.base import Base, UtcDateTime

BigId = BigInteger().with_variant(Integer(), "sqlite")


class InboundMessage(Base):
    """One citizen message, stored before the webhook answers 200; `wamid` makes retries no-ops."""

    __tablename__ = "inbound_message"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    wamid: Mapped[str] = mapped_column(String(255), unique=True)
    citizen: Mapped[str] = mapped_column(String(32))
    phone_number_id: Mapped[str] = mapped_column(String(64))
    type: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    processed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    # when what the citizen wrote was dropped from `payload` (MM_INBOX_RETENTION_HOURS)
    purged_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)

    __table_args__ = (
        Index("ix_inbound_pending", "status", "citizen", "sent_at", "id"),
        Index(
            "ix_inbound_unpurged",
            "processed_at",
            postgresql_where=text("processed_at IS NOT NULL AND purged_at IS NULL"),
            sqlite_where=text("processed_at IS NOT NULL AND purged_at IS NULL"),
        ),
    )


class Conversation(Base):
    """A citizen's session: language, where they are in a flow, and the 24-hour window."""

    __tablename__ = "conversation"

    citizen: Mapped[str] = mapped_column(String(32), primary_key=True)
    business_user_id: Mapped[str | None] = mapped_column(String(128), default=None)
    profile_name: Mapped[str | None] = mapped_column(String(256), default=None)
    language: Mapped[str | None] = mapped_column(String(8), default=None)
    state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    last_inbound_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    # the business number the citizen last wrote to: later messages to them leave from it
    phone_number_id: Mapped[str | None] = mapped_column(String(64), default=None)
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    version: Mapped[int] = mapped_column(Integer, default=0)


class OutboundMessage(Base):
    """A reply waiting for, or past, its trip to the Graph API; written with the state change."""

    __tablename__ = "outbound_message"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    citizen: Mapped[str] = mapped_column(String(32))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime)
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    # the process (PlatformProcess.id) sending it while status is "sending"
    claimed_by: Mapped[str | None] = mapped_column(String(32), default=None)
    # set, and committed, just before the request to Meta leaves: if the claimant dies before
    # recording the answer, the request may have reached Meta
    wire_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    # how many times a claimant died with this reply's request possibly at Meta
    uncertain_sends: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    wamid: Mapped[str | None] = mapped_column(String(255), unique=True, default=None)
    error_code: Mapped[int | None] = mapped_column(Integer, default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    source_inbound_id: Mapped[int | None] = mapped_column(BigId, default=None)
    # the business number to send from (the one the citizen wrote to); None: the primary
    phone_number_id: Mapped[str | None] = mapped_column(String(64), default=None)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)

    __table_args__ = (
        Index("ix_outbound_due", "status", "next_attempt_at", "id"),
        Index("ix_outbound_citizen", "citizen", "id"),
        Index(
            "ix_outbound_unsent",
            "citizen",
            "id",
            postgresql_where=text("status IN ('pending', 'sending')"),
            sqlite_where=text("status IN ('pending', 'sending')"),
        ),
    )


class PlatformProcess(Base):
    """A running process that claims outbox rows, with its heartbeat; deleted when it stops or
    another process finds it dead, and its claims go back at once."""

    __tablename__ = "platform_process"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    hostname: Mapped[str] = mapped_column(String(255))
    host: Mapped[str] = mapped_column(String(64))
    pid: Mapped[int] = mapped_column(Integer)
    started: Mapped[int | None] = mapped_column(BigInteger, default=None)
    registered_at: Mapped[datetime] = mapped_column(UtcDateTime)
    heartbeat_at: Mapped[datetime] = mapped_column(UtcDateTime)


class MediaBlob(Base):
    """Bytes we send or received (certificates, receipts, citizens' photos), keyed for replies."""

    __tablename__ = "media_blob"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    mime_type: Mapped[str] = mapped_column(String(128))
    filename: Mapped[str | None] = mapped_column(String(256), default=None)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    graph_media_id: Mapped[str | None] = mapped_column(String(128), default=None)
    graph_uploaded_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
