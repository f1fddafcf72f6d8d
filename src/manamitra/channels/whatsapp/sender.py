"""The outbox sender: delivers queued replies to the Graph API, in order per citizen.

A background job (`OutboxSender.run`) that loops: claim due rows up to its free concurrency
(one transaction) and send each claimed row in its own task, all sharing one token bucket
(settings.send_rate). Claims hand out only the oldest unsent row per citizen, so a citizen's
next message is claimed only after the previous one is recorded sent or given up on.
Retryable errors back off exponentially with jitter (longer when Meta says slow down);
permanent ones mark the row failed with Meta's error code.

Each send commits twice around its request: that the request is leaving, then Meta's answer
(its wamid), each as soon as it can — sends that are ready together share a commit, none waits
for a later one. Claims belong to this process: it registers with a heartbeat, and at start
and every second it looks for dead processes and gives their claims back, so a crash delays
replies by seconds and resends only those whose request was on the wire (`outbox_store`).

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

from manamitra import clock, processes
from manamitra.channels.whatsapp import outbox_store
from manamitra.channels.whatsapp.graph_client import GraphClient
from manamitra.channels.whatsapp.outbox_store import Claimed, Outcome
from manamitra.channels.whatsapp.ratelimit import TokenBucket
from manamitra.channels.whatsapp.render import RenderError, media_key, render
from manamitra.errors import GraphApiError, NotFoundError
from manamitra.messaging.reply import reply_from_json
from manamitra.observability import Metrics
from manamitra.processes import ProcessIdentity
from manamitra.settings import Settings
from manamitra.store import Database
from manamitra.store import processes as registry

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
        identity: ProcessIdentity | None = None,
        heartbeat: float = 1.0,
        stale_after: timedelta = timedelta(seconds=10),
        poll_interval: float = 0.5,
        drain_timeout: float = 30.0,
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
        self.identity = identity or processes.current()
        self.heartbeat = heartbeat
        # only for processes on other hosts: one on this host is dead exactly when its PID is
        self.stale_after = stale_after
        self._registered = False
        self._looked_for_orphans = False
        self.poll_interval = poll_interval
        self.drain_timeout = drain_timeout
        self.max_attempts = max_attempts
        self.base_backoff = base_backoff
        self.max_backoff = max_backoff
        self.jitter = jitter
        self._inflight: set[asyncio.Task[None]] = set()
        # group commit: marks of requests about to leave and outcomes, written together
        self._on_wire: list[tuple[int, asyncio.Future[bool]]] = []
        self._done: list[Outcome] = []
        self._write_lock = asyncio.Lock()
        self._wake: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._media_locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        # media uploaded through a number other than the primary: (number, key) → (id, when)
        self._extra_media: dict[tuple[str, str], tuple[str, float]] = {}
        self.sent = 0
        self.failed = 0
        self.retried = 0
        self.released = outbox_store.Released(0, 0)

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
    def registered(self) -> bool:
        """This process is in `platform_process` (the campaign sender waits for it)."""
        return self._registered

    @property
    def in_flight(self) -> int:
        return len(self._inflight)

    # -- the loop ----------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        """Background job: send until `stop` is set, then finish what is in flight."""
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        await self._start_up()
        keeping_alive = asyncio.create_task(self._keep_alive(stop), name="sender-heartbeat")
        try:
            while not stop.is_set():
                more = await self.step()
                if not more:
                    await self._idle(stop)
        finally:
            await self.drain(self.drain_timeout)
            keeping_alive.cancel()
            for unfinished in self._inflight:
                unfinished.cancel()  # what is still out is given back, counted if on the wire
            await asyncio.to_thread(self._stop_claiming)

    async def step(self) -> bool:
        """Claim and start new sends; True if there may be more now."""
        if self._wake is None:
            self._loop = asyncio.get_running_loop()
            self._wake = asyncio.Event()
        if not self._registered:
            await self._start_up()
        self._wake.clear()
        free = min(self.max_in_flight - len(self._inflight), self.claim_batch)
        claimed = await asyncio.to_thread(outbox_store.claim, self.database, free, self.identity.id)
        for row in claimed:
            task = asyncio.create_task(self._send(row), name=f"send-{row.id}")
            self._inflight.add(task)
            task.add_done_callback(self._inflight.discard)
        return 0 < free == len(claimed)

    async def drain(self, timeout: float = 30.0) -> None:
        """Wait for in-flight sends (each records its own outcome)."""
        if self._inflight:
            await asyncio.wait(set(self._inflight), timeout=timeout)
        await self._flush()

    async def run_until_idle(self) -> None:
        """Send everything due now, then return (tests and `manamitra chat`)."""
        while True:
            await self.step()
            if not self._inflight:
                return
            await asyncio.wait(set(self._inflight))

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

    # -- claims that outlive a crash only until someone notices --------------------------------

    async def _start_up(self) -> None:
        await asyncio.to_thread(registry.register, self.database, self.identity)
        self._registered = True
        await self._take_over_dead()

    async def _keep_alive(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            await asyncio.sleep(self.heartbeat)
            try:
                if not await asyncio.to_thread(registry.beat, self.database, self.identity):
                    # declared dead (no heartbeat for stale_after): our claims were given
                    # back and may be sent by others; carry on under the same name
                    log.warning("this process was declared dead; registering again")
                    await asyncio.to_thread(registry.register, self.database, self.identity)
                await self._take_over_dead()
            except Exception:
                log.exception("sender heartbeat failed")

    async def _take_over_dead(self) -> None:
        dead = await asyncio.to_thread(
            registry.sweep, self.database, self.identity, self.stale_after
        )
        # the first look also gives back claims of processes that stopped or were swept
        # while none was watching, and rows claimed before claims named their process
        if not dead and self._looked_for_orphans:
            return
        released = await asyncio.to_thread(outbox_store.release_orphaned_claims, self.database)
        self._looked_for_orphans = True
        self._count_released(released, dead)

    def _count_released(self, released: outbox_store.Released, dead: list[str]) -> None:
        if not released.certain and not released.uncertain:
            return
        self.released = outbox_store.Released(
            self.released.certain + released.certain,
            self.released.uncertain + released.uncertain,
        )
        log.warning(
            "claims of dead processes given back",
            extra={
                "processes": len(dead),
                "not_sent": released.certain,
                "maybe_sent": released.uncertain,
            },
        )
        if self.metrics is not None:
            self.metrics.outbound_released.labels("no").inc(released.certain)
            self.metrics.outbound_released.labels("maybe").inc(released.uncertain)
        if self._wake is not None:
            self._wake.set()

    def _stop_claiming(self) -> None:
        """A clean stop: unregister and give back anything still claimed."""
        registry.forget(self.database, self.identity)
        self._registered = False
        outbox_store.release_orphaned_claims(self.database)

    # -- writing: each send's mark and outcome committed as soon as it is ready ---------------

    async def _flush(self) -> None:
        """Commit every mark and outcome queued now (group commit: a caller whose entries an
        earlier holder of the lock already took finds nothing left to do)."""
        async with self._write_lock:
            if not self._on_wire and not self._done:
                return
            on_wire, self._on_wire = self._on_wire, []
            done, self._done = self._done, []
            try:
                marked = await asyncio.to_thread(
                    outbox_store.write,
                    self.database,
                    self.identity.id,
                    [row_id for row_id, _ in on_wire],
                    done,
                )
            except Exception as exc:
                log.exception("recording sends failed")
                self._done[:0] = done  # outcomes are never dropped: the next flush retries
                for _, future in on_wire:
                    if not future.done():
                        future.set_exception(exc)
                return
            for row_id, future in on_wire:
                if not future.done():
                    future.set_result(row_id in marked)

    async def _mark_on_wire(self, row_id: int) -> bool:
        """Commit that this row's request is leaving; False: the row is no longer ours."""
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._on_wire.append((row_id, future))
        await self._flush()
        return await future

    async def _record(self, outcome: Outcome) -> None:
        self._done.append(outcome)
        await self._flush()
        while any(waiting is outcome for waiting in self._done):
            await asyncio.sleep(0.5)  # the store refused the commit: try again
            await self._flush()
        if self._wake is not None:
            self._wake.set()

    # -- one message -------------------------------------------------------------------------

    async def _send(self, row: Claimed) -> None:
        try:
            outcome = await self._attempt(row)
        except Exception as exc:
            # A bug in rendering or here must not leave the row claimed until this process ends.
            log.exception("sending an outbox row failed unexpectedly", extra={"outbox_id": row.id})
            outcome = self._retry_or_fail(row, None, f"internal: {type(exc).__name__}", None)
        if outcome is not None:
            await self._record(outcome)

    def _number(self, row: Claimed) -> str:
        """The business number to send from: the row's if it is still one of ours."""
        number = row.phone_number_id
        return number if number is not None and number in self.numbers else self.numbers[0]

    def _bucket(self, number: str) -> TokenBucket:
        bucket = self._buckets.get(number)
        if bucket is None:
            bucket = self._buckets[number] = TokenBucket(self._send_rate)
        return bucket

    def bucket_for(self, number: str) -> TokenBucket:
        """The number's token bucket, which the campaign sender's lower-priority lane shares."""
        return self._bucket(number)

    async def _attempt(self, row: Claimed) -> Outcome | None:
        """Send one row; None when it was given to another process before its request left."""
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
        if not await self._mark_on_wire(row.id):
            return None
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
