"""The WAL checkpoint job: with it running, commits leave checkpointing to it."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import text

from manamitra.store import Database
from manamitra.store.wal import checkpoint_wal

ROW = "x" * 3000  # about one page per row


def _write(database: Database, rows: int) -> None:
    with database.unit_of_work() as session:
        session.execute(text("CREATE TABLE IF NOT EXISTS filler (id INTEGER PRIMARY KEY, v TEXT)"))
    for _ in range(rows // 100):
        with database.unit_of_work() as session:
            session.execute(text("INSERT INTO filler (v) VALUES (:v)"), [{"v": ROW}] * 100)


def _wal_path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///") + "-wal")


def test_sqlite_checkpoints_on_commit_by_default(sqlite_database_url: str) -> None:
    database = Database(sqlite_database_url)
    _write(database, 3000)
    _busy, wal_pages, _copied = database.checkpoint()
    # SQLite's automatic checkpoint rewinds the WAL after about 1,000 pages
    assert wal_pages < 1500
    database.dispose()


def test_taken_over_checkpoints_leave_commits_to_append_only(sqlite_database_url: str) -> None:
    database = Database(sqlite_database_url)
    database.take_over_checkpoints()
    _write(database, 3000)
    busy, wal_pages, copied = database.checkpoint()
    assert wal_pages > 3000  # nothing was checkpointed by a commit
    assert (busy, copied) == (0, wal_pages)  # PASSIVE copied it all: no reader was in the way
    database.checkpoint(truncate=True)
    assert _wal_path(sqlite_database_url).stat().st_size == 0
    with database.unit_of_work() as session:
        assert session.execute(text("SELECT count(*) FROM filler")).scalar_one() == 3000
    database.dispose()


def test_job_checkpoints_while_running_and_hands_back_at_stop(sqlite_database_url: str) -> None:
    database = Database(sqlite_database_url)

    async def scenario() -> tuple[bool, int]:
        stop = asyncio.Event()
        job = asyncio.create_task(checkpoint_wal(database, stop, interval=0.01))
        await asyncio.sleep(0.05)
        manual = not database.auto_checkpoint
        for _ in range(6):
            await asyncio.to_thread(_write, database, 500)
            await asyncio.sleep(0.05)
        await asyncio.to_thread(_write, database, 100)  # the commit that rewinds the WAL
        _busy, wal_pages, _copied = await asyncio.to_thread(database.checkpoint)
        stop.set()
        await job
        return manual, wal_pages

    manual, wal_pages = asyncio.run(scenario())
    assert manual
    assert database.auto_checkpoint
    # the job kept up: the WAL was rewound behind the writes instead of growing past 3,000
    assert wal_pages < 1000
    database.dispose()


def test_job_is_a_no_op_on_postgresql(database: Database) -> None:
    if database.is_sqlite:
        pytest.skip("the PostgreSQL half of this test")
    assert database.checkpoint() == (0, 0, 0)
    asyncio.run(checkpoint_wal(database, asyncio.Event()))
    assert database.auto_checkpoint
