"""Stock that must never be sold twice: pools with a checked counter, holds that expire,
sales, cancellations. Correct under any number of concurrent citizens, on both stores.

Every change to a pool first locks its row (`SELECT … FOR UPDATE` on PostgreSQL; SQLite's
write transaction, begun IMMEDIATE, is already exclusive), and the counter update itself is
conditional (`used + n <= capacity`) under a CHECK constraint, while numbered seats are unique
per pool: three independent guards, so a race can only ever lose cleanly.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from manamitra import clock
from manamitra.events import code_of, department_of, record_event
from manamitra.store.models import Booking, BookingPool, BookingSeat

SeatPicker = Callable[[set[str]], list[str] | None]


@dataclass(frozen=True)
class HoldRequest:
    booking_id: str
    citizen: str
    domain: str
    service_id: str
    quantity: int
    amount_paise: int
    details: dict[str, Any]
    minutes: int = 10
    pick_seats: SeatPicker | None = None


def booking_id_for(prefix: str, key: str) -> str:
    """A booking number derived from the turn's idempotency key (a repeated turn, same id)."""
    return f"{prefix}{hashlib.sha256(key.encode()).hexdigest()[:10].upper()}"


def ensure_pool(
    db: Session,
    *,
    key: str,
    domain: str,
    capacity: int,
    starts_at: datetime,
    meta: dict[str, Any] | None = None,
) -> BookingPool:
    """The pool for `key`, created on first use; concurrent first uses create it once."""
    found = db.scalars(select(BookingPool).where(BookingPool.key == key)).first()
    if found is not None:
        return found
    values = {
        "key": key,
        "domain": domain,
        "capacity": capacity,
        "used": 0,
        "starts_at": starts_at,
        "meta": meta or {},
    }
    dialect = db.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.execute(insert(BookingPool).values(**values).on_conflict_do_nothing(index_elements=["key"]))
    return db.scalars(select(BookingPool).where(BookingPool.key == key)).one()


def find_pool(db: Session, key: str) -> BookingPool | None:
    return db.scalars(select(BookingPool).where(BookingPool.key == key)).first()


def _lock(db: Session, pool_id: int) -> BookingPool:
    return db.scalars(
        select(BookingPool)
        .where(BookingPool.id == pool_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def _release(db: Session, pool_id: int, booking: Booking) -> None:
    db.execute(
        update(BookingPool)
        .where(BookingPool.id == pool_id)
        .values(used=BookingPool.used - booking.quantity)
    )
    db.execute(delete(BookingSeat).where(BookingSeat.booking_id == booking.id))


def expire_pool(
    db: Session, pool_id: int, now: datetime | None = None, expired: list[Booking] | None = None
) -> int:
    """Return the expired holds of one (already locked) pool to stock; how many."""
    now = now or clock.now()
    due = list(
        db.scalars(
            select(Booking).where(
                Booking.pool_id == pool_id, Booking.status == "held", Booking.expires_at <= now
            )
        )
    )
    for booking in due:
        _release(db, pool_id, booking)
        booking.status = "expired"
        booking.updated_at = now
    if due:
        db.flush()
    if expired is not None:
        expired.extend(due)
    return len(due)


def expire_due(
    db: Session,
    now: datetime | None = None,
    limit: int = 200,
    expired: list[Booking] | None = None,
) -> int:
    """The background sweep: every pool with an expired hold, one lock at a time; the holds
    it released are appended to `expired` when given (to tell their citizens)."""
    now = now or clock.now()
    pools = list(
        db.scalars(
            select(Booking.pool_id)
            .where(Booking.status == "held", Booking.expires_at <= now)
            .distinct()
            .limit(limit)
        )
    )
    total = 0
    for pool_id in pools:
        _lock(db, pool_id)
        total += expire_pool(db, pool_id, now, expired)
    return total


def taken_seats(db: Session, pool_id: int) -> set[str]:
    return set(db.scalars(select(BookingSeat.seat_no).where(BookingSeat.pool_id == pool_id)))


def available(db: Session, pool: BookingPool, now: datetime | None = None) -> int:
    """Free places, counting holds past their expiry as free (lazy expiry at read time)."""
    now = now or clock.now()
    stale = db.scalars(
        select(Booking.quantity).where(
            Booking.pool_id == pool.id, Booking.status == "held", Booking.expires_at <= now
        )
    ).all()
    return pool.capacity - pool.used + sum(stale)


def _take(
    db: Session, pool: BookingPool, quantity: int, pick: SeatPicker | None, booking_id: str
) -> list[str] | None:
    """Take `quantity` places (and seats) from a locked pool; None if they are not there."""
    if pool.used + quantity > pool.capacity:
        return None
    seats: list[str] = []
    if pick is not None:
        chosen = pick(taken_seats(db, pool.id))
        if chosen is None or len(chosen) != quantity:
            return None
        seats = chosen
    changed = db.execute(
        update(BookingPool)
        .where(BookingPool.id == pool.id, BookingPool.used + quantity <= BookingPool.capacity)
        .values(used=BookingPool.used + quantity)
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        return None
    for seat in seats:
        db.add(BookingSeat(pool_id=pool.id, seat_no=seat, booking_id=booking_id))
    return seats


def hold(db: Session, pool: BookingPool, request: HoldRequest) -> Booking | None:
    """Hold places for a citizen until `minutes` from now; None when sold out (nothing written)."""
    existing = db.get(Booking, request.booking_id)
    if existing is not None:
        return existing
    locked = _lock(db, pool.id)
    now = clock.now()
    if expire_pool(db, locked.id, now):
        db.refresh(locked)
    booking = Booking(
        id=request.booking_id,
        pool_id=locked.id,
        citizen=request.citizen,
        domain=request.domain,
        service_id=request.service_id,
        quantity=request.quantity,
        status="held",
        amount_paise=request.amount_paise,
        refund_paise=0,
        details=dict(request.details),
        starts_at=locked.starts_at,
        expires_at=now + timedelta(minutes=request.minutes),
        created_at=now,
        updated_at=now,
    )
    db.add(booking)
    db.flush()
    seats = _take(db, locked, request.quantity, request.pick_seats, booking.id)
    if seats is None:
        db.delete(booking)
        db.flush()
        return None
    if seats:
        booking.details = {**booking.details, "seats": seats}
    db.flush()
    return booking


def settle(db: Session, booking: Booking, pick: SeatPicker | None = None) -> str:
    """Payment confirmed: "fulfilled" (hold → sale), "reallocated" (hold had expired, places
    remained), or "refund" (hold expired and the places are gone)."""
    pool = _lock(db, booking.pool_id)
    now = clock.now()
    expire_pool(db, pool.id, now)
    db.refresh(booking)
    if booking.status == "held":
        booking.status = "confirmed"
        booking.updated_at = now
        _made(db, booking)
        return "fulfilled"
    if booking.status != "expired":
        return "refund"
    db.refresh(pool)
    previous = list(booking.details.get("seats", []))

    def same_or_other(taken: set[str]) -> list[str] | None:
        if previous and not taken & set(previous):
            return previous
        return pick(taken) if pick is not None else None

    seats = _take(db, pool, booking.quantity, same_or_other if previous else None, booking.id)
    if seats is None:
        return "refund"
    booking.status = "confirmed"
    if seats:
        booking.details = {**booking.details, "seats": seats}
    booking.updated_at = now
    _made(db, booking)
    return "reallocated"


def _made(db: Session, booking: Booking) -> None:
    record_event(
        db,
        "booking.made",
        citizen=booking.citizen,
        service=code_of(booking.service_id),
        department=department_of(booking.service_id),
        kind=code_of(booking.domain),
        quantity=booking.quantity,
        amount_paise=booking.amount_paise,
    )


def release(db: Session, booking: Booking) -> None:
    """Give up a hold at once (the bill could not be created): its places go back to stock."""
    _lock(db, booking.pool_id)
    db.refresh(booking)
    if booking.status == "held":
        _release(db, booking.pool_id, booking)
        booking.status = "expired"
        booking.updated_at = clock.now()
        db.flush()


def cancel(db: Session, booking: Booking) -> bool:
    """A confirmed booking cancelled: its places go back to stock. False if not cancellable."""
    _lock(db, booking.pool_id)
    db.refresh(booking)
    if booking.status != "confirmed":
        return False
    _release(db, booking.pool_id, booking)
    booking.status = "cancelled"
    booking.updated_at = clock.now()
    db.flush()
    return True
