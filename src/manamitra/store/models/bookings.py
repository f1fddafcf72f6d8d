"""Booking tables: stock pools (a bus trip, a darshan slot, a day's rooms) with a checked
counter, bookings (holds that expire, sales, cancellations), and seats unique per pool."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from manamitra.store.base import Base, UtcDateTime

BigId = BigInteger().with_variant(Integer(), "sqlite")


class BookingPool(Base):
    """Stock of one thing on one date; `used` (held + sold) can never pass `capacity`."""

    __tablename__ = "booking_pool"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(160), unique=True)
    domain: Mapped[str] = mapped_column(String(16))
    capacity: Mapped[int] = mapped_column(Integer)
    used: Mapped[int] = mapped_column(Integer, default=0)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    __table_args__ = (CheckConstraint("used >= 0 AND used <= capacity", name="within_capacity"),)


class Booking(Base):
    """A citizen's hold or ticket: held → confirmed → cancelled, or held → expired."""

    __tablename__ = "booking"

    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    pool_id: Mapped[int] = mapped_column(BigId, ForeignKey("booking_pool.id"))
    citizen: Mapped[str] = mapped_column(String(32))
    domain: Mapped[str] = mapped_column(String(16))
    service_id: Mapped[str] = mapped_column(String(128))
    quantity: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="held")
    amount_paise: Mapped[int] = mapped_column(BigId)
    refund_paise: Mapped[int] = mapped_column(BigId, default=0)
    order_id: Mapped[str | None] = mapped_column(String(35), default=None)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ticket_media_key: Mapped[str | None] = mapped_column(String(128), default=None)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint(
            "status IN ('held', 'confirmed', 'expired', 'cancelled')", name="status_known"
        ),
        Index("ix_booking_expiry", "status", "expires_at"),
        Index("ix_booking_citizen", "citizen", "created_at"),
        Index("ix_booking_order", "order_id"),
    )


class BookingSeat(Base):
    """A numbered seat taken by a booking; the unique key makes a double sale impossible."""

    __tablename__ = "booking_seat"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    pool_id: Mapped[int] = mapped_column(BigId, ForeignKey("booking_pool.id"))
    seat_no: Mapped[str] = mapped_column(String(8))
    booking_id: Mapped[str] = mapped_column(String(24), ForeignKey("booking.id"))

    __table_args__ = (UniqueConstraint("pool_id", "seat_no", name="uq_booking_seat_pool_seat"),)
