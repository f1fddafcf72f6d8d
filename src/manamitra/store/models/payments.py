"""Payment tables: orders sent to a gateway, the append-only money ledger, the gateway events
already seen (webhook replay guard), and the department records that show a bill paid."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from manamitra.store.base import Base, UtcDateTime

BigId = BigInteger().with_variant(Integer(), "sqlite")
Paise = BigInteger().with_variant(Integer(), "sqlite")


class PaymentOrder(Base):
    """One amount a citizen is asked to pay; `id` is the reference_id WhatsApp shows (≤35)."""

    __tablename__ = "payment_order"

    id: Mapped[str] = mapped_column(String(35), primary_key=True)
    citizen: Mapped[str] = mapped_column(String(32))
    lang: Mapped[str] = mapped_column(String(8), default="te")
    purpose: Mapped[str] = mapped_column(String(16))  # bill | booking | donation
    service_id: Mapped[str] = mapped_column(String(128))
    subject: Mapped[str] = mapped_column(String(160))  # what is paid for: a bill, a booking
    title: Mapped[dict[str, Any]] = mapped_column(JSON)  # {en, te}
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    amount_paise: Mapped[int] = mapped_column(Paise)
    status: Mapped[str] = mapped_column(String(16), default="created")
    gateway: Mapped[str] = mapped_column(String(32))
    gateway_order_id: Mapped[str | None] = mapped_column(String(64), default=None)
    payment_id: Mapped[str | None] = mapped_column(String(64), default=None)
    method: Mapped[str | None] = mapped_column(String(32), default=None)
    outcome: Mapped[str | None] = mapped_column(String(16), default=None)
    receipt_media_key: Mapped[str | None] = mapped_column(String(128), default=None)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    idempotency_key: Mapped[str] = mapped_column(String(160), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    paid_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)

    __table_args__ = (
        CheckConstraint("amount_paise > 0", name="amount_positive"),
        CheckConstraint(
            "status IN ('created', 'paid', 'failed', 'refunded', 'cancelled')", name="status_known"
        ),
        Index("ix_payment_order_citizen", "citizen", "created_at"),
        Index("ix_payment_order_subject", "subject"),
    )


class LedgerEntry(Base):
    """Money that moved, never updated or deleted: +payment, −refund, ±adjustment (paise)."""

    __tablename__ = "ledger_entry"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    order_id: Mapped[str] = mapped_column(String(35))
    kind: Mapped[str] = mapped_column(String(16))
    amount_paise: Mapped[int] = mapped_column(Paise)
    gateway: Mapped[str] = mapped_column(String(32))
    gateway_ref: Mapped[str] = mapped_column(String(64))  # payment or refund id
    idempotency_key: Mapped[str] = mapped_column(String(160), unique=True)
    note: Mapped[str | None] = mapped_column(String(255), default=None)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (
        CheckConstraint("kind IN ('payment', 'refund', 'adjustment')", name="kind_known"),
        CheckConstraint(
            "(kind = 'payment' AND amount_paise > 0) OR (kind = 'refund' AND amount_paise < 0)"
            " OR kind = 'adjustment'",
            name="sign_fits_kind",
        ),
        UniqueConstraint("kind", "gateway", "gateway_ref", name="uq_ledger_entry_kind_ref"),
        Index("ix_ledger_entry_order", "order_id"),
        Index("ix_ledger_entry_created", "created_at"),
    )


class GatewayEvent(Base):
    """A gateway webhook event already processed: the same id again is a replay, a no-op."""

    __tablename__ = "gateway_event"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    gateway: Mapped[str] = mapped_column(String(32))
    event_id: Mapped[str] = mapped_column(String(128))
    event_type: Mapped[str] = mapped_column(String(64))
    order_id: Mapped[str | None] = mapped_column(String(35), default=None)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    signed_digest: Mapped[str | None] = mapped_column(String(64), default=None)

    __table_args__ = (
        UniqueConstraint("gateway", "event_id", name="uq_gateway_event_id"),
        UniqueConstraint("gateway", "signed_digest", name="uq_gateway_event_signed_digest"),
    )


class DepartmentPayment(Base):
    """A department's own record that a bill, tax or challan was paid (one per bill)."""

    __tablename__ = "department_payment"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    system: Mapped[str] = mapped_column(String(32))
    account: Mapped[str] = mapped_column(String(64))
    bill_ref: Mapped[str] = mapped_column(String(96))
    order_id: Mapped[str] = mapped_column(String(35))
    amount_paise: Mapped[int] = mapped_column(Paise)
    paid_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (
        UniqueConstraint("system", "bill_ref", name="uq_department_payment_bill"),
        Index("ix_department_payment_account", "system", "account"),
    )
