"""The outbox sender: delivers queued replies to the Graph API, in order per citizen.

A background job (`OutboxSender.run`) that loops: record finished sends (one transaction),
claim due rows up to its free concurrency (one transaction), and send each claimed row in its
own task, all sharing one token bucket (settings.send_rate). Claims hand out only the oldest
unsent row per citizen, so a citizen's next message is claimed only after the previous one is
recorded sent or given up on. Retryable errors back off exponentially with jitter (longer when
Meta says slow down); permanent ones mark the row failed with Meta's error code.

It wakes on `notify()` (the worker calls it after committing replies) and polls as a fallback.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import timedelta

from manamitra import clock
from manamitra.channels.whatsapp import outbox_store
from manamitra.channels.whatsapp.graph_client import GraphClient
from manamitra.channels.whatsapp.outbox_store import Claimed, Outcome
from manamitra.channels.whatsapp.ratelimit import TokenBucket
from manamitra.channels.whatsapp.render import RenderError, media_key, render
from manamitra.conversation.reply import reply_from_json
from manamitra.errors import GraphApiError, NotFoundError
from manamitra.observability import Metrics
from manamitra.settings import Settings
from manamitra.store import Database

log = logging.getLogger(__name__)

MEDIA_REUSE = timedelta(days=29)  # Meta keeps uploaded media for 30 days
EXTRA_MEDIA_KEPT = 10_000


class OutboxSender:
    def __init__(
        self,
        database: Database,
        graph: GraphClient,
        settings: Settings,
        *,
        metrics: Metrics | None = None,
        bucket: TokenBucket | None = None,
        max_in_flight: int | None = None,
        claim_batch: int = 50,
        lease: timedelta = timedelta(seconds=120),
        poll_interval: float = 0.5,
        max_attempts: int = 10,
        base_backoff: float = 1.0,
        max_backoff: float = 300.0,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.database = database
        self.graph = graph
        self.metrics = metrics
        # Meta's throughput limit is per business number: one bucket each, at MM_SEND_RATE
        self.numbers = settings.business_numbers
        self.bucket = bucket or TokenBucket(settings.send_rate)
        self._buckets = {self.numbers[0]: self.bucket}
        self._send_rate = settings.send_rate
        # Enough sends in flight to keep the rate with Meta's ~100-300 ms answers, no more than
        # the Graph client's connection pool (200).
        self.max_in_flight = max_in_flight or min(
            200, max(16, int(settings.send_rate * len(self.numbers) // 3))
        )
        # Claims stay small: on SQLite each holds the one write lock the webhook's inbox
        # commit waits for (measured: lower ack p99 at 1,500 msg/s, and under overload).
        self.claim_batch = claim_batch
        self.lease = lease
        self.poll_interval = poll_interval
        self.max_attempts = max_attempts
        self.base_backoff = base_backoff
        self.max_backoff = max_backoff
        self.jitter = jitter
        self._inflight: set[asyncio.Task[None]] = set()
        self._done: list[Outcome] = []
        self._wake: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._media_locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        # media uploaded through a number other than the primary: (number, key) → (id, when)
        self._extra_media: dict[tuple[str, str], tuple[str, float]] = {}
        self.sent = 0
        self.failed = 0
        self.retried = 0

    # -- waking ------------------------------------------------------------------------------

    def notify(self) -> None:
        """New rows were committed: claim now rather than at the next poll. Thread-safe."""
        loop, wake = self._loop, self._wake
        if loop is None or wake is None or loop.is_closed():
            return
        try:
            running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            wake.set()
        else:
            loop.call_soon_threadsafe(wake.set)

    @property
    def in_flight(self) -> int:
        return len(self._inflight)

    # -- the loop ----------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        """Background job: send until `stop` is set, then finish what is in flight."""
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        try:
            while not stop.is_set():
                more = await self.step()
                if not more:
                    await self._idle(stop)
        finally:
            await self.drain()

    async def step(self) -> bool:
        """Record finished sends, claim and start new ones; True if there may be more now."""
        if self._wake is None:
            self._loop = asyncio.get_running_loop()
            self._wake = asyncio.Event()
        self._wake.clear()
        recorded = await self._record()
        free = min(self.max_in_flight - len(self._inflight), self.claim_batch)
        claimed = await asyncio.to_thread(outbox_store.claim, self.database, free, self.lease)
        for row in claimed:
            task = asyncio.create_task(self._send(row), name=f"send-{row.id}")
            self._inflight.add(task)
            task.add_done_callback(self._inflight.discard)
        return recorded > 0 or (0 < free == len(claimed))

    async def drain(self, timeout: float = 30.0) -> None:
        """Wait for in-flight sends and record them."""
        if self._inflight:
            await asyncio.wait(set(self._inflight), timeout=timeout)
        await self._record()

    async def run_until_idle(self) -> None:
        """Send everything due now, then return (tests and `manamitra chat`)."""
        while True:
            await self.step()
            if self._inflight:
                await asyncio.wait(set(self._inflight))
            elif not self._done:
                return

    async def _idle(self, stop: asyncio.Event) -> None:
        assert self._wake is not None
        waiters = [asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(stop.wait())]
        try:
            await asyncio.wait(
                waiters, timeout=self.poll_interval, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            for waiter in waiters:
                waiter.cancel()

    async def _record(self) -> int:
        if not self._done:
            return 0
        done, self._done = self._done, []
        await asyncio.to_thread(outbox_store.record, self.database, done)
        return len(done)

    def _finish(self, outcome: Outcome) -> None:
        self._done.append(outcome)
        if self._wake is not None:
            self._wake.set()

    # -- one message -------------------------------------------------------------------------

    async def _send(self, row: Claimed) -> None:
        try:
            outcome = await self._attempt(row)
        except Exception as exc:
            # A bug in rendering or here must not leave the row leased until the lease ends.
            log.exception("sending an outbox row failed unexpectedly", extra={"outbox_id": row.id})
            outcome = self._retry_or_fail(row, None, f"internal: {type(exc).__name__}", None)
        self._finish(outcome)

    def _number(self, row: Claimed) -> str:
        """The business number to send from: the row's if it is still one of ours."""
        number = row.phone_number_id
        return number if number is not None and number in self.numbers else self.numbers[0]

    def _bucket(self, number: str) -> TokenBucket:
        bucket = self._buckets.get(number)
        if bucket is None:
            bucket = self._buckets[number] = TokenBucket(self._send_rate)
        return bucket

    async def _attempt(self, row: Claimed) -> Outcome:
        number = self._number(row)
        try:
            reply = reply_from_json(row.body)
            key = media_key(reply)
            media_ids = {key: await self._media_id(key, number)} if key else {}
            body = render(row.citizen, reply, media_ids=media_ids)
        except (RenderError, NotFoundError, KeyError, TypeError, ValueError) as exc:
            return self._failed(row, None, f"cannot render: {exc}")
        except GraphApiError as exc:  # media upload refused
            return self._graph_error(row, exc, number)
        await self._bucket(number).acquire()
        started = time.perf_counter()
        try:
            wamid = await self.graph.send_message(body, phone_number_id=number)
        except GraphApiError as exc:
            return self._graph_error(row, exc, number)
        finally:
            if self.metrics is not None:
                self.metrics.send_seconds.observe(time.perf_counter() - started)
        self.sent += 1
        if self.metrics is not None:
            self.metrics.outbound_sent.labels(row.kind).inc()
            if row.inbound_received_at is not None:
                elapsed = (clock.now() - row.inbound_received_at).total_seconds()
                self.metrics.webhook_to_reply_seconds.observe(max(0.0, elapsed))
        return Outcome(row.id, "sent", wamid=wamid)

    def _graph_error(self, row: Claimed, exc: GraphApiError, number: str) -> Outcome:
        backoff = getattr(exc, "backoff", None)
        if exc.error_code == 130429 and backoff:
            self._bucket(number).pause(backoff)
        log.warning(
            "graph refused a message",
            extra={
                "outbox_id": row.id,
                "status": exc.status,
                "error_code": exc.error_code,
                "retry": exc.retry,
                "attempt": row.attempts,
            },
        )
        if not exc.retry:
            return self._failed(row, exc.error_code, str(exc))
        return self._retry_or_fail(row, exc.error_code, str(exc), backoff)

    def _retry_or_fail(
        self, row: Claimed, code: int | None, error: str, hint: float | None
    ) -> Outcome:
        if row.attempts >= self.max_attempts:
            return self._failed(row, code, f"gave up after {row.attempts} attempts: {error}")
        delay = min(self.max_backoff, self.base_backoff * 2 ** (row.attempts - 1))
        delay = delay * (0.5 + self.jitter())
        if hint:
            delay = max(delay, hint * (1 + self.jitter() / 2))
        self.retried += 1
        if self.metrics is not None:
            self.metrics.outbound_retries.labels(str(code or "network")).inc()
        return Outcome(
            row.id,
            "retry",
            error_code=code,
            error=error[:1000],
            next_attempt_at=clock.now() + timedelta(seconds=delay),
        )

    def _failed(self, row: Claimed, code: int | None, error: str) -> Outcome:
        self.failed += 1
        if self.metrics is not None:
            self.metrics.outbound_failed.labels(str(code or "none")).inc()
        return Outcome(row.id, "failed", error_code=code, error=error[:1000])

    async def _media_id(self, key: str, number: str) -> str:
        """The Graph media id for a stored blob, uploading it once (again after 29 days).

        The primary number's id is kept in the store; another number uploads its own copy,
        once per process (a media id is only sure to work for the number that uploaded it)."""
        lock_key = key if number == self.numbers[0] else f"{number}/{key}"
        try:
            if number != self.numbers[0]:
                return await self._extra_media_id(key, number)
            return await self._media_id_locked(key)
        finally:
            lock = self._media_locks.get(lock_key)
            if lock is not None and not lock.locked():
                del self._media_locks[lock_key]

    async def _media_id_locked(self, key: str) -> str:
        async with self._media_locks[key]:
            blob = await asyncio.to_thread(outbox_store.load_blob, self.database, key)
            if blob is None or blob.content is None:
                raise NotFoundError(f"media {key!r} is not in the store")
            fresh = (
                blob.graph_uploaded_at is not None
                and clock.now() - blob.graph_uploaded_at < MEDIA_REUSE
            )
            if blob.graph_media_id and fresh:
                return blob.graph_media_id
            media_id = await self.graph.upload_media(
                blob.content, blob.mime_type, blob.filename or key
            )
            await asyncio.to_thread(outbox_store.save_graph_media_id, self.database, key, media_id)
            return media_id

    async def _extra_media_id(self, key: str, number: str) -> str:
        async with self._media_locks[f"{number}/{key}"]:
            known = self._extra_media.get((number, key))
            if known is not None and time.monotonic() - known[1] < MEDIA_REUSE.total_seconds():
                return known[0]
            blob = await asyncio.to_thread(outbox_store.load_blob, self.database, key)
            if blob is None or blob.content is None:
                raise NotFoundError(f"media {key!r} is not in the store")
            media_id = await self.graph.upload_media(
                blob.content, blob.mime_type, blob.filename or key, phone_number_id=number
            )
            if len(self._extra_media) >= EXTRA_MEDIA_KEPT:
                del self._extra_media[next(iter(self._extra_media))]  # the oldest
            self._extra_media[(number, key)] = (media_id, time.monotonic())
            return media_id
