"""The outbox rows the sender works on: claims held by a live process, each send recorded as
it happens.

A row is claimable when it is pending and due AND no older row to the same citizen is still
pending or sending: so one citizen's messages leave in the order they were written, one at a
time, while different citizens' messages go in parallel. A claim names the claiming process
(`claimed_by`); it lasts until that process records the outcome or dies, and a dead process's
claims go back with `release_orphaned_claims`. On PostgreSQL the claim takes `FOR UPDATE SKIP
LOCKED`, so several sender processes share the outbox without sending anything twice; on
SQLite the write transaction (BEGIN IMMEDIATE) serialises claims.

Around each request to Meta the sender writes twice, committed before it goes on: `wire_at`
just before the request leaves, then the outcome just after Meta answers (`write` groups
whatever several sends have ready at that moment into one transaction, never waiting for
more, and on SQLite goes ahead of the queue for the write lock). So a crash leaves a reply
in doubt only if its request had left and its answer had not been committed; such a reply
is sent again, and counted in `uncertain_sends`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, exists, func, literal, or_, select, text

from manamitra import clock
from manamitra.store import Database
from manamitra.store.models import InboundMessage, MediaBlob, OutboundMessage, PlatformProcess

OUTBOX = cast(Table, OutboundMessage.__table__)
PROCESSES = cast(Table, PlatformProcess.__table__)
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


def claim(database: Database, limit: int, claimant: str) -> list[Claimed]:
    """Take up to `limit` due rows, the oldest unsent one per citizen, for process `claimant`."""
    if limit <= 0:
        return []
    o = OUTBOX
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
    due = and_(o.c.status == "pending", o.c.next_attempt_at <= now)
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
            .values(status="sending", claimed_by=claimant, wire_at=None, attempts=bindparam("_n")),
            [{"_id": r.id, "_n": r.attempts + 1} for r in rows],
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


def write(
    database: Database, claimant: str, on_wire: Sequence[int], outcomes: Sequence[Outcome]
) -> set[int]:
    """One transaction: mark rows whose request is about to leave, record finished sends.

    Returns the rows marked; one missing was given away (its claimant was declared dead)
    and must not be sent. A confirmed send is recorded whoever holds the row now, so the
    row is never sent again; a retry or failure only if the row is still ours."""
    o = OUTBOX
    now = clock.now()
    marked: set[int] = set()
    # urgent on SQLite, like the inbox commit: until it commits, a reply Meta has accepted
    # would be sent again after a crash, and a reply ready to leave is held back
    with database.unit_of_work(urgent=True) as session:
        conn = session.connection()
        if on_wire:
            marked = set(
                conn.execute(
                    o.update()
                    .where(o.c.id.in_(on_wire), o.c.claimed_by == claimant, o.c.status == "sending")
                    .values(wire_at=now)
                    .returning(o.c.id)
                ).scalars()
            )
        _record(conn, claimant, outcomes, now)
    return marked


def _record(conn: Any, claimant: str, outcomes: Sequence[Outcome], now: datetime) -> None:
    o = OUTBOX
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
    ours = and_(by_id, o.c.claimed_by == claimant, o.c.status == "sending")
    released = {"claimed_by": None, "wire_at": None, "lease_until": None}
    if sent:
        conn.execute(
            o.update()
            .where(by_id, or_(o.c.status == "pending", o.c.status == "sending"))
            .values(
                status="sent",
                wamid=bindparam("_wamid"),
                sent_at=bindparam("_at"),
                error_code=None,
                last_error=None,
                **released,
            ),
            sent,
        )
    if retry:
        conn.execute(
            o.update()
            .where(ours)
            .values(
                status="pending",
                next_attempt_at=bindparam("_next"),
                error_code=bindparam("_code"),
                last_error=bindparam("_err"),
                **released,
            ),
            retry,
        )
    if failed:
        conn.execute(
            o.update()
            .where(ours)
            .values(
                status="failed",
                error_code=bindparam("_code"),
                last_error=bindparam("_err"),
                **released,
            ),
            failed,
        )


@dataclass(frozen=True)
class Released:
    """Claims given back: `uncertain` of them had their request on the wire."""

    certain: int
    uncertain: int


def release_orphaned_claims(database: Database) -> Released:
    """Give back, due at once, every claim whose claimant is no longer registered (it stopped
    or died), counting those whose request may have reached Meta."""
    o = OUTBOX
    p = PROCESSES
    orphaned = and_(
        o.c.status == "sending",
        or_(o.c.claimed_by.is_(None), o.c.claimed_by.not_in(select(p.c.id))),
    )
    back = {
        "status": "pending",
        "next_attempt_at": clock.now(),
        "claimed_by": None,
        "wire_at": None,
        "lease_until": None,
    }
    with database.unit_of_work() as session:
        conn = session.connection()
        uncertain = conn.execute(
            o.update()
            .where(orphaned, o.c.wire_at.is_not(None))
            .values(uncertain_sends=o.c.uncertain_sends + 1, **back)
            .returning(o.c.id)
        ).all()
        certain = conn.execute(o.update().where(orphaned).values(**back).returning(o.c.id)).all()
    return Released(len(certain), len(uncertain))


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
    o = OUTBOX
    with database.unit_of_work() as session:
        return session.execute(
            select(func.count()).select_from(o).where(o.c.status.in_(UNSENT))
        ).scalar_one()
