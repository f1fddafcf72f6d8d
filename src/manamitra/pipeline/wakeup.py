"""Wakes this process's workers when any process stores inbound messages (PostgreSQL).

The inbox commit sends `NOTIFY manamitra_inbox_<schema>`; this job LISTENs on a connection of
its own and calls `wake` for each notification, so a worker in another process than the
webhook's answers at once instead of at its next poll. Notifications are only a hint:
workers still poll, so a lost one (a dropped connection) delays a reply by a poll interval,
never loses it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import psycopg

from manamitra.pipeline.inbox_store import inbox_channel
from manamitra.store import Database


def libpq_url(database: Database) -> str:
    """The SQLAlchemy URL as libpq takes it (no driver suffix, password kept)."""
    url = database.engine.url.render_as_string(hide_password=False)
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


async def wake_on_inbox(
    database: Database, wake: Callable[[], None], stop: asyncio.Event, *, timeout: float = 1.0
) -> None:
    """Background job (PostgreSQL only): call `wake` whenever messages were stored."""
    if database.is_sqlite:
        return
    channel = await asyncio.to_thread(inbox_channel, database)
    async with await psycopg.AsyncConnection.connect(
        libpq_url(database), autocommit=True
    ) as connection:
        await connection.execute(f'LISTEN "{channel}"')
        while not stop.is_set():
            # the timeout ends the iteration now and then, so `stop` is looked at
            async for _note in connection.notifies(timeout=timeout):
                wake()
