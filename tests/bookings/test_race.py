"""200 citizens race for the last places: exactly as many win as there are places, on both
stores, and no money is taken without a ticket."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select

from manamitra import clock
from manamitra.bookings.inventory import HoldRequest, booking_id_for, ensure_pool, hold
from manamitra.departments import apsrtc
from manamitra.payments import ledger
from manamitra.payments.orders import create_order
from manamitra.payments.reconcile import reconcile
from manamitra.store import Database
from manamitra.store.models import Booking, BookingPool, BookingSeat, LedgerEntry
from tests.payments.support import deliver, make_payments

RACERS = 200


def _race(database: Database, *, key: str, capacity: int, prefill: int, seats: bool) -> list[str]:
    bus_class = apsrtc.CLASSES["express"]
    starts = clock.now() + timedelta(days=2)
    with database.unit_of_work() as db:
        pool = ensure_pool(
            db, key=key, domain="bus" if seats else "temple", capacity=capacity, starts_at=starts
        )
        pool_id = pool.id
        for index in range(prefill):  # all but the last places already sold
            picked = hold(
                db,
                pool,
                HoldRequest(
                    booking_id=booking_id_for("PRE", f"{key}{index}"),
                    citizen=f"91900000{index:04d}",
                    domain="bus",
                    service_id="x",
                    quantity=1,
                    amount_paise=100,
                    details={},
                    pick_seats=(
                        lambda taken: apsrtc.pick_seats(bus_class, ["female"], "any", taken)
                    )
                    if seats
                    else None,
                ),
            )
            assert picked is not None
            picked.status = "confirmed"
    winners: list[str] = []
    losers: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(RACERS)
    lock = threading.Lock()

    def citizen(number: int) -> None:
        who = f"9198{number:08d}"
        try:
            start.wait()
            with database.unit_of_work() as db:
                pool = db.get(BookingPool, pool_id)
                assert pool is not None
                booking = hold(
                    db,
                    pool,
                    HoldRequest(
                        booking_id=booking_id_for("RACE", f"{key}{who}"),
                        citizen=who,
                        domain="bus" if seats else "temple",
                        service_id="x",
                        quantity=1,
                        amount_paise=50000,
                        details={},
                        pick_seats=(
                            lambda taken: apsrtc.pick_seats(bus_class, ["female"], "window", taken)
                        )
                        if seats
                        else None,
                    ),
                )
            with lock:
                (winners if booking is not None else losers).append(who)
        except BaseException as exc:  # noqa: BLE001  (reported below, fails the test)
            errors.append(exc)

    threads = [threading.Thread(target=citizen, args=(n,)) for n in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors[:3]
    assert len(winners) + len(losers) == RACERS
    with database.unit_of_work() as db:
        pool = db.get(BookingPool, pool_id)
        assert pool is not None and pool.used == capacity
        held = db.scalar(select(func.sum(Booking.quantity)).where(Booking.pool_id == pool_id))
        assert held == capacity
        if seats:
            seat_rows = db.scalar(
                select(func.count()).select_from(BookingSeat).where(BookingSeat.pool_id == pool_id)
            )
            assert seat_rows == capacity
    return winners


def test_200_citizens_race_for_the_last_5_bus_seats(database: Database) -> None:
    capacity = apsrtc.CLASSES["express"].rows * 4
    winners = _race(database, key="bus:race:1", capacity=capacity, prefill=capacity - 5, seats=True)
    assert len(winners) == 5


def test_200_citizens_race_for_the_last_10_darshan_slots_and_money_matches_tickets(
    database: Database,
) -> None:
    winners = _race(database, key="temple:race:1", capacity=50, prefill=40, seats=False)
    assert len(winners) == 10
    # Everyone who won pays; nobody else could (no order exists without a hold).
    payments = make_payments()
    with database.unit_of_work() as db:
        bookings = list(db.scalars(select(Booking).where(Booking.citizen.in_(winners))))
        order_ids = []
        for booking in bookings:
            order = create_order(
                db,
                payments,
                citizen=booking.citizen,
                lang="en",
                purpose="booking",
                service_id="x",
                subject=booking.id,
                title={"en": "t", "te": "టి"},
                items=[{"id": "1", "name": "t", "amount_paise": 50000}],
                idempotency_key=f"booking:{booking.id}",
                prefix="MB",
                meta={"booking": booking.id},
            )
            booking.order_id = order.id
            order_ids.append(order.id)
    for order_id in order_ids:
        deliver(database, payments, payments.gateway.pay(order_id, "success")[1])
    with database.unit_of_work() as db:
        confirmed = db.scalar(
            select(func.count())
            .select_from(Booking)
            .where(Booking.citizen.in_(winners), Booking.status == "confirmed")
        )
        assert confirmed == 10
        assert db.scalar(select(func.count()).select_from(LedgerEntry)) == 10
        assert sum(ledger.net_for_order(db, o) for o in order_ids) == 10 * 50000
        assert reconcile(db, payments.gateway).unexplained == 0
