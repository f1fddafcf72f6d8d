"""Holds expire by themselves; a payment after its hold expired re-allocates while places
remain and is refunded when they are gone, and the citizen is told which."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from manamitra import clock
from manamitra.bookings.inventory import (
    available,
    ensure_pool,
    expire_due,
)
from manamitra.payments import ledger
from manamitra.payments.orders import find_order
from manamitra.payments.reconcile import reconcile
from manamitra.store import Database
from manamitra.store.models import Booking, BookingPool, OutboundMessage
from tests.payments.support import deliver, make_payments
from tests.support.bookings import hold_darshan


def _held(database: Database, payments, citizen: str, key: str = "temple:t:1", capacity: int = 1):
    with database.unit_of_work() as db:
        pool = ensure_pool(
            db,
            key=key,
            domain="temple",
            capacity=capacity,
            starts_at=clock.now() + timedelta(days=3),
        )
        booking, order = hold_darshan(db, payments, pool, citizen)
        return booking.id, order.id, pool.id


def _texts(database: Database, citizen: str) -> list[str]:
    with database.unit_of_work() as db:
        rows = db.scalars(select(OutboundMessage).where(OutboundMessage.citizen == citizen))
        return [str(r.body.get("body", "")) for r in rows]


def test_an_unpaid_hold_returns_to_stock_after_ten_minutes(database: Database) -> None:
    payments = make_payments()
    booking_id, _, pool_id = _held(database, payments, "919800000001")
    with database.unit_of_work() as db:
        pool = db.get(BookingPool, pool_id)
        assert pool is not None and available(db, pool) == 0
    clock.advance(timedelta(minutes=11))
    with database.unit_of_work() as db:
        pool = db.get(BookingPool, pool_id)
        assert pool is not None and available(db, pool) == 1  # lazily, before any sweep
        assert expire_due(db) == 1
    with database.unit_of_work() as db:
        assert db.get(Booking, booking_id).status == "expired"  # type: ignore[union-attr]
        assert db.get(BookingPool, pool_id).used == 0  # type: ignore[union-attr]


def test_a_late_payment_is_reallocated_while_places_remain(database: Database) -> None:
    payments = make_payments()
    booking_id, order_id, _ = _held(database, payments, "919800000002", capacity=5)
    clock.advance(timedelta(minutes=15))
    deliver(database, payments, payments.gateway.pay(order_id, "success")[1])
    with database.unit_of_work() as db:
        assert db.get(Booking, booking_id).status == "confirmed"  # type: ignore[union-attr]
        assert find_order(db, order_id).outcome == "reallocated"  # type: ignore[union-attr]
        assert ledger.net_for_order(db, order_id) == 30000
    assert any("places were still free" in t for t in _texts(database, "919800000002"))


def test_a_late_payment_is_refunded_when_the_place_is_gone(database: Database) -> None:
    payments = make_payments()
    booking_id, order_id, _ = _held(database, payments, "919800000003", key="temple:t:2")
    clock.advance(timedelta(minutes=11))
    other, other_order, _ = _held(database, payments, "919800000004", key="temple:t:2")
    deliver(database, payments, payments.gateway.pay(order_id, "success")[1])
    deliver(database, payments, payments.gateway.pay(other_order, "success")[1])
    with database.unit_of_work() as db:
        assert db.get(Booking, booking_id).status == "expired"  # type: ignore[union-attr]
        assert db.get(Booking, other).status == "confirmed"  # type: ignore[union-attr]
        assert find_order(db, order_id).status == "refunded"  # type: ignore[union-attr]
        assert ledger.net_for_order(db, order_id) == 0
        report = reconcile(db, payments.gateway)
        assert report.unexplained == 0
        assert report.explained[0]["refunded_because"] == ["unfulfilled"]
    assert any("refunded" in t for t in _texts(database, "919800000003"))


def test_the_sweep_tells_the_citizen_their_unpaid_hold_was_released(database: Database) -> None:
    from manamitra.bookings.expiry import sweep

    payments = make_payments()
    _held(database, payments, "919800000005", key="temple:t:3")
    assert sweep(database) == 0
    clock.advance(timedelta(minutes=11))
    assert sweep(database) == 1
    assert sweep(database) == 0
    texts = _texts(database, "919800000005")
    assert sum("not paid within the time" in t for t in texts) == 1
