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

It works in waves: recipients are claimed a batch at a time (one statement) into a backlog of
about half a second's sending; every few milliseconds a wave takes as many of them as the
buckets have slots free now, commits their `wire_at` in one statement (together with the
outcomes finished since the last wave) and sends them concurrently over the pooled
keep-alive connections. One commit covers a wave, not a message.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections import Counter, deque
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
from manamitra.channels.whatsapp.render import Body, RenderError, render
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
        claim_batch: int | None = None,
        poll_interval: float = 0.25,
        wave_interval: float | None = None,
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
        per_second = settings.send_rate * len(self.numbers)
        # requests awaiting Meta's answer: a third of a second's sending
        self.max_in_flight = max_in_flight or min(1000, max(16, int(per_second // 3)))
        # claimed ahead: about half a second's sending, in statements of hundreds
        self.claim_batch = claim_batch or min(1000, max(20, int(per_second // 2)))
        self.poll_interval = poll_interval
        # SQLite has one writer, shared with the webhook's inbox: fewer, larger waves there
        self.wave_interval = wave_interval or (0.08 if database.is_sqlite else 0.025)
        self.max_launches = 3
        self.max_attempts = max_attempts
        self.base_backoff = base_backoff
        self.max_backoff = max_backoff
        self.jitter = jitter
        self.daily_limit = settings.alerts_daily_limit
        self.canary_wait = timedelta(seconds=settings.alerts_canary_wait_seconds)
        self.canary_max_failure = settings.alerts_canary_max_failure
        self._backlog: deque[tuple[Sendable, ClaimedRecipient]] = deque()
        self._held: Counter[int] = Counter()  # per campaign: in the backlog or in flight
        self._tasks: set[asyncio.Task[None]] = set()  # requests on the wire
        self._launches: set[asyncio.Task[None]] = set()  # waves being marked on the wire
        self._done: list[Outcome] = []
        self._write_lock = asyncio.Lock()
        self._active: list[Sendable] = []
        self._active_at = -1e9
        self._flushed_at = 0.0
        self._next_number = 0
        self._templates: dict[tuple[str, str], templates.TemplateInfo] = {}
        self._shared: dict[int, Body] = {}  # per campaign: its message when all get the same
        self._reached: tuple[float, int] = (0.0, 0)
        self._released_at = 0.0
        self.sent = 0
        self.failed = 0
        self.retried = 0
        self.throttled_by_number: Counter[str] = Counter()
        self.given_back = 0
        self.maybe_sent = 0
        self.sent_by_number: Counter[str] = Counter()
        self.failed_by_code: Counter[str] = Counter()

    @property
    def in_flight(self) -> int:
        return len(self._tasks)

    # -- the loop ----------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        if self._registered_elsewhere is None:
            await asyncio.to_thread(self._register)
        else:
            while not self._registered_elsewhere() and not stop.is_set():
                await asyncio.sleep(0.05)
        await self._release_orphans(force=True)
        # Claims, state changes and outcome commits run beside the waves, so a slow
        # database round trip never holds back the next wave.
        keeper = asyncio.create_task(self._keep(stop))
        try:
            while not stop.is_set():
                self._wave()
                pause = self._until_next_slot() if self._backlog else self.poll_interval / 5
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), pause)
        finally:
            await keeper
            await self.drain()

    async def _keep(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self._housekeep()
            except Exception:
                log.exception("campaign housekeeping failed; trying again")
                await asyncio.sleep(1.0)
            pause = self.wave_interval * 2 if self._backlog or self._tasks else self.poll_interval
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), pause)

    async def _housekeep(self) -> None:
        await self._release_orphans()
        await self._refresh()
        await self._top_up()
        if self._done and time.monotonic() - self._flushed_at >= self.wave_interval * 4:
            await self._flush()

    def _register(self) -> None:
        """Register this process (the outbox sender does too, under the same id: whichever
        comes second finds the row there)."""
        try:
            registry.register(self.database, self.identity)
        except IntegrityError:
            log.debug("process already registered by the outbox sender")

    def _until_next_slot(self) -> float:
        soonest = min(self.bucket_for(n).free_in() for n in self.numbers)
        return min(self.poll_interval, max(self.wave_interval, soonest))

    async def step(self) -> bool:
        """Tests: claim what is due and send one wave; True while there is work in hand."""
        await self._housekeep()
        self._wave()
        if self._launches:
            await asyncio.wait(set(self._launches))
        return bool(self._backlog or self._tasks)

    async def drain(self, timeout: float = 30.0) -> None:
        """Finish the requests on the wire, give the rest of the backlog back, record all."""
        if self._launches:
            await asyncio.wait(set(self._launches), timeout=timeout)
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)
        self._give_back(lambda _campaign: True)
        await self._flush()

    async def run_until_idle(self, rounds: int = 1000) -> None:
        """Tests: send what is sendable now, advancing states, until nothing is left."""
        for _ in range(rounds):
            self._active_at = -1e9
            busy = await self.step()
            if self._tasks:
                await asyncio.wait(set(self._tasks))
            await self._flush()
            if not busy:
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

    # -- claiming ------------------------------------------------------------------------------

    async def _refresh(self) -> None:
        """The active campaigns, read again every poll interval; the backlog of a campaign
        that stopped (paused, cancelled) or moved on goes back unsent."""
        if time.monotonic() - self._active_at < self.poll_interval:
            return
        self._active = await asyncio.to_thread(queue.sendable, self.database)
        self._active_at = time.monotonic()
        current = {c.id for c in self._active}
        self._give_back(lambda campaign: campaign.id not in current)

    def _give_back(self, stopped: Callable[[Sendable], bool]) -> None:
        kept: deque[tuple[Sendable, ClaimedRecipient]] = deque()
        for campaign, recipient in self._backlog:
            if stopped(campaign):
                self._held[campaign.id] -= 1
                self._done.append(Outcome(recipient.id, "unclaimed"))
            else:
                kept.append((campaign, recipient))
        self._backlog = kept

    async def _top_up(self) -> None:
        if len(self._backlog) >= self.claim_batch // 2 or not self._active:
            return
        free = min(self.claim_batch - len(self._backlog), await self._daily_allowance())
        share = max(1, free // len(self._active)) if free > 0 else 0
        for campaign in self._active:
            claimed: list[ClaimedRecipient] = []
            if share:
                claimed = await asyncio.to_thread(
                    queue.claim, self.database, campaign, share, self.identity.id
                )
            self._backlog.extend((campaign, recipient) for recipient in claimed)
            self._held[campaign.id] += len(claimed)
            if not claimed and not self._held[campaign.id]:
                await self._advance(campaign)

    async def _daily_allowance(self) -> int:
        if not self.daily_limit:
            return 1 << 30
        at, reached = self._reached
        if time.monotonic() - at > 5.0:
            reached = await asyncio.to_thread(queue.reached_today, self.database)
            self._reached = (time.monotonic(), reached)
        return max(0, self.daily_limit - reached - self.in_flight - len(self._backlog))

    async def _advance(self, campaign: Sendable) -> None:
        moved = await asyncio.to_thread(
            queue.advance, self.database, campaign, self.canary_wait, self.canary_max_failure
        )
        if moved:
            self._active_at = -1e9  # read the campaigns again now

    # -- sending: one wave ---------------------------------------------------------------------

    def _wave(self) -> None:
        """Take as many recipients as the numbers have slots free now and launch them: marked
        on the wire in one commit, then sent concurrently. A few waves may be committing at
        once (each on its own connection), so database latency does not idle the slots."""
        if len(self._launches) >= self.max_launches:
            return
        room = self.max_in_flight - len(self._tasks)
        picked: list[tuple[Sendable, ClaimedRecipient, str]] = []
        count = len(self.numbers)
        for turn in range(count):
            number = self.numbers[(self._next_number + turn) % count]
            bucket = self.bucket_for(number)
            while self._backlog and room > 0 and bucket.try_reserve():
                campaign, recipient = self._backlog.popleft()
                room -= 1
                picked.append((campaign, recipient, number))
        self._next_number += 1
        if picked:
            task = asyncio.create_task(self._launch(picked))
            self._launches.add(task)
            task.add_done_callback(self._launches.discard)

    async def _launch(self, picked: list[tuple[Sendable, ClaimedRecipient, str]]) -> None:
        ready: list[tuple[Sendable, ClaimedRecipient, str, Body]] = []
        for campaign, recipient, number in picked:
            body = await self._body(campaign, recipient)
            if body is None:
                self._held[campaign.id] -= 1
            else:
                ready.append((campaign, recipient, number, body))
        if not ready:
            return
        marked = await self._mark([recipient.id for _, recipient, _, _ in ready])
        for campaign, recipient, number, body in ready:
            if recipient.id not in marked:
                self._held[campaign.id] -= 1  # given to another process meanwhile
                continue
            task = asyncio.create_task(self._send(campaign, recipient, number, body))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _body(self, campaign: Sendable, recipient: ClaimedRecipient) -> Body | None:
        """The Graph API body, or None with the recipient failed when it cannot be rendered."""
        try:
            if not recipient.params:
                # the same message for every recipient: rendered once, addressed to each
                shared = self._shared.get(campaign.id)
                if shared is None:
                    shared = self._shared[campaign.id] = await self._render(campaign, None)
                return {**shared, "to": recipient.citizen}
            return await self._render(campaign, recipient)
        except (ManamitraError, RenderError, KeyError, TypeError, ValueError) as exc:
            log.warning("campaign message cannot be rendered", extra={"reason": str(exc)})
            self._failed(None)
            self._done.append(Outcome(recipient.id, "failed", error_code=None))
            return None

    async def _render(self, campaign: Sendable, recipient: ClaimedRecipient | None) -> Body:
        info = await self._template(campaign)
        params = campaign.params if recipient is None else self._params(campaign, recipient)
        values = templates.body_parameters(info, params)
        citizen = recipient.citizen if recipient is not None else "0"
        return render(citizen, Template(info.name, info.language, tuple(values)))

    async def _template(self, campaign: Sendable) -> templates.TemplateInfo:
        key = (campaign.template, campaign.language)
        info = self._templates.get(key)
        if info is None:
            info = await asyncio.to_thread(
                templates.find, self.database, campaign.template, campaign.language
            )
            self._templates[key] = info
        return info

    def _params(self, campaign: Sendable, recipient: ClaimedRecipient) -> Any:
        if not recipient.params:
            return campaign.params
        if isinstance(campaign.params, dict):
            return {**campaign.params, **recipient.params}
        fixed = {str(i + 1): v for i, v in enumerate(campaign.params or [])}
        return {**fixed, **recipient.params}

    async def _send(
        self, campaign: Sendable, recipient: ClaimedRecipient, number: str, body: Body
    ) -> None:
        try:
            wamid = await self.graph.send_message(body, phone_number_id=number)
            self.sent += 1
            self.sent_by_number[number] += 1
            outcome = Outcome(recipient.id, "sent", wamid=wamid, phone_number_id=number)
        except GraphApiError as exc:
            outcome = await self._refused(campaign, recipient, exc, number)
        except Exception as exc:
            log.exception("a campaign send failed unexpectedly", extra={"recipient": recipient.id})
            outcome = self._retry(recipient, None, f"internal: {type(exc).__name__}")
        self._held[campaign.id] -= 1
        self._done.append(outcome)

    # -- writing: wire marks and outcomes in group commits -------------------------------------

    async def _mark(self, on_wire: list[int]) -> set[int]:
        """Commit `wire_at` for requests about to leave, with every outcome finished so far
        (one commit a wave); the ids still ours. When the database fails nothing leaves: they
        go back to the queue, and the outcomes wait, with the next flush."""
        done, self._done = self._done, []
        try:
            return await asyncio.to_thread(
                queue.write, self.database, self.identity.id, on_wire, done
            )
        except Exception:
            log.exception("marking campaign sends on the wire failed")
            self._done[:0] = done
            self._done.extend(Outcome(i, "unclaimed") for i in on_wire)
            return set()

    async def _flush(self) -> None:
        """One commit for every outcome finished so far; on failure they wait for the next."""
        async with self._write_lock:
            done, self._done = self._done, []
            self._flushed_at = time.monotonic()
            if not done:
                return
            try:
                await asyncio.to_thread(queue.write, self.database, self.identity.id, [], done)
            except Exception:
                log.exception("recording campaign sends failed")
                self._done[:0] = done

    def _failed(self, code: int | None) -> None:
        self.failed += 1
        self.failed_by_code[str(code) if code is not None else "none"] += 1

    async def _refused(
        self,
        campaign: Sendable,
        recipient: ClaimedRecipient,
        exc: GraphApiError,
        number: str,
    ) -> Outcome:
        code = exc.error_code
        log.warning(
            "graph refused a campaign message",
            extra={"recipient": recipient.id, "status": exc.status, "error_code": code},
        )
        if code == THROUGHPUT:
            self.throttled_by_number[number] += 1
            self.bucket_for(number).pause(getattr(exc, "backoff", None) or 1.0)
            return self._retry(recipient, code, str(exc), soon=True)
        if code in TEMPLATE_STOPPED:
            await asyncio.to_thread(
                pause_all, self.database, f"template_refused_{code}", template=campaign.template
            )
            self._active_at = -1e9  # read the campaigns again: this one's backlog goes back
            return Outcome(recipient.id, "requeue", error_code=code)
        if code == PAIR_RATE:
            return self._retry(recipient, code, str(exc), hint=PAIR_WINDOW)
        if code in FINAL_FOR_RECIPIENT or not exc.retry:
            self._failed(code)
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
            self._failed(code)
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
