"""The register of processes that claim work: each registers at start, beats every second,
and is deleted when it stops or when another process finds it dead.

Dead means: on the same host (kernel boot and PID namespace), its PID no longer runs that
process, which a restart sees at once; on another host, no heartbeat for `stale`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import cast

from sqlalchemy import Table, delete, select, update

from manamitra import clock
from manamitra.processes import ProcessIdentity, running
from manamitra.store.db import Database
from manamitra.store.models import PlatformProcess

PROCESSES = cast(Table, PlatformProcess.__table__)


def register(database: Database, me: ProcessIdentity) -> None:
    now = clock.now()
    with database.unit_of_work() as session:
        session.merge(
            PlatformProcess(
                id=me.id,
                hostname=me.hostname[:255],
                host=me.host,
                pid=me.pid,
                started=me.started,
                registered_at=now,
                heartbeat_at=now,
            )
        )


def beat(database: Database, me: ProcessIdentity) -> bool:
    """Refresh the heartbeat; False if another process has already declared this one dead."""
    p = PROCESSES
    with database.unit_of_work() as session:
        result = session.execute(update(p).where(p.c.id == me.id).values(heartbeat_at=clock.now()))
        return bool(result.rowcount)  # type: ignore[attr-defined]


def sweep(database: Database, me: ProcessIdentity, stale: timedelta) -> list[str]:
    """Delete the processes that are dead and return their ids."""
    p = PROCESSES
    oldest_alive = clock.now() - stale
    with database.unit_of_work() as session:
        others = session.execute(
            select(p.c.id, p.c.host, p.c.pid, p.c.started, p.c.heartbeat_at).where(p.c.id != me.id)
        ).all()
        dead = [
            row.id
            for row in others
            if (
                not running(row.pid, row.started)
                if row.host == me.host
                else row.heartbeat_at < oldest_alive
            )
        ]
        if dead:
            session.execute(delete(p).where(p.c.id.in_(dead)))
    return dead


def forget(database: Database, me: ProcessIdentity) -> None:
    p = PROCESSES
    with database.unit_of_work() as session:
        session.execute(delete(p).where(p.c.id == me.id))
