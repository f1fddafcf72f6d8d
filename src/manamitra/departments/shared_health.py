"""The whole platform's health of each declared department, across its processes.

Each process counts its own calls (`health.DepartmentHealth`: its circuit decides at once,
without asking the database) and publishes the counters every few seconds into
`department_health`, one row per process and department, absolute values (so publishing twice
counts nothing twice). The console reads the sums:

- calls, errors and not-found answers: every process's, including processes that have ended
  (their rows are folded into one ENDED row per department after FOLD_AFTER without a
  publication, so the table does not grow with every restart);
- latency p50/p95: over the latest calls (LATENCY_WINDOW) of each process not yet folded;
- the circuit: open if it is open in any running process (one that published within FRESH),
  else half open if half open in any, else closed; with how many running processes have it
  open;
- the last error and the last success: the platform's latest.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from manamitra import clock
from manamitra.departments.health import CLOSED, HALF_OPEN, OPEN, DepartmentHealth
from manamitra.store.db import Database
from manamitra.store.models import DepartmentHealthShare

log = logging.getLogger(__name__)

ENDED = "ended"
FRESH = timedelta(seconds=30)
FOLD_AFTER = timedelta(minutes=10)
PUBLISH_SECONDS = 2.0
HEALTH = cast(Table, DepartmentHealthShare.__table__)
_SEVERITY = {OPEN: 2, HALF_OPEN: 1, CLOSED: 0}


def _values(process: str, health: DepartmentHealth, now: datetime) -> dict[str, Any]:
    reading = health.reading()
    on_its_clock = health.clock()

    def wall(moment: Any) -> datetime | None:
        """A moment on the health's own (monotonic) clock, as a UTC time."""
        if moment is None:
            return None
        return now - timedelta(seconds=max(0.0, on_its_clock - float(moment)))

    return {
        "process": process,
        "department": health.department,
        "calls": reading["calls"],
        "errors": reading["errors"],
        "not_found": reading["not_found"],
        "state": reading["state"],
        "opened_at": wall(reading["opened_at"]),
        "last_error": reading["last_error"],
        "last_error_at": wall(reading["last_error_at"]),
        "last_success_at": wall(reading["last_success_at"]),
        "latencies_ms": [round(float(s) * 1000) for s in cast(list[float], reading["latencies"])],
        "published_at": now,
    }


def _upsert(session: Session, rows: list[dict[str, Any]]) -> None:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(HEALTH).values(rows)
    changing = [c.name for c in HEALTH.columns if c.name not in ("process", "department")]
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["process", "department"],
            set_={name: statement.excluded[name] for name in changing},
        )
    )


def publish(session: Session, process: str, board: Iterable[DepartmentHealth]) -> None:
    """This process's counters, replacing what it published before."""
    now = clock.now()
    rows = [_values(process, health, now) for health in board]
    if rows:
        _upsert(session, rows)


def fold_ended(session: Session) -> int:
    """Fold the rows of processes silent for FOLD_AFTER into the ENDED row of their department;
    each row is deleted before it is added, so two processes folding at once count it once."""
    cutoff = clock.now() - FOLD_AFTER
    h = HEALTH
    stale = session.execute(select(h).where(h.c.process != ENDED, h.c.published_at < cutoff)).all()
    folded = 0
    for row in stale:
        gone = session.execute(
            delete(h).where(
                h.c.process == row.process,
                h.c.department == row.department,
                h.c.published_at == row.published_at,
            )
        )
        if not gone.rowcount:  # type: ignore[attr-defined]
            continue  # another process folded it first
        ended = session.get(DepartmentHealthShare, (ENDED, row.department), with_for_update=True)
        if ended is None:
            ended = DepartmentHealthShare(
                process=ENDED,
                department=row.department,
                calls=0,
                errors=0,
                not_found=0,
                state=CLOSED,
                latencies_ms=[],
                published_at=row.published_at,
            )
            session.add(ended)
        ended.calls += row.calls
        ended.errors += row.errors
        ended.not_found += row.not_found
        _keep_latest(ended, row)
        ended.published_at = max(ended.published_at, row.published_at)
        session.flush()
        folded += 1
    return folded


def _keep_latest(into: Any, row: Any) -> None:
    """The later of `into`'s and `row`'s last error (with its message) and last success,
    kept on `into`."""
    if row.last_error_at is not None and (
        into.last_error_at is None or row.last_error_at > into.last_error_at
    ):
        into.last_error, into.last_error_at = row.last_error, row.last_error_at
    if row.last_success_at is not None and (
        into.last_success_at is None or row.last_success_at > into.last_success_at
    ):
        into.last_success_at = row.last_success_at


def _quantile(values: list[int], quantile: float) -> int | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(quantile * len(ordered)))]


@dataclass
class _Sum:
    calls: int = 0
    errors: int = 0
    not_found: int = 0
    state: str = CLOSED
    running: int = 0
    open_in: int = 0
    last_error: str | None = None
    last_error_at: datetime | None = None
    last_success_at: datetime | None = None

    def __post_init__(self) -> None:
        self.latencies: list[int] = []


def platform_snapshots(session: Session, departments: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Each department's platform-wide snapshot, keyed as DepartmentHealth.snapshot() is, with
    `processes` (running processes that published it) and `open_in` (how many have it open)."""
    now = clock.now()
    sums = {name: _Sum() for name in departments}
    for row in session.execute(select(HEALTH).where(HEALTH.c.department.in_(list(sums)))).all():
        total = sums[row.department]
        total.calls += row.calls
        total.errors += row.errors
        total.not_found += row.not_found
        if row.process != ENDED:
            total.latencies.extend(int(ms) for ms in row.latencies_ms or ())
            if now - row.published_at <= FRESH:
                total.running += 1
                total.open_in += row.state == OPEN
                if _SEVERITY.get(row.state, 0) > _SEVERITY[total.state]:
                    total.state = row.state
        _keep_latest(total, row)
    return {
        name: {
            "department": name,
            "state": total.state,
            "calls": total.calls,
            "errors": total.errors,
            "not_found": total.not_found,
            "p50_ms": _quantile(total.latencies, 0.5),
            "p95_ms": _quantile(total.latencies, 0.95),
            "last_error": total.last_error,
            "seconds_since_error": _ago(now, total.last_error_at),
            "seconds_since_success": _ago(now, total.last_success_at),
            "processes": total.running,
            "open_in": total.open_in,
        }
        for name, total in sums.items()
    }


def _ago(now: datetime, moment: datetime | None) -> int | None:
    return None if moment is None else max(0, round((now - moment).total_seconds()))


def publish_once(database: Database, process: str, board: Iterable[DepartmentHealth]) -> None:
    with database.unit_of_work() as session:
        publish(session, process, board)
        fold_ended(session)


def health_publisher_job(
    database: Database,
    board: Iterable[DepartmentHealth],
    process: Callable[[], str],
    every_seconds: float = PUBLISH_SECONDS,
) -> Callable[[asyncio.Event], Awaitable[None]]:
    """Publish this process's counters every `every_seconds`, and once more on the way out."""

    async def run(stop: asyncio.Event) -> None:
        while True:
            started = time.monotonic()
            try:
                await asyncio.to_thread(publish_once, database, process(), board)
            except Exception:  # a failed publication is logged and retried; the job must not die
                log.exception("department health publication failed")
            if stop.is_set():
                return
            wait = max(0.0, every_seconds - (time.monotonic() - started))
            try:
                await asyncio.wait_for(stop.wait(), timeout=wait)
            except TimeoutError:
                continue

    return run
