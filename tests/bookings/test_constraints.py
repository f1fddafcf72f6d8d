"""The database itself refuses oversell and double counting, on both stores: the pool's CHECK,
unique seats per pool, unique ledger keys and refs, and the sign of each ledger kind."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from manamitra import clock
from manamitra.bookings.inventory import HoldRequest, ensure_pool, hold
from manamitra.store import Database
from manamitra.store.models import BookingPool, BookingSeat, LedgerEntry


def _entry(**overrides: object) -> LedgerEntry:
    values: dict[str, object] = {
        "order_id": "MM-1",
        "kind": "payment",
        "amount_paise": 100,
        "gateway": "sandbox",
        "gateway_ref": "pay_1",
        "idempotency_key": "payment:sandbox:pay_1",
        "created_at": clock.now(),
    }
    values.update(overrides)
    return LedgerEntry(**values)


def test_a_pool_cannot_hold_more_than_its_capacity(database: Database) -> None:
    with database.unit_of_work() as db:
        pool_id = ensure_pool(
            db, key="c:1", domain="temple", capacity=2, starts_at=clock.now() + timedelta(days=1)
        ).id
    with pytest.raises(IntegrityError), database.unit_of_work() as db:
        db.execute(update(BookingPool).where(BookingPool.id == pool_id).values(used=3))


def test_a_seat_cannot_be_taken_twice(database: Database) -> None:
    with database.unit_of_work() as db:
        pool = ensure_pool(
            db, key="c:2", domain="bus", capacity=4, starts_at=clock.now() + timedelta(days=1)
        )
        for n, seat in ((1, "7"), (2, "8")):
            booking = hold(
                db,
                pool,
                HoldRequest(
                    booking_id=f"APT{n}",
                    citizen="91",
                    domain="bus",
                    service_id="x",
                    quantity=1,
                    amount_paise=100,
                    details={},
                    pick_seats=lambda _, seat=seat: [seat],
                ),
            )
            assert booking is not None
        pool_id = pool.id
    with pytest.raises(IntegrityError), database.unit_of_work() as db:
        db.add(BookingSeat(pool_id=pool_id, seat_no="7", booking_id="APT2"))
        db.flush()


@pytest.mark.parametrize(
    "overrides",
    [
        {"gateway_ref": "pay_2"},  # same idempotency key
        {"idempotency_key": "other"},  # same payment recorded twice
        {"gateway_ref": "pay_3", "idempotency_key": "k3", "amount_paise": -100},  # payment < 0
        {"gateway_ref": "pay_4", "idempotency_key": "k4", "kind": "refund"},  # refund > 0
    ],
)
def test_the_ledger_refuses_double_counting_and_wrong_signs(
    database: Database, overrides: dict[str, object]
) -> None:
    with database.unit_of_work() as db:
        db.add(_entry())
    with pytest.raises(IntegrityError), database.unit_of_work() as db:
        db.add(_entry(**overrides))
        db.flush()
