"""Engine and session factory for SQLite (embedded default) and PostgreSQL (production)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker


def normalise_url(url: str) -> str:
    """`postgresql://` means psycopg 3 here; SQLAlchemy would otherwise want psycopg2."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _json_dumps(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def _sqlite_pragmas(dbapi_connection: Any, *, auto_checkpoint: bool) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    # Masked and purged personal data must not linger in the file's free space.
    cursor.execute("PRAGMA secure_delete=ON")
    if not auto_checkpoint:
        cursor.execute("PRAGMA wal_autocheckpoint=0")
    cursor.close()


def _sqlite_begin_immediate(conn: Any) -> None:
    # SQLite upgrades a read transaction to a write one lazily and fails with "database is
    # locked" when two writers race; taking the write lock up front makes every unit of work
    # serialise cleanly behind busy_timeout instead.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


class _WriteLock:
    """A re-entrant lock where urgent holders overtake ordinary waiters."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._turn = threading.Condition(threading.Lock())
        self._urgent_waiting = 0

    @contextmanager
    def hold(self, *, urgent: bool) -> Iterator[None]:
        if urgent:
            with self._turn:
                self._urgent_waiting += 1
            try:
                self._lock.acquire()
            finally:
                with self._turn:
                    self._urgent_waiting -= 1
                    self._turn.notify_all()
        elif self._lock._is_owned():  # type: ignore[attr-defined]
            self._lock.acquire()  # re-entrant: this thread is already inside
        else:
            while True:
                with self._turn:
                    self._turn.wait_for(lambda: self._urgent_waiting == 0, timeout=0.05)
                self._lock.acquire()
                with self._turn:
                    if self._urgent_waiting == 0:
                        break
                self._lock.release()
        try:
            yield
        finally:
            self._lock.release()


class Database:
    """One engine and its session factory; `unit_of_work()` is one transaction."""

    def __init__(self, url: str, *, echo: bool = False, pool_size: int = 10) -> None:
        self.url = normalise_url(url)
        parsed = make_url(self.url)
        self.dialect = parsed.get_backend_name()
        kwargs: dict[str, Any] = {
            "echo": echo,
            "future": True,
            "json_serializer": _json_dumps,
            "json_deserializer": orjson.loads,
        }
        if self.dialect == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
            kwargs["pool_size"] = pool_size
            kwargs["max_overflow"] = 20
        else:
            kwargs["pool_size"] = pool_size
            kwargs["max_overflow"] = 20
            kwargs["pool_pre_ping"] = True
        self.engine: Engine = create_engine(self.url, **kwargs)
        # When a background job checkpoints the WAL (`take_over_checkpoints`), no commit pays
        # for copying pages into the database file: SQLite would otherwise make whichever
        # transaction crosses 1,000 WAL pages do it, often the webhook's inbox commit.
        self.auto_checkpoint = True
        if self.dialect == "sqlite":

            @event.listens_for(self.engine, "connect")
            def _pragmas(dbapi_connection: Any, _record: Any) -> None:
                _sqlite_pragmas(dbapi_connection, auto_checkpoint=self.auto_checkpoint)

            @event.listens_for(self.engine, "connect")
            def _no_pysqlite_begin(dbapi_connection: Any, _record: Any) -> None:
                dbapi_connection.isolation_level = None

            event.listen(self.engine, "begin", _sqlite_begin_immediate)
        self.session_factory = sessionmaker(self.engine, expire_on_commit=False)
        # SQLite has one writer at a time and, when several threads want the lock, its busy
        # handler sleeps and polls (up to 100 ms a try): under load that wastes most of the
        # time. A process-wide lock hands the write lock over at once, in arrival order.
        self._write_lock: _WriteLock | None = _WriteLock() if self.dialect == "sqlite" else None

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @contextmanager
    def unit_of_work(self, *, urgent: bool = False) -> Iterator[Session]:
        """A transaction: commit on success, roll back on any error.

        `urgent` (the webhook's inbox commit, which Meta waits on) goes ahead of other
        writers queued for SQLite's single write lock; PostgreSQL has no such queue.
        """
        guard = (
            self._write_lock.hold(urgent=urgent) if self._write_lock is not None else nullcontext()
        )
        with guard:
            session = self.session_factory()
            try:
                with session.begin():
                    yield session
            finally:
                session.close()

    def take_over_checkpoints(self, manual: bool = True) -> None:
        """SQLite: stop commits checkpointing the WAL; `checkpoint()` must then be called
        regularly (the wal-checkpoint job). `manual=False` hands it back to SQLite."""
        if not self.is_sqlite or self.auto_checkpoint is not manual:
            return
        self.auto_checkpoint = not manual
        self.engine.dispose()  # pooled connections reopen with the new setting

    def checkpoint(self, *, truncate: bool = False) -> tuple[int, int, int]:
        """Copy committed WAL pages into the database file; returns SQLite's (busy, WAL pages,
        pages checkpointed), or (0, 0, 0) on PostgreSQL.

        First without blocking writers (PASSIVE), then, if writers added pages meanwhile,
        once more holding the write lock so the checkpoint completes and the next commit
        rewinds the WAL (few pages are left by then, so the lock is held briefly).
        `truncate` also waits for readers and empties the WAL file."""
        if not self.is_sqlite:
            return (0, 0, 0)
        if truncate:
            return self._checkpoint("TRUNCATE", locked=True)
        busy, pages, copied = self._checkpoint("PASSIVE", locked=False)
        if copied < pages:
            busy, pages, copied = self._checkpoint("PASSIVE", locked=True)
        return busy, pages, copied

    def _checkpoint(self, mode: str, *, locked: bool) -> tuple[int, int, int]:
        guard = self._write_lock.hold(urgent=False) if locked and self._write_lock else None
        with guard or nullcontext():
            connection = self.engine.raw_connection()
            try:
                cursor = connection.cursor()
                row = cursor.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()
                cursor.close()
            finally:
                connection.close()
        return (int(row[0]), int(row[1]), int(row[2]))

    def dispose(self) -> None:
        self.engine.dispose()
