"""The durable inbox's one transaction: a batch of webhook events written to the store.

Inbound messages are serialised (`inbound_json`) and inserted deduplicated by wamid, the
conversation rows upserted, and Meta's delivery statuses applied to the outbox, all in one
transaction that is safe to repeat. `pipeline/inbox.py`'s group-commit writer calls
`store_events` for everything queued by concurrent webhook requests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import case, func, or_, select
from sqlalchemy.engine import Connection

from manamitra import clock
from manamitra.alerts import statuses as alert_statuses
from manamitra.alerts.statuses import Delivery
from manamitra.messaging.inbound import Inbound, Location, Media
from manamitra.pipeline.shield import shield
from manamitra.privacy import Cipher
from manamitra.store import Database
from manamitra.store.models import InboundMessage, OutboundMessage

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
    cipher: Cipher,
) -> StoreOutcome:
    """Write one batch in one transaction; safe to repeat (wamid dedupe, monotonic statuses).

    Aadhaar numbers are masked before the commit, the typed text sealed with `cipher` (the
    platform's data key, its `privacy` part; pipeline/shield.py).
    """
    unique: dict[str, Received] = {}

    def data_key() -> Cipher:
        return cipher

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
    if unmatched:
        # not a reply: perhaps a campaign's message (alerts/statuses.py)
        theirs = alert_statuses.apply(
            conn,
            [Delivery(s.message_id, s.status, s.timestamp, s.error_code) for s in unmatched],
        )
        unmatched = [s for s in unmatched if s.message_id not in theirs]
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


def pending_count(database: Database) -> int:
    """Inbound messages stored but not yet processed (the workers' queue depth)."""
    table = InboundMessage.__table__
    with database.unit_of_work() as session:
        query = select(func.count()).select_from(table).where(table.c.status == "pending")
        return int(session.execute(query).scalar_one())
