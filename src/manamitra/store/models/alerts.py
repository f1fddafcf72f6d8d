"""Alerts and broadcasts: message templates, citizens' subscriptions, campaigns and their
recipients (one row per campaign and citizen, so nobody gets a campaign twice), and the
department accounts (consumer numbers) an alert can be addressed by."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Float,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from manamitra.store.base import Base, UtcDateTime

BigId = BigInteger().with_variant(Integer(), "sqlite")


class AlertTemplate(Base):
    """A WhatsApp message template in one language, as Meta knows it (synced both ways)."""

    __tablename__ = "alert_template"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(512))
    language: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(24))  # utility | marketing | authentication
    status: Mapped[str] = mapped_column(String(24), default="PENDING")
    quality: Mapped[str | None] = mapped_column(String(16), default=None)
    header: Mapped[str | None] = mapped_column(Text, default=None)
    body: Mapped[str] = mapped_column(Text)
    footer: Mapped[str | None] = mapped_column(Text, default=None)
    buttons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # positional body parameters ({{1}} … {{n}}) or named ones ({{name}}), in order
    parameters: Mapped[list[str]] = mapped_column(JSON, default=list)
    meta_id: Mapped[str | None] = mapped_column(String(64), default=None)
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (UniqueConstraint("name", "language", name="uq_alert_template_name_lang"),)


class AlertSubscription(Base):
    """A citizen's current choice for one topic ("*": every topic)."""

    __tablename__ = "alert_subscription"

    citizen: Mapped[str] = mapped_column(String(32), primary_key=True)
    topic: Mapped[str] = mapped_column(String(64), primary_key=True)
    subscribed: Mapped[bool] = mapped_column(Boolean)
    source: Mapped[str] = mapped_column(String(32))
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (Index("ix_alert_subscription_topic", "topic", "subscribed", "citizen"),)


class AlertSubscriptionChange(Base):
    """Every opt-in and opt-out, kept: who, which topic, how (chat, console, import) and when."""

    __tablename__ = "alert_subscription_change"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    citizen: Mapped[str] = mapped_column(String(32))
    topic: Mapped[str] = mapped_column(String(64))
    subscribed: Mapped[bool] = mapped_column(Boolean)
    source: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (Index("ix_alert_subscription_change_citizen", "citizen", "at"),)


class ConsumerLink(Base):
    """A department account held by a citizen (an APSPDCL service number on a feeder): how
    an outage on that feeder or a CSV of consumer numbers reaches the people concerned."""

    __tablename__ = "alert_consumer_link"

    department: Mapped[str] = mapped_column(String(64), primary_key=True)
    consumer_number: Mapped[str] = mapped_column(String(64), primary_key=True)
    citizen: Mapped[str] = mapped_column(String(32))
    feeder: Mapped[str | None] = mapped_column(String(64), default=None)
    district: Mapped[str | None] = mapped_column(String(64), default=None)
    mandal: Mapped[str | None] = mapped_column(String(64), default=None)

    __table_args__ = (Index("ix_alert_consumer_feeder", "department", "feeder"),)


class AlertCampaign(Base):
    """One broadcast: a template, its parameters, an audience, and where it is in its life."""

    __tablename__ = "alert_campaign"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    template: Mapped[str] = mapped_column(String(512))
    language: Mapped[str] = mapped_column(String(16))
    topic: Mapped[str] = mapped_column(String(64))
    audience: Mapped[str] = mapped_column(Text)
    params: Mapped[Any] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(24))
    # the state a paused campaign resumes to (canary or sending)
    resume_to: Mapped[str | None] = mapped_column(String(24), default=None)
    pause_reason: Mapped[str | None] = mapped_column(String(200), default=None)
    created_by: Mapped[str] = mapped_column(String(128))
    approved_by: Mapped[str | None] = mapped_column(String(128), default=None)
    canary_fraction: Mapped[float] = mapped_column(Float, default=0.01)
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    canary_size: Mapped[int] = mapped_column(Integer, default=0)
    scheduled_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    approved_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    canary_done_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    paused_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)

    __table_args__ = (Index("ix_alert_campaign_state", "state"),)


class AlertRecipient(Base):
    """One citizen of one campaign; unique per (campaign, citizen). Claimed by a live process
    like an outbox row: `wire_at` committed before the request leaves, the wamid after."""

    __tablename__ = "alert_recipient"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    campaign_id: Mapped[int] = mapped_column(BigId)
    citizen: Mapped[str] = mapped_column(String(32))
    # queued | sending | sent | delivered | read | failed | opted_out | cancelled
    status: Mapped[str] = mapped_column(String(16), default="queued")
    canary: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    # per-recipient parameters from the audience's columns (CSV); None: the campaign's
    params: Mapped[Any | None] = mapped_column(JSON, default=None)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    claimed_by: Mapped[str | None] = mapped_column(String(32), default=None)
    wire_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    uncertain_sends: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    phone_number_id: Mapped[str | None] = mapped_column(String(64), default=None)
    wamid: Mapped[str | None] = mapped_column(String(255), default=None)
    error_code: Mapped[int | None] = mapped_column(Integer, default=None)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)

    __table_args__ = (
        UniqueConstraint("campaign_id", "citizen", name="uq_alert_recipient_campaign_citizen"),
        Index(
            "ix_alert_recipient_wamid",
            "wamid",
            unique=True,
            postgresql_where=text("wamid IS NOT NULL"),
            sqlite_where=text("wamid IS NOT NULL"),
        ),
        Index(
            "ix_alert_recipient_queued",
            "campaign_id",
            "canary",
            "id",
            postgresql_where=text("status = 'queued'"),
            sqlite_where=text("status = 'queued'"),
        ),
        Index(
            "ix_alert_recipient_sending",
            "claimed_by",
            postgresql_where=text("status = 'sending'"),
            sqlite_where=text("status = 'sending'"),
        ),
        Index("ix_alert_recipient_sent_at", "sent_at"),
    )
