"""The platform's lake job: export new events every few minutes, drop partitions past the
retention, and compact yesterday's and older partitions once a day (`MM_LAKE_EXPORT_MINUTES`,
`MM_LAKE_RETENTION_DAYS`)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import date

from manamitra import clock
from manamitra.lake.export import export
from manamitra.lake.layout import Lake
from manamitra.lake.maintenance import compact, retain
from manamitra.store import Database

log = logging.getLogger(__name__)


def run_once(database: Database, lake: Lake, retention_days: int, compact_today: bool) -> None:
    result = export(database, lake)
    if result.events:
        log.info("events exported to the lake", extra={"events": result.events})
    dropped = retain(lake, retention_days)
    if dropped:
        log.info("lake partitions past retention dropped", extra={"partitions": len(dropped)})
    if compact_today:
        merged = compact(lake)
        if merged.partitions:
            log.info("lake partitions compacted", extra={"partitions": merged.partitions})


def lake_job(
    database: Database, lake: Lake, every_minutes: float, retention_days: int
) -> Callable[[asyncio.Event], Awaitable[None]]:
    async def run(stop: asyncio.Event) -> None:
        compacted: date | None = None
        while not stop.is_set():
            today = clock.now().date()
            try:
                await asyncio.to_thread(
                    run_once, database, lake, retention_days, compacted != today
                )
                compacted = today
            except OSError:
                log.exception("lake export failed; it resumes on the next run")
            try:
                await asyncio.wait_for(stop.wait(), timeout=every_minutes * 60)
            except TimeoutError:
                continue

    return run
