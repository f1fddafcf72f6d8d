"""The running platform's shared parts, built once by the composition root and passed down."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from manamitra.parts import Parts
from manamitra.settings import Settings
from manamitra.store import Database

log = logging.getLogger(__name__)

BackgroundJob = Callable[[asyncio.Event], Awaitable[None]]


@dataclass
class Runtime:
    """Settings, the database, the platform's parts and the background jobs (workers, sender,
    SLA clock) to run."""

    settings: Settings
    database: Database
    jobs: dict[str, BackgroundJob] = field(default_factory=dict)
    _parts: Parts | None = None
    _stop: asyncio.Event | None = None
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    @classmethod
    def build(cls, settings: Settings) -> Runtime:
        return cls(settings=settings, database=Database(settings.database_url))

    @property
    def parts(self) -> Parts:
        """The platform's parts; the composition root puts them in once, before anything runs."""
        if self._parts is None:
            raise RuntimeError("the platform's parts are not built yet (app.create_app does it)")
        return self._parts

    def put_parts(self, parts: Parts) -> None:
        if self._parts is not None:
            raise RuntimeError("the platform's parts are built once")
        self._parts = parts

    def add_job(self, name: str, job: BackgroundJob) -> None:
        if name in self.jobs:
            raise ValueError(f"background job {name!r} registered twice")
        self.jobs[name] = job

    def keep_only(self, names: set[str]) -> None:
        """Drop every background job not named (a process with a narrower role)."""
        self.jobs = {name: job for name, job in self.jobs.items() if name in names}

    async def start(self) -> None:
        self._stop = asyncio.Event()
        for name, job in self.jobs.items():
            task = asyncio.create_task(self._supervise(name, job), name=name)
            self._tasks.append(task)

    async def _supervise(self, name: str, job: BackgroundJob) -> None:
        assert self._stop is not None
        while not self._stop.is_set():
            try:
                await job(self._stop)
                return
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("background job crashed; restarting", extra={"job": name})
                await asyncio.sleep(1.0)

    async def stop(self) -> None:
        if self._stop is not None:
            self._stop.set()
        for task in self._tasks:
            try:
                await asyncio.wait_for(task, timeout=10)
            except (TimeoutError, asyncio.CancelledError):
                task.cancel()
        self._tasks.clear()
        self.database.dispose()
