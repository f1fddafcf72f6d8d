"""The durable inbox: webhook events stored, deduplicated, before Meta gets its 200.

`InboxWriter` is a group commit. Each webhook request hands over its parsed events and awaits
a future; one writer task takes everything queued by all concurrent requests and writes it in
ONE transaction (inbound messages deduplicated by wamid, conversation rows upserted, delivery
statuses applied to the outbox), then resolves the futures. The queue is bounded: when it is
full the request waits a bounded time and then gets `InboxBusyError` (the webhook answers 503
and Meta retries later — at-least-once delivery plus wamid deduplication loses nothing).

The store is synchronous SQLAlchemy, so each commit runs in a worker thread.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import case, func, or_, select
from sqlalchemy.engine import Connection

from manamitra import clock
from manamitra.errors import ManamitraError
from manamitra.messaging.inbound import Inbound, Location, Media
from manamitra.pipeline.shield import shield
from manamitra.privacy import Cipher, cipher_for
from manamitra.store import Database
from manamitra.store.models import InboundMessage, OutboundMessage

log = logging.getLogger(__name__)

StoredListener = Callable[[frozenset[str]], None]

# An outbound message's life only moves forward: a late "delivered" after "read" changes
# nothing but the delivered_at it records. "failed" outranks "sent" (delivery failed after
# Meta accepted it) but not "delivered".
STATUS_RANK: dict[str, int] = {
    "pending": 0,
    "sending": 1,
    "sent": 2,
    "failed": 3,
    "delivered": 4,
    "read": 5,
    "played": 6,
}
TRACKED_STATUSES = frozenset({"sent", "delivered", "read", "played", "failed"})


class InboxBusyError(ManamitraError):
    """The inbox could not take or commit the events in time; the caller should answer 503."""


@dataclass(frozen=True)
class Received:
    """An inbound message and the business number it was sent to."""

    inbound: Inbound
    phone_number_id: str


@dataclass(frozen=True)
class StatusUpdate:
    """Meta's report on one of our outbound messages (by its wamid)."""

    message_id: str
    status: str
    timestamp: datetime
    recipient: str | None = None
    error_code: int | None = None
    error_title: str | None = None


@dataclass
class StoreOutcome:
    """What one commit did: citizens with messages, and statuses whose wamid is not known yet."""

    citizens: frozenset[str]
    unmatched: list[StatusUpdate] = field(default_factory=list)


_CHANNELS: dict[str, str] = {}


def inbox_channel(database: Database) -> str:
    """The notification channel for new inbound messages: per schema, since PostgreSQL's
    channels are per database and several deployments (or test runs) may share one."""
    channel = _CHANNELS.get(database.url)
    if channel is None:
        with database.engine.connect() as conn:
            schema = conn.exec_driver_sql("SELECT current_schema()").scalar() or "public"
        channel = _CHANNELS[database.url] = f"manamitra_inbox_{schema}"[:63]
    return channel


def store_events(
    database: Database,
    messages: Sequence[Received],
    statuses: Sequence[StatusUpdate] = (),
    *,
    cipher: Cipher | None = None,
) -> StoreOutcome:
    """Write one batch in one transaction; safe to repeat (wamid dedupe, monotonic statuses).

    Aadhaar numbers are masked before the commit, the typed text sealed with `cipher` (the
    platform's data key when not given; pipeline/shield.py).
    """
    unique: dict[str, Received] = {}

    def data_key() -> Cipher:
        return cipher or cipher_for(None)

    for item in messages:
        if item.inbound.message_id not in unique:
            inbound = shield(item.inbound, data_key)
            unique[inbound.message_id] = (
                item if inbound is item.inbound else replace(item, inbound=inbound)
            )
    ordered = sorted(unique.values(), key=lambda r: r.inbound.message_id)
    with database.unit_of_work(urgent=True) as session:
        conn = session.connection()
        if ordered:
            _insert_messages(conn, ordered, clock.now())
            _upsert_conversations(conn, ordered)
            if not database.is_sqlite:
                # delivered at commit to every process listening (pipeline/wakeup.py)
                conn.exec_driver_sql(f'NOTIFY "{inbox_channel(database)}"')
        unmatched = _apply_statuses(conn, statuses) if statuses else []
    return StoreOutcome(frozenset(r.inbound.citizen for r in ordered), unmatched)


_INBOUND_FIELDS = (
    "message_id",
    "citizen",
    "kind",
    "sent_at",
    "text",
    "choice_id",
    "choice_title",
    "media",
    "location",
    "reply_to",
    "profile_name",
    "business_user_id",
    "extra",
    "sealed",
)
_MEDIA_FIELDS = ("id", "mime_type", "sha256", "filename", "caption", "voice", "file_size")
_LOCATION_FIELDS = ("latitude", "longitude", "name", "address")
_FAST_JSON = (
    tuple(f.name for f in fields(Inbound)) == _INBOUND_FIELDS
    and tuple(f.name for f in fields(Media)) == _MEDIA_FIELDS
    and tuple(f.name for f in fields(Location)) == _LOCATION_FIELDS
)


def inbound_json(inbound: Inbound) -> dict[str, Any]:
    """`Inbound.to_json()` without dataclasses.asdict's deep copies (the inbox's hot path).

    Falls back to `to_json()` if the dataclasses gain fields this function does not know.
    """
    if not _FAST_JSON:
        return inbound.to_json()
    media, location = inbound.media, inbound.location
    return {
        "message_id": inbound.message_id,
        "citizen": inbound.citizen,
        "kind": inbound.kind,
        "sent_at": inbound.sent_at.isoformat(),
        "text": inbound.text,
        "choice_id": inbound.choice_id,
        "choice_title": inbound.choice_title,
        "media": None
        if media is None
        else {
            "id": media.id,
            "mime_type": media.mime_type,
            "sha256": media.sha256,
            "filename": media.filename,
            "caption": media.caption,
            "voice": media.voice,
            "file_size": media.file_size,
        },
        "location": None
        if location is None
        else {
            "latitude": location.latitude,
            "longitude": location.longitude,
            "name": location.name,
            "address": location.address,
        },
        "reply_to": inbound.reply_to,
        "profile_name": inbound.profile_name,
        "business_user_id": inbound.business_user_id,
        "extra": inbound.extra,
        "sealed": inbound.sealed,
    }


# The two statements of the hot path, written for each driver. Going through the driver's
# executemany with values already in their stored form (JSON text, SQLite's datetime text)
# skips SQLAlchemy's per-row type processing, which cost more than the inserts themselves.
# The tests read every row back through the models on both stores.
_CONVERSATION_UPDATE = """
ON CONFLICT (citizen) DO UPDATE SET
  last_inbound_at = CASE
    WHEN conversation.last_inbound_at IS NULL
      OR conversation.last_inbound_at < excluded.last_inbound_at
    THEN excluded.last_inbound_at ELSE conversation.last_inbound_at END,
  profile_name = COALESCE(excluded.profile_name, conversation.profile_name),
  business_user_id = COALESCE(excluded.business_user_id, conversation.business_user_id)
"""
_SQL: dict[str, tuple[str, str]] = {
    "sqlite": (
        "INSERT INTO inbound_message (wamid, citizen, phone_number_id, type, payload, sent_at,"
        " received_at, status, attempts) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0)"
        " ON CONFLICT (wamid) DO NOTHING",
        "INSERT INTO conversation (citizen, last_inbound_at, profile_name, business_user_id,"
        " state, version) VALUES (?, ?, ?, ?, '{}', 0)" + _CONVERSATION_UPDATE,
    ),
    "postgresql": (
        "INSERT INTO inbound_message (wamid, citizen, phone_number_id, type, payload, sent_at,"
        " received_at, status, attempts) VALUES (%s, %s, %s, %s, %s::json, %s, %s, 'pending', 0)"
        " ON CONFLICT (wamid) DO NOTHING",
        "INSERT INTO conversation (citizen, last_inbound_at, profile_name, business_user_id,"
        " state, version) VALUES (%s, %s, %s, %s, '{}'::json, 0)" + _CONVERSATION_UPDATE,
    ),
}


def _sqlite_time(moment: datetime) -> str:
    # SQLAlchemy's SQLite DATETIME text form (always with microseconds, naive UTC), so that
    # text comparison orders times and the models read them back.
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def _time_param(conn: Connection) -> Callable[[datetime], Any]:
    return _sqlite_time if conn.dialect.name == "sqlite" else _identity


def _identity(moment: datetime) -> datetime:
    return moment


def _insert_messages(conn: Connection, items: Sequence[Received], received_at: datetime) -> None:
    when = _time_param(conn)
    received = when(received_at)
    rows = [
        (
            r.inbound.message_id,
            r.inbound.citizen,
            r.phone_number_id,
            r.inbound.kind,
            orjson.dumps(inbound_json(r.inbound)).decode(),
            when(r.inbound.sent_at),
            received,
        )
        for r in items
    ]
    conn.exec_driver_sql(_SQL[conn.dialect.name][0], rows)


def _upsert_conversations(conn: Connection, items: Iterable[Received]) -> None:
    latest: dict[str, list[Any]] = {}
    for r in items:
        inbound = r.inbound
        row = latest.get(inbound.citizen)
        if row is None:
            latest[inbound.citizen] = [
                inbound.citizen,
                inbound.sent_at,
                inbound.profile_name,
                inbound.business_user_id,
            ]
            continue
        row[1] = max(row[1], inbound.sent_at)
        row[2] = inbound.profile_name or row[2]
        row[3] = inbound.business_user_id or row[3]
    when = _time_param(conn)
    # Sorted so that two nodes upserting overlapping citizens take row locks in one order.
    rows = [(c, when(latest[c][1]), latest[c][2], latest[c][3]) for c in sorted(latest)]
    conn.exec_driver_sql(_SQL[conn.dialect.name][1], rows)


def _status_rank(column: Any) -> Any:
    return case(*((column == name, rank) for name, rank in STATUS_RANK.items()), else_=0)


def _apply_statuses(conn: Connection, statuses: Sequence[StatusUpdate]) -> list[StatusUpdate]:
    table = OutboundMessage.__table__
    tracked = [s for s in statuses if s.status in TRACKED_STATUSES]
    wamids = sorted({s.message_id for s in tracked})
    if not wamids:
        return []
    known = set(conn.execute(select(table.c.wamid).where(table.c.wamid.in_(wamids))).scalars())
    unmatched = [s for s in tracked if s.message_id not in known]
    # Applied in rank order so one batch holding both "delivered" and "read" ends at "read".
    for update in sorted(
        (s for s in tracked if s.message_id in known),
        key=lambda s: (STATUS_RANK[s.status], s.timestamp),
    ):
        conn.execute(_status_statement(table, update))
    return unmatched


def _earliest(column: Any, moment: datetime) -> Any:
    return case((or_(column.is_(None), column > moment), moment), else_=column)


def _status_statement(table: Any, update: StatusUpdate) -> Any:
    rank = STATUS_RANK[update.status]
    values: dict[str, Any] = {
        "status": case((_status_rank(table.c.status) < rank, update.status), else_=table.c.status),
    }
    # Read implies delivered; each time column keeps the earliest report of it.
    if update.status in ("delivered", "read", "played"):
        values["delivered_at"] = _earliest(table.c.delivered_at, update.timestamp)
    if update.status in ("read", "played"):
        values["read_at"] = _earliest(table.c.read_at, update.timestamp)
    if update.status == "sent":
        values["sent_at"] = func.coalesce(table.c.sent_at, update.timestamp)
    if update.status == "failed":
        values["error_code"] = case(
            (_status_rank(table.c.status) < rank, update.error_code), else_=table.c.error_code
        )
        values["last_error"] = case(
            (_status_rank(table.c.status) < rank, update.error_title), else_=table.c.last_error
        )
    return table.update().where(table.c.wamid == update.message_id).values(**values)


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
        max_queue: int = 10_000,
        max_batch: int = 2_000,
        enqueue_timeout: float = 1.0,
        commit_timeout: float = 10.0,
        orphan_ttl: float = 60.0,
        on_stored: StoredListener | None = None,
        cipher: Cipher | None = None,
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


def pending_count(database: Database) -> int:
    """Inbound messages stored but not yet processed (the workers' queue depth)."""
    table = InboundMessage.__table__
    with database.unit_of_work() as session:
        query = select(func.count()).select_from(table).where(table.c.status == "pending")
        return int(session.execute(query).scalar_one())
