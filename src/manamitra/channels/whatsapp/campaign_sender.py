"""The campaign sender: a background job that sends active campaigns' template messages as a
lower-priority lane beside the outbox sender.

- **Chat first.** It draws from the outbox sender's token bucket of each business number, but
  only a slot that is free now (`TokenBucket.try_reserve`): a chat reply books the next slot
  whatever is queued, so broadcasting delays a reply by at most one burst (0.1 s).
- **Meta's limits.** Per-number throughput (MM_SEND_RATE, each number its own bucket; the
  recipients are spread over the numbers); the portfolio's daily unique users
  (MM_ALERTS_DAILY_LIMIT); 130429 pauses that number's bucket and retries; 131056 (pair
  rate) retries after the pair window; 131049 (per-user marketing cap) and 131026
  (undeliverable) are final for that recipient; 132015/132016 (template paused or disabled)
  pause the campaign.
- **Canary.** A campaign in `canary` sends only its canary recipients; when they are all
  done and MM_ALERTS_CANARY_WAIT_SECONDS have passed for failure statuses to come back, it
  goes on to `sending` if at most MM_ALERTS_CANARY_MAX_FAILURE of them failed, else pauses.
- **Crash-safe.** Claims belong to this process (`platform_process`), `wire_at` is committed
  before each request and the wamid right after (group commits, as in the outbox sender);
  a dead process's claims are given back within a second, counted when maybe sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError

from manamitra import clock, processes
from manamitra.alerts import queue, templates
from manamitra.alerts.campaigns import pause_all
from manamitra.alerts.queue import ClaimedRecipient, Outcome, Sendable
from manamitra.channels.whatsapp.graph_client import GraphClient
from manamitra.channels.whatsapp.ratelimit import TokenBucket
from manamitra.channels.whatsapp.render import RenderError, render
from manamitra.errors import GraphApiError, ManamitraError
from manamitra.messaging.reply import Template
from manamitra.processes import ProcessIdentity
from manamitra.settings import Settings
from manamitra.store import Database
from manamitra.store import processes as registry

log = logging.getLogger(__name__)

FINAL_FOR_RECIPIENT = frozenset({131026, 131049, 131050, 131051, 131008, 131009, 100})
TEMPLATE_STOPPED = frozenset({132015, 132016, 132001, 132000, 132005, 132007})
PAIR_RATE = 131056
THROUGHPUT = 130429
PAIR_WINDOW = 6.0  # Meta: about one message every 6 seconds to the same user


class CampaignSender:
    def __init__(
        self,
        database: Database,
        graph: GraphClient,
        settings: Settings,
        *,
        bucket_for: Callable[[str], TokenBucket] | None = None,
        identity: ProcessIdentity | None = None,
        max_in_flight: int | None = None,
        claim_batch: int = 200,
        poll_interval: float = 0.25,
        max_attempts: int = 8,
        base_backoff: float = 0.5,
        max_backoff: float = 60.0,
        jitter: Callable[[], float] = random.random,
        registered: Callable[[], bool] | None = None,
    ) -> None:
        self.database = database
        self.graph = graph
        # the outbox sender registers this process (same identity); None: register here
        self._registered_elsewhere = registered
        self.numbers = settings.business_numbers
        own: dict[str, TokenBucket] = {}
        self.bucket_for = bucket_for or (
            lambda n: own.setdefault(n, TokenBucket(settings.send_rate))
        )
        self.identity = identity or processes.current()
        self.max_in_flight = max_in_flight or min(
            400, max(16, int(settings.send_rate * len(self.numbers) // 3))
        )
        self.claim_batch = claim_batch
        self.poll_interval = poll_interval
        self.max_attempts = max_attempts
        self.base_backoff = base_backoff
        self.max_backoff = max_backoff
        self.jitter = jitter
        self.daily_limit = settings.alerts_daily_limit
        self.canary_wait = timedelta(seconds=settings.alerts_canary_wait_seconds)
        self.canary_max_failure = settings.alerts_canary_max_failure
        self._inflight: dict[int, set[asyncio.Task[None]]] = defaultdict(set)
        self._pace: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._on_wire: list[tuple[int, asyncio.Future[bool]]] = []
        self._done: list[Outcome] = []
        self._write_lock = asyncio.Lock()
        self._templates: dict[tuple[str, str], templates.TemplateInfo] = {}
        self._reached: tuple[float, int] = (0.0, 0)
        self._released_at = 0.0
        self.sent = 0
        self.failed = 0
        self.retried = 0
        self.given_back = 0
        self.maybe_sent = 0

    @property
    def in_flight(self) -> int:
        return sum(len(tasks) for tasks in self._inflight.values())

    # -- the loop ----------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        if self._registered_elsewhere is None:
            await asyncio.to_thread(self._register)
        else:
            while not self._registered_elsewhere() and not stop.is_set():
                await asyncio.sleep(0.05)
        await self._release_orphans(force=True)
        try:
            while not stop.is_set():
                busy = await self.step()
                if not busy:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), self.poll_interval)
        finally:
            await self.drain()

    def _register(self) -> None:
        """Register this process (the outbox sender does too, under the same id: whichever
        comes second finds the row there)."""
        try:
            registry.register(self.database, self.identity)
        except IntegrityError:
            log.debug("process already registered by the outbox sender")

    async def step(self) -> bool:
        """Claim for every active campaign; True while there is work in hand."""
        await self._release_orphans()
        active = await asyncio.to_thread(queue.sendable, self.database)
        claimed_any = False
        for campaign in active:
            free = min(self.claim_batch, self.max_in_flight - self.in_flight)
            free = min(free, await self._daily_allowance())
            claimed: list[ClaimedRecipient] = []
            if free > 0:
                claimed = await asyncio.to_thread(
                    queue.claim, self.database, campaign, free, self.identity.id
                )
            for recipient in claimed:
                task = asyncio.create_task(self._send(campaign, recipient))
                tasks = self._inflight[campaign.id]
                tasks.add(task)
                task.add_done_callback(tasks.discard)
            claimed_any = claimed_any or bool(claimed)
            if not claimed and not self._inflight[campaign.id]:
                await self._advance(campaign)
        if not claimed_any and self.in_flight:
            await asyncio.sleep(0.05)  # let the sends in hand progress before claiming again
        return claimed_any

    async def drain(self, timeout: float = 30.0) -> None:
        tasks = {t for group in self._inflight.values() for t in group}
        if tasks:
            await asyncio.wait(tasks, timeout=timeout)
        await self._flush()

    async def run_until_idle(self, rounds: int = 1000) -> None:
        """Tests: send what is sendable now, advancing states, until nothing is left."""
        for _ in range(rounds):
            busy = await self.step()
            await self.drain()
            if not busy and not self.in_flight:
                active = await asyncio.to_thread(queue.sendable, self.database)
                if not active:
                    return
                await asyncio.sleep(0.01)

    async def _release_orphans(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._released_at < 1.0:
            return
        self._released_at = now
        back, maybe = await asyncio.to_thread(queue.release_orphaned, self.database)
        if back:
            self.given_back += back
            self.maybe_sent += maybe
            log.warning(
                "campaign claims of dead processes given back",
                extra={"not_sent": back - maybe, "maybe_sent": maybe},
            )

    async def _daily_allowance(self) -> int:
        if not self.daily_limit:
            return 1 << 30
        at, reached = self._reached
        if time.monotonic() - at > 5.0:
            reached = await asyncio.to_thread(queue.reached_today, self.database)
            self._reached = (time.monotonic(), reached)
        return max(0, self.daily_limit - reached - self.in_flight)

    async def _advance(self, campaign: Sendable) -> None:
        if campaign.state == "canary":
            left = await asyncio.to_thread(
                queue.unfinished, self.database, campaign.id, canary=True
            )
            if left:
                return
            rate, last = await asyncio.to_thread(
                queue.canary_failure_rate, self.database, campaign.id
            )
            if last is not None and clock.now() - last < self.canary_wait:
                return
            if rate > self.canary_max_failure:
                log.warning("canary failed; campaign paused", extra={"campaign": campaign.id})
                await asyncio.to_thread(
                    queue.set_state,
                    self.database,
                    campaign.id,
                    "canary",
                    state="paused",
                    resume_to="sending",
                    pause_reason="canary_failed",
                    paused_at=clock.now(),
                )
            else:
                await asyncio.to_thread(
                    queue.set_state,
                    self.database,
                    campaign.id,
                    "canary",
                    state="sending",
                    canary_done_at=clock.now(),
                )
            return
        left = await asyncio.to_thread(queue.unfinished, self.database, campaign.id, canary=False)
        if not left:
            await asyncio.to_thread(
                queue.set_state,
                self.database,
                campaign.id,
                "sending",
                state="done",
                finished_at=clock.now(),
            )

    # -- writing: marks and outcomes in group commits ------------------------------------------

    async def _flush(self) -> None:
        async with self._write_lock:
            if not self._on_wire and not self._done:
                return
            on_wire, self._on_wire = self._on_wire, []
            done, self._done = self._done, []
            try:
                marked = await asyncio.to_thread(
                    queue.write, self.database, self.identity.id, [i for i, _ in on_wire], done
                )
            except Exception as exc:
                log.exception("recording campaign sends failed")
                self._done[:0] = done
                for _, future in on_wire:
                    if not future.done():
                        future.set_exception(exc)
                return
            for row_id, future in on_wire:
                if not future.done():
                    future.set_result(row_id in marked)

    async def _mark_on_wire(self, row_id: int) -> bool:
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._on_wire.append((row_id, future))
        await self._flush()
        return await future

    async def _record(self, outcome: Outcome) -> None:
        self._done.append(outcome)
        await self._flush()
        while any(waiting is outcome for waiting in self._done):
            await asyncio.sleep(0.5)
            await self._flush()

    # -- one recipient -------------------------------------------------------------------------

    async def _template(self, campaign: Sendable) -> templates.TemplateInfo:
        key = (campaign.template, campaign.language)
        info = self._templates.get(key)
        if info is None:
            info = await asyncio.to_thread(
                templates.find, self.database, campaign.template, campaign.language
            )
            self._templates[key] = info
        return info

    async def _send(self, campaign: Sendable, recipient: ClaimedRecipient) -> None:
        try:
            outcome = await self._attempt(campaign, recipient)
        except Exception as exc:
            log.exception("a campaign send failed unexpectedly", extra={"recipient": recipient.id})
            outcome = self._retry(recipient, None, f"internal: {type(exc).__name__}")
        if outcome is not None:
            await self._record(outcome)

    def _params(self, campaign: Sendable, recipient: ClaimedRecipient) -> Any:
        if not recipient.params:
            return campaign.params
        if isinstance(campaign.params, dict):
            return {**campaign.params, **recipient.params}
        fixed = {str(i + 1): v for i, v in enumerate(campaign.params or [])}
        return {**fixed, **recipient.params}

    async def _attempt(self, campaign: Sendable, recipient: ClaimedRecipient) -> Outcome | None:
        number = self.numbers[recipient.id % len(self.numbers)]
        try:
            info = await self._template(campaign)
            values = templates.body_parameters(info, self._params(campaign, recipient))
            body = render(recipient.citizen, Template(info.name, info.language, tuple(values)))
        except (ManamitraError, RenderError, KeyError, TypeError, ValueError) as exc:
            log.warning("campaign message cannot be rendered", extra={"reason": str(exc)})
            return Outcome(recipient.id, "failed", error_code=None)
        bucket = self.bucket_for(number)
        async with self._pace[number]:
            while not bucket.try_reserve():
                await asyncio.sleep(max(bucket.free_in(), bucket.interval))
        if not await self._mark_on_wire(recipient.id):
            return None  # given to another process meanwhile
        try:
            wamid = await self.graph.send_message(body, phone_number_id=number)
        except GraphApiError as exc:
            return await self._refused(campaign, recipient, exc, bucket)
        self.sent += 1
        return Outcome(recipient.id, "sent", wamid=wamid, phone_number_id=number)

    async def _refused(
        self,
        campaign: Sendable,
        recipient: ClaimedRecipient,
        exc: GraphApiError,
        bucket: TokenBucket,
    ) -> Outcome:
        code = exc.error_code
        log.warning(
            "graph refused a campaign message",
            extra={"recipient": recipient.id, "status": exc.status, "error_code": code},
        )
        if code == THROUGHPUT:
            bucket.pause(getattr(exc, "backoff", None) or 1.0)
            return self._retry(recipient, code, str(exc), soon=True)
        if code in TEMPLATE_STOPPED:
            await asyncio.to_thread(
                pause_all, self.database, f"template_refused_{code}", template=campaign.template
            )
            return Outcome(recipient.id, "requeue", error_code=code)
        if code == PAIR_RATE:
            return self._retry(recipient, code, str(exc), hint=PAIR_WINDOW)
        if code in FINAL_FOR_RECIPIENT or not exc.retry:
            self.failed += 1
            return Outcome(recipient.id, "failed", error_code=code)
        return self._retry(recipient, code, str(exc))

    def _retry(
        self,
        recipient: ClaimedRecipient,
        code: int | None,
        error: str,
        *,
        soon: bool = False,
        hint: float | None = None,
    ) -> Outcome:
        if recipient.attempts >= self.max_attempts:
            self.failed += 1
            log.warning(
                "campaign recipient given up",
                extra={"recipient": recipient.id, "error": error[:200]},
            )
            return Outcome(recipient.id, "failed", error_code=code)
        self.retried += 1
        delay = (
            0.2
            if soon
            else min(self.max_backoff, self.base_backoff * 2 ** (recipient.attempts - 1))
        )
        delay = max(delay * (0.5 + self.jitter()), hint or 0.0)
        return Outcome(
            recipient.id,
            "retry",
            error_code=code,
            next_attempt_at=clock.now() + timedelta(seconds=delay),
        )
