"""The background job that returns expired holds to stock (reads also expire them lazily) and
tells each citizen whose unpaid hold it released that the places are gone; a payment that
still arrives is re-allocated or refunded when it is confirmed."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from manamitra.bookings.inventory import expire_due
from manamitra.messaging.outbox import enqueue
from manamitra.messaging.reply import Text
from manamitra.payments.text import text
from manamitra.store import Database
from manamitra.store.models import Booking, PaymentOrder

log = logging.getLogger(__name__)


def sweep(database: Database) -> int:
    """Expire every due hold in one transaction and queue a word to each citizen."""
    released: list[Booking] = []
    with database.unit_of_work() as db:
        count = expire_due(db, expired=released)
        for booking in released:
            order = db.get(PaymentOrder, booking.order_id) if booking.order_id else None
            lang = order.lang if order is not None else "te"
            enqueue(
                db,
                booking.citizen,
                [Text(text(lang, "bookings.hold_expired", reference=booking.id))],
            )
    return count


def expiry_job(
    database: Database, every_seconds: float = 30.0, notify: Callable[[], None] | None = None
) -> Callable[[asyncio.Event], Awaitable[None]]:
    async def run(stop: asyncio.Event) -> None:
        while not stop.is_set():
            released = await asyncio.to_thread(sweep, database)
            if released:
                log.info("expired holds returned to stock", extra={"count": released})
                if notify is not None:
                    notify()
            try:
                await asyncio.wait_for(stop.wait(), timeout=every_seconds)
            except TimeoutError:
                continue

    return run
