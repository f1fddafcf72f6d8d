"""The background job that returns expired holds to stock (reads also expire them lazily)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from manamitra.bookings.inventory import expire_due
from manamitra.store import Database

log = logging.getLogger(__name__)


def expiry_job(
    database: Database, every_seconds: float = 30.0
) -> Callable[[asyncio.Event], Awaitable[None]]:
    def sweep() -> int:
        with database.unit_of_work() as db:
            return expire_due(db)

    async def run(stop: asyncio.Event) -> None:
        while not stop.is_set():
            released = await asyncio.to_thread(sweep)
            if released:
                log.info("expired holds returned to stock", extra={"count": released})
            try:
                await asyncio.wait_for(stop.wait(), timeout=every_seconds)
            except TimeoutError:
                continue

    return run
