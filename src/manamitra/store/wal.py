"""The SQLite write-ahead-log checkpoint job.

With it running, commits only append to the WAL; this job copies the pages into the database
file in the background (PASSIVE: it never blocks a writer), so no commit, least of all the
webhook's, waits on that I/O. If readers kept the WAL from rewinding and it grew past
`truncate_pages`, it waits for a quiet moment and empties it.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from functools import partial

from manamitra.store.db import Database

log = logging.getLogger(__name__)


async def checkpoint_wal(
    database: Database,
    stop: asyncio.Event,
    *,
    interval: float = 0.25,
    truncate_pages: int = 16_384,
) -> None:
    """Background job (SQLite only): checkpoint every `interval` seconds until `stop`."""
    if not database.is_sqlite:
        return
    database.take_over_checkpoints()
    try:
        while not stop.is_set():
            _busy, wal_pages, _copied = await asyncio.to_thread(database.checkpoint)
            if wal_pages > truncate_pages:
                log.warning("WAL grew to %d pages; truncating it", wal_pages)
                await asyncio.to_thread(partial(database.checkpoint, truncate=True))
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), interval)
    finally:
        database.take_over_checkpoints(manual=False)
        await asyncio.to_thread(database.checkpoint)
