"""The speech worker: a background job that transcribes voice notes (`speech_in`) and speaks
replies (`speech_out`), a bounded number at a time, none inside a conversation's transaction.

Each piece of work has its own deadline (the provider's timeout), and work runs side by side
up to `concurrency`, so one slow recognition never holds up another citizen's; the durable
rows (speech jobs, parked replies) are the queue, so a restart loses nothing. It also drops
speech data past `MM_INBOX_RETENTION_HOURS`: finished jobs and voice replies' audio.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete

from manamitra import clock
from manamitra.messaging.inbound import blob_key
from manamitra.pipeline.media import MediaSource
from manamitra.pipeline.speech_in import SpeechIn, claim_jobs, media_of
from manamitra.pipeline.speech_out import VOICE_REPLY_PREFIX, SpeechOut, claim_parked
from manamitra.privacy import Cipher
from manamitra.speech import SpeechProvider
from manamitra.store import Database
from manamitra.store.models import MediaBlob, SpeechJob

log = logging.getLogger(__name__)


class SpeechWorker:
    def __init__(
        self,
        database: Database,
        source: MediaSource,
        provider: SpeechProvider,
        *,
        timeout: float = 15.0,
        max_seconds: float = 60.0,
        concurrency: int = 4,
        cipher: Cipher | None = None,
        on_transcript: Callable[[], None] | None = None,
        on_reply: Callable[[], None] | None = None,
    ) -> None:
        self.database = database
        self.provider = provider
        self.concurrency = concurrency
        self.speech_in = SpeechIn(
            database, source, provider, timeout=timeout, max_seconds=max_seconds, cipher=cipher
        )
        self.speech_out = SpeechOut(database, provider, timeout=timeout)
        # past this, a claimed piece of work is taken again (its process is taken to be dead):
        # the provider's three tries, the download and the conversion, with room to spare
        self.lease = timedelta(seconds=4 * timeout + 30)
        self.on_transcript = on_transcript
        self.on_reply = on_reply
        self._running: set[asyncio.Task[Any]] = set()
        self._wakers: list[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = []

    def wake(self) -> None:
        """Safe from any thread: look for work now (new voice notes or replies to speak)."""
        for loop, event in list(self._wakers):
            if not loop.is_closed():
                loop.call_soon_threadsafe(event.set)

    async def run(self, stop: asyncio.Event) -> None:
        wake = asyncio.Event()
        waker = (asyncio.get_running_loop(), wake)
        self._wakers.append(waker)
        try:
            while not stop.is_set():
                wake.clear()
                started = await self.start_due()
                if started:
                    continue
                await _wait_any(wake, stop, timeout=0.5)
            if self._running:
                await asyncio.wait(self._running, timeout=5)
        finally:
            self._wakers.remove(waker)

    async def start_due(self) -> int:
        """Start what is due, up to the free slots; returns how many were started."""
        free = self.concurrency - len(self._running)
        if free <= 0:
            return 0
        replies = await asyncio.to_thread(claim_parked, self.database, free, self.lease)
        jobs = await asyncio.to_thread(claim_jobs, self.database, free - len(replies), self.lease)
        for reply in replies:
            self._start(self._speak(reply))
        for job in jobs:
            self._start(self._transcribe(job))
        return len(replies) + len(jobs)

    async def drain(self) -> None:
        """Run until nothing is due or running (tests and benchmarks)."""
        while await self.start_due() or self._running:
            if self._running:
                await asyncio.wait(self._running, return_when=asyncio.FIRST_COMPLETED)

    def _start(self, work: Awaitable[None]) -> None:
        task = asyncio.ensure_future(work)
        self._running.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._running.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("speech work failed", exc_info=task.exception())
        self.wake()

    async def _transcribe(self, job: Any) -> None:
        outcome = await self.speech_in.transcribe_job(job)
        callback = self.on_transcript if outcome == "done" else self.on_reply
        if outcome != "retry" and callback is not None:
            callback()

    async def _speak(self, reply: Any) -> None:
        await self.speech_out.speak(reply)
        if self.on_reply is not None:
            self.on_reply()


def purge_speech(database: Database, before: datetime) -> int:
    """Finished speech jobs (and any audio they left) and voice replies' audio, older than
    `before`; returns how many rows went."""
    with database.unit_of_work() as session:
        old = session.execute(
            delete(SpeechJob)
            .where(SpeechJob.status != "pending", SpeechJob.created_at < before)
            .returning(SpeechJob.media)
        ).all()
        keys = [blob_key(media_of(row.media)) for row in old]
        if keys:
            session.execute(delete(MediaBlob).where(MediaBlob.key.in_(keys)))
        spoken = session.execute(
            delete(MediaBlob)
            .where(MediaBlob.key.startswith(VOICE_REPLY_PREFIX), MediaBlob.created_at < before)
            .returning(MediaBlob.key)
        ).all()
    return len(old) + len(spoken)


def speech_retention_job(
    database: Database, retention_hours: float, every_seconds: float = 3600.0
) -> Callable[[asyncio.Event], Awaitable[None]]:
    async def run(stop: asyncio.Event) -> None:
        while not stop.is_set():
            cutoff = clock.now() - timedelta(hours=retention_hours)
            count = await asyncio.to_thread(purge_speech, database, cutoff)
            if count:
                log.info("speech data past retention purged", extra={"count": count})
            if await _wait_any(stop, stop, timeout=every_seconds):
                return

    return run


async def _wait_any(first: asyncio.Event, second: asyncio.Event, *, timeout: float) -> bool:
    """Wait for either event or the timeout; True when `second` is set."""
    waiters = {asyncio.ensure_future(first.wait()), asyncio.ensure_future(second.wait())}
    await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    for waiter in waiters:
        waiter.cancel()
    return second.is_set()
