"""The durable inbox: webhook events stored, deduplicated, before Meta gets its 200.

`InboxWriter` is a group commit. Each webhook request hands over its parsed events and awaits
a future; one writer task takes everything queued by all concurrent requests and writes it in
ONE transaction (inbound messages deduplicated by wamid, conversation rows upserted, delivery
statuses applied to the outbox), then resolves the futures. The queue is bounded: when it is
full the request waits a bounded time and then gets `InboxBusyError` (the webhook answers 503
and Meta retries later — at-least-once delivery plus wamid deduplication loses nothing).

The store is synchronous SQLAlchemy, so each commit runs in a worker thread; the transaction
itself is `pipeline/inbox_store.py`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from manamitra.errors import ManamitraError
from manamitra.pipeline.inbox_store import Received, StatusUpdate, StoreOutcome, store_events
from manamitra.privacy import Cipher
from manamitra.store import Database

log = logging.getLogger(__name__)

StoredListener = Callable[[frozenset[str]], None]


class InboxBusyError(ManamitraError):
    """The inbox could not take or commit the events in time; the caller should answer 503."""


@dataclass
class _Pending:
    messages: Sequence[Received]
    statuses: Sequence[StatusUpdate]
    future: asyncio.Future[None]

    @property
    def size(self) -> int:
        return len(self.messages) + len(self.statuses)


_IDLE: Any = object()


class InboxWriter:
    """Group commit of webhook events; `submit()` returns once they are durably stored."""

    def __init__(
        self,
        database: Database,
        *,
        cipher: Cipher,
        max_queue: int = 10_000,
        max_batch: int = 2_000,
        enqueue_timeout: float = 1.0,
        commit_timeout: float = 10.0,
        orphan_ttl: float = 60.0,
        on_stored: StoredListener | None = None,
    ) -> None:
        self.database = database
        self.cipher = cipher
        self.max_queue = max_queue
        self.max_batch = max_batch
        self.enqueue_timeout = enqueue_timeout
        self.commit_timeout = commit_timeout
        self.orphan_ttl = orphan_ttl
        self._listeners: list[StoredListener] = [on_stored] if on_stored else []
        self._queue: asyncio.Queue[_Pending | None] | None = None
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        # Status webhooks can overtake the sender's own commit of the wamid; keep them a while.
        self._orphans: list[tuple[float, StatusUpdate]] = []
        self.commits = 0

    def add_listener(self, listener: StoredListener) -> None:
        """Called (in the event loop) with the batch's citizens after every commit."""
        self._listeners.append(listener)

    @property
    def queue_depth(self) -> int:
        return self._queue.qsize() if self._queue is not None else 0

    async def submit(
        self, messages: Sequence[Received], statuses: Sequence[StatusUpdate] = ()
    ) -> None:
        """Store the events durably; raise InboxBusyError when that cannot happen in time."""
        if not messages and not statuses:
            return
        queue = self._ensure_running()
        pending = _Pending(messages, statuses, asyncio.get_running_loop().create_future())
        try:
            queue.put_nowait(pending)
        except asyncio.QueueFull:
            try:
                await asyncio.wait_for(queue.put(pending), self.enqueue_timeout)
            except TimeoutError as exc:
                raise InboxBusyError("inbox queue full") from exc
        try:
            await asyncio.wait_for(asyncio.shield(pending.future), self.commit_timeout)
        except TimeoutError as exc:
            raise InboxBusyError("inbox commit took too long") from exc

    async def aclose(self) -> None:
        """Write what is queued, then stop the writer task."""
        if self._task is None or self._queue is None:
            return
        if self._loop is asyncio.get_running_loop() and not self._task.done():
            await self._queue.put(None)
            await self._task
        self._task = None
        self._queue = None

    async def run(self, stop: asyncio.Event) -> None:
        """A background job: starts the writer, and drains it when the platform stops."""
        self._ensure_running()
        await stop.wait()
        await self.aclose()

    def _ensure_running(self) -> asyncio.Queue[_Pending | None]:
        loop = asyncio.get_running_loop()
        if self._task is None or self._task.done() or self._loop is not loop:
            self._loop = loop
            self._queue = asyncio.Queue(self.max_queue)
            self._task = loop.create_task(self._writer(self._queue), name="inbox-writer")
        assert self._queue is not None
        return self._queue

    async def _writer(self, queue: asyncio.Queue[_Pending | None]) -> None:
        closing = False
        while not closing:
            first = await self._next(queue)
            if first is None:
                return
            batch: list[_Pending] = [] if first is _IDLE else [first]
            size = sum(p.size for p in batch)
            while size < self.max_batch:
                try:
                    item = queue.get_nowait()
                except asyncio.QueueEmpty:
                    break
                if item is None:
                    closing = True
                    break
                batch.append(item)
                size += item.size
            await self._commit(batch)
        if self._orphans:
            await self._commit([])

    async def _next(self, queue: asyncio.Queue[_Pending | None]) -> _Pending | None:
        if not self._orphans:
            return await queue.get()
        try:
            return await asyncio.wait_for(queue.get(), 0.5)
        except TimeoutError:
            return _IDLE

    async def _commit(self, batch: list[_Pending]) -> None:
        orphans = self._take_orphans()
        try:
            outcome = await asyncio.to_thread(self._write, batch, [s for _, s in orphans])
        except Exception:
            log.exception(
                "inbox batch failed; retrying its requests one by one",
                extra={"requests": len(batch)},
            )
            outcome = await self._commit_one_by_one(batch)
            outcome.unmatched.extend(s for _, s in orphans)
        else:
            for pending in batch:
                if not pending.future.done():
                    pending.future.set_result(None)
        self.commits += 1
        self._keep_orphans(orphans, outcome.unmatched)
        if outcome.citizens:
            self._notify(outcome.citizens)

    def _notify(self, citizens: frozenset[str]) -> None:
        for listener in self._listeners:
            try:
                listener(citizens)
            except Exception:  # a listener's bug must not stop the writer; workers also poll
                log.exception("inbox listener failed")

    async def _commit_one_by_one(self, batch: list[_Pending]) -> StoreOutcome:
        # One poisoned request must not make every request that shared its batch fail forever.
        citizens: set[str] = set()
        unmatched: list[StatusUpdate] = []
        for pending in batch:
            try:
                outcome = await asyncio.to_thread(self._write, [pending], [])
            except Exception as exc:
                log.exception("inbox request failed to store")
                if not pending.future.done():
                    pending.future.set_exception(InboxBusyError(str(type(exc).__name__)))
                continue
            citizens |= outcome.citizens
            unmatched.extend(outcome.unmatched)
            if not pending.future.done():
                pending.future.set_result(None)
        return StoreOutcome(frozenset(citizens), unmatched)

    def _write(self, batch: list[_Pending], orphans: list[StatusUpdate]) -> StoreOutcome:
        messages = [m for p in batch for m in p.messages]
        statuses = [s for p in batch for s in p.statuses] + orphans
        return store_events(self.database, messages, statuses, cipher=self.cipher)

    def _take_orphans(self) -> list[tuple[float, StatusUpdate]]:
        now = time.monotonic()
        alive = [(deadline, s) for deadline, s in self._orphans if deadline > now]
        self._orphans = []
        return alive

    def _keep_orphans(
        self, retried: list[tuple[float, StatusUpdate]], unmatched: list[StatusUpdate]
    ) -> None:
        if not unmatched:
            return
        still = {id(s) for s in unmatched}
        old = {id(s) for _, s in retried}
        self._orphans.extend((d, s) for d, s in retried if id(s) in still)
        deadline = time.monotonic() + self.orphan_ttl
        self._orphans.extend((deadline, s) for s in unmatched if id(s) not in old)
