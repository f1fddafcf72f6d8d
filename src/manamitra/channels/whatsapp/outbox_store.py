"""The outbox rows the sender works on: claims with a lease, results recorded in batches.

A row is claimable when it is due (pending and past next_attempt_at, or sending with an expired
lease, i.e. its sender died) AND no older row to the same citizen is still pending or sending:
so one citizen's messages leave in the order they were written, one at a time, while different
citizens' messages go in parallel. On PostgreSQL the claim takes `FOR UPDATE SKIP LOCKED`, so
several sender processes share the outbox without sending anything twice; on SQLite the write
transaction (BEGIN IMMEDIATE) serialises claims.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, exists, func, literal, or_, select, text

from manamitra import clock
from manamitra.store import Database
from manamitra.store.models import InboundMessage, MediaBlob, OutboundMessage

UNSENT = ("pending", "sending")
UNSENT_SQL = "older.status IN ('pending', 'sending')"


@dataclass(frozen=True)
class Claimed:
    id: int
    citizen: str
    body: dict[str, Any]
    kind: str
    attempts: int
    created_at: datetime
    inbound_received_at: datetime | None
    phone_number_id: str | None = None  # the business number to send from; None: primary


@dataclass(frozen=True)
class Outcome:
    """What became of one claimed row: "sent", "retry" or "failed"."""

    id: int
    result: str
    wamid: str | None = None
    error_code: int | None = None
    error: str | None = None
    next_attempt_at: datetime | None = None


def claim(database: Database, limit: int, lease: timedelta) -> list[Claimed]:
    """Take up to `limit` due rows, the oldest unsent one per citizen, under a lease."""
    if limit <= 0:
        return []
    o = OutboundMessage.__table__
    older = o.alias("older")
    i = InboundMessage.__table__
    now = clock.now()
    # the status test is literal SQL, not bound values, so PostgreSQL can match it to the
    # partial index ix_outbound_unsent in every plan, generic ones included
    blocked = exists(
        select(literal(1)).where(
            older.c.citizen == o.c.citizen, older.c.id < o.c.id, text(UNSENT_SQL)
        )
    )
    due = or_(
        and_(o.c.status == "pending", o.c.next_attempt_at <= now),
        and_(o.c.status == "sending", o.c.lease_until < now),
    )
    query = (
        select(
            o.c.id,
            o.c.citizen,
            o.c.body,
            o.c.kind,
            o.c.attempts,
            o.c.created_at,
            i.c.received_at,
            o.c.phone_number_id,
        )
        .select_from(o.outerjoin(i, i.c.id == o.c.source_inbound_id))
        .where(due, ~blocked)
        .order_by(o.c.id)
        .limit(limit)
    )
    if not database.is_sqlite:
        query = query.with_for_update(skip_locked=True, of=o)
    with database.unit_of_work() as session:
        conn = session.connection()
        rows = conn.execute(query).all()
        if not rows:
            return []
        conn.execute(
            o.update()
            .where(o.c.id == bindparam("_id"))
            .values(status="sending", lease_until=bindparam("_lease"), attempts=bindparam("_n")),
            [{"_id": r.id, "_lease": now + lease, "_n": r.attempts + 1} for r in rows],
        )
    return [
        Claimed(
            r.id,
            r.citizen,
            r.body,
            r.kind,
            r.attempts + 1,
            r.created_at,
            r.received_at,
            r.phone_number_id,
        )
        for r in rows
    ]


def record(database: Database, outcomes: Sequence[Outcome]) -> None:
    """Write many outcomes in one transaction."""
    if not outcomes:
        return
    o = OutboundMessage.__table__
    now = clock.now()
    sent = [{"_id": x.id, "_wamid": x.wamid, "_at": now} for x in outcomes if x.result == "sent"]
    retry = [
        {"_id": x.id, "_next": x.next_attempt_at, "_code": x.error_code, "_err": x.error}
        for x in outcomes
        if x.result == "retry"
    ]
    failed = [
        {"_id": x.id, "_code": x.error_code, "_err": x.error}
        for x in outcomes
        if x.result == "failed"
    ]
    by_id = o.c.id == bindparam("_id")
    with database.unit_of_work() as session:
        conn = session.connection()
        if sent:
            conn.execute(
                o.update()
                .where(by_id)
                .values(
                    status="sent",
                    wamid=bindparam("_wamid"),
                    sent_at=bindparam("_at"),
                    lease_until=None,
                    error_code=None,
                    last_error=None,
                ),
                sent,
            )
        if retry:
            conn.execute(
                o.update()
                .where(by_id)
                .values(
                    status="pending",
                    next_attempt_at=bindparam("_next"),
                    lease_until=None,
                    error_code=bindparam("_code"),
                    last_error=bindparam("_err"),
                ),
                retry,
            )
        if failed:
            conn.execute(
                o.update()
                .where(by_id)
                .values(
                    status="failed",
                    lease_until=None,
                    error_code=bindparam("_code"),
                    last_error=bindparam("_err"),
                ),
                failed,
            )


@dataclass(frozen=True)
class Blob:
    key: str
    mime_type: str
    filename: str | None
    content: bytes | None
    graph_media_id: str | None
    graph_uploaded_at: datetime | None


def load_blob(database: Database, key: str) -> Blob | None:
    with database.unit_of_work() as session:
        blob = session.get(MediaBlob, key)
        if blob is None:
            return None
        return Blob(
            blob.key,
            blob.mime_type,
            blob.filename,
            blob.content,
            blob.graph_media_id,
            blob.graph_uploaded_at,
        )


def save_graph_media_id(database: Database, key: str, media_id: str) -> None:
    with database.unit_of_work() as session:
        blob = session.get(MediaBlob, key)
        if blob is not None:
            blob.graph_media_id = media_id
            blob.graph_uploaded_at = clock.now()


def pending_count(database: Database) -> int:
    o = OutboundMessage.__table__
    with database.unit_of_work() as session:
        return session.execute(
            select(func.count()).select_from(o).where(o.c.status.in_(UNSENT))
        ).scalar_one()
