"""The campaign sender's side of the recipients table: claims held by a live process, each
send recorded as it happens, exactly like the outbox (`channels/whatsapp/outbox_store.py`).

A claim names its process (`claimed_by`); `wire_at` is committed just before the request
leaves and the wamid just after Meta answers. A dead process's claims go back at once
(`release_orphaned`), counting in `uncertain_sends` those whose request may have reached Meta.
On PostgreSQL claims take `FOR UPDATE SKIP LOCKED`, so any number of processes share a
campaign and never take one recipient twice. A citizen who left the topic after the campaign
was queued is found at the claim and set `opted_out` instead.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    ARRAY,
    BigInteger,
    DateTime,
    Integer,
    String,
    Table,
    and_,
    bindparam,
    func,
    or_,
    select,
    update,
)

from manamitra import clock
from manamitra.alerts.campaigns import ACTIVE, CAMPAIGNS
from manamitra.alerts.subscriptions import opted_out
from manamitra.store import Database
from manamitra.store.models import AlertRecipient, PlatformProcess

log = logging.getLogger(__name__)

RECIPIENTS = cast(Table, AlertRecipient.__table__)
PROCESSES = cast(Table, PlatformProcess.__table__)


@dataclass(frozen=True)
class Sendable:
    """An active campaign as the sender needs it."""

    id: int
    state: str
    template: str
    language: str
    topic: str
    params: Any
    started_at: datetime | None


@dataclass(frozen=True)
class ClaimedRecipient:
    id: int
    campaign_id: int
    citizen: str
    params: Any
    attempts: int


@dataclass(frozen=True)
class Outcome:
    """What became of one claimed recipient: "sent", "retry", "failed", "requeue" (Meta
    refused the template: back in the queue) or "unclaimed" (never sent: back in the queue,
    the attempt not counted)."""

    id: int
    result: str
    wamid: str | None = None
    error_code: int | None = None
    next_attempt_at: datetime | None = None
    phone_number_id: str | None = None


def sendable(database: Database) -> list[Sendable]:
    c = CAMPAIGNS
    now = clock.now()
    with database.unit_of_work() as session:
        rows = session.execute(
            select(
                c.c.id, c.c.state, c.c.template, c.c.language, c.c.topic, c.c.params, c.c.started_at
            )
            .where(c.c.state.in_(ACTIVE), or_(c.c.scheduled_at.is_(None), c.c.scheduled_at <= now))
            .order_by(c.c.id)
        ).all()
    return [Sendable(*row) for row in rows]


def claim(
    database: Database, campaign: Sendable, limit: int, claimant: str
) -> list[ClaimedRecipient]:
    """Up to `limit` due recipients of `campaign` (its canary only, while in canary)."""
    if limit <= 0:
        return []
    r = RECIPIENTS
    now = clock.now()
    where = [
        r.c.campaign_id == campaign.id,
        r.c.status == "queued",
        or_(r.c.next_attempt_at.is_(None), r.c.next_attempt_at <= now),
    ]
    if campaign.state == "canary":
        where.append(r.c.canary.is_(True))
    query = (
        select(
            r.c.id, r.c.citizen, r.c.params, r.c.attempts, opted_out(r.c.citizen, campaign.topic)
        )
        .where(*where)
        .order_by(r.c.id)
        .limit(limit)
    )
    if not database.is_sqlite:
        query = query.with_for_update(skip_locked=True, of=r)
    with database.unit_of_work() as session:
        conn = session.connection()
        rows = conn.execute(query).all()
        if not rows:
            return []
        left = [row.id for row in rows if row[4]]
        if left:
            conn.execute(update(r).where(r.c.id.in_(left)).values(status="opted_out"))
        taken = [row for row in rows if not row[4]]
        if taken:
            # one statement for the whole batch: the attempt is counted in SQL
            conn.execute(
                update(r)
                .where(r.c.id.in_([row.id for row in taken]))
                .values(
                    status="sending",
                    claimed_by=claimant,
                    wire_at=None,
                    attempts=r.c.attempts + 1,
                )
            )
    return [
        ClaimedRecipient(row.id, campaign.id, row.citizen, row.params, row.attempts + 1)
        for row in taken
    ]


def write(
    database: Database, claimant: str, on_wire: Sequence[int], outcomes: Sequence[Outcome]
) -> set[int]:
    """One transaction: mark requests about to leave, record finished ones (see outbox_store)."""
    r = RECIPIENTS
    now = clock.now()
    marked: set[int] = set()
    # not urgent: on SQLite the webhook's inbox commit and chat go ahead of a broadcast
    with database.unit_of_work() as session:
        conn = session.connection()
        if on_wire:
            marked = set(
                conn.execute(
                    update(r)
                    .where(r.c.id.in_(on_wire), r.c.claimed_by == claimant, r.c.status == "sending")
                    .values(wire_at=now)
                    .returning(r.c.id)
                ).scalars()
            )
        _record(conn, claimant, outcomes, now)
    return marked


def _record(conn: Any, claimant: str, outcomes: Sequence[Outcome], now: datetime) -> None:
    """Each kind of outcome in one statement: UPDATE … FROM unnest(arrays) on PostgreSQL (one
    statement whatever the batch), executemany on SQLite (in process, no round trips)."""
    r = RECIPIENTS
    released = {"claimed_by": None, "wire_at": None}
    sent = [o for o in outcomes if o.result == "sent"]
    again = [o for o in outcomes if o.result in ("retry", "requeue")]
    failed = [o for o in outcomes if o.result == "failed"]
    unclaimed = [o.id for o in outcomes if o.result == "unclaimed"]
    if unclaimed:
        conn.execute(
            update(r)
            .where(r.c.id.in_(unclaimed), r.c.claimed_by == claimant, r.c.status == "sending")
            .values(status="queued", attempts=r.c.attempts - 1, **released)
        )
    # a confirmed send is recorded whoever holds the row now: it is never sent again
    unsent = or_(r.c.status == "queued", r.c.status == "sending")
    if conn.dialect.name == "postgresql":
        if sent:
            v = _rows(
                ("id", BigInteger, [o.id for o in sent]),
                ("wamid", String, [o.wamid for o in sent]),
                ("num", String, [o.phone_number_id for o in sent]),
            )
            conn.execute(
                update(r)
                .where(r.c.id == v.c.id, unsent)
                .values(
                    status="sent",
                    wamid=v.c.wamid,
                    sent_at=now,
                    phone_number_id=v.c.num,
                    error_code=None,
                    **released,
                )
            )
        ours = and_(r.c.claimed_by == claimant, r.c.status == "sending")
        if again:
            v = _rows(
                ("id", BigInteger, [o.id for o in again]),
                ("next", DateTime(timezone=True), [o.next_attempt_at for o in again]),
                ("code", Integer, [o.error_code for o in again]),
            )
            conn.execute(
                update(r)
                .where(r.c.id == v.c.id, ours)
                .values(status="queued", next_attempt_at=v.c.next, error_code=v.c.code, **released)
            )
        if failed:
            v = _rows(
                ("id", BigInteger, [o.id for o in failed]),
                ("code", Integer, [o.error_code for o in failed]),
            )
            conn.execute(
                update(r)
                .where(r.c.id == v.c.id, ours)
                .values(status="failed", error_code=v.c.code, **released)
            )
        return
    by_id = r.c.id == bindparam("_id")
    ours = and_(by_id, r.c.claimed_by == claimant, r.c.status == "sending")
    if sent:
        conn.execute(
            update(r)
            .where(by_id, unsent)
            .values(
                status="sent",
                wamid=bindparam("_wamid"),
                sent_at=now,
                phone_number_id=bindparam("_num"),
                error_code=None,
                **released,
            ),
            [{"_id": o.id, "_wamid": o.wamid, "_num": o.phone_number_id} for o in sent],
        )
    if again:
        conn.execute(
            update(r)
            .where(ours)
            .values(
                status="queued",
                next_attempt_at=bindparam("_next"),
                error_code=bindparam("_code"),
                **released,
            ),
            [{"_id": o.id, "_next": o.next_attempt_at, "_code": o.error_code} for o in again],
        )
    if failed:
        conn.execute(
            update(r)
            .where(ours)
            .values(status="failed", error_code=bindparam("_code"), **released),
            [{"_id": o.id, "_code": o.error_code} for o in failed],
        )


def _rows(*columns: tuple[str, Any, list[Any]]) -> Any:
    """PostgreSQL: parallel arrays as a table to join an UPDATE against (`unnest`), one bound
    array a column, so the statement's text is the same whatever the batch size."""
    arrays = [bindparam(f"_{name}", values, type_=ARRAY(kind)) for name, kind, values in columns]
    return (
        func.unnest(*arrays)
        .table_valued(*(name for name, _, _ in columns))
        .render_derived(name="v")
    )


def release_orphaned(database: Database) -> tuple[int, int]:
    """Give back every claim whose process is gone; (given back, of which maybe sent)."""
    r = RECIPIENTS
    orphaned = and_(
        r.c.status == "sending",
        or_(r.c.claimed_by.is_(None), r.c.claimed_by.not_in(select(PROCESSES.c.id))),
    )
    back = {"status": "queued", "next_attempt_at": None, "claimed_by": None, "wire_at": None}
    with database.unit_of_work() as session:
        conn = session.connection()
        uncertain = conn.execute(
            update(r)
            .where(orphaned, r.c.wire_at.is_not(None))
            .values(uncertain_sends=r.c.uncertain_sends + 1, **back)
            .returning(r.c.id)
        ).all()
        certain = conn.execute(update(r).where(orphaned).values(**back).returning(r.c.id)).all()
    return len(certain) + len(uncertain), len(uncertain)


def unfinished(database: Database, campaign_id: int, *, canary: bool) -> int:
    r = RECIPIENTS
    where = [r.c.campaign_id == campaign_id, r.c.status.in_(("queued", "sending"))]
    if canary:
        where.append(r.c.canary.is_(True))
    with database.unit_of_work() as session:
        return int(session.execute(select(func.count()).where(*where)).scalar_one())


def canary_failure_rate(database: Database, campaign_id: int) -> tuple[float, datetime | None]:
    """Failed share of the canary's messages (Meta's refusals and failed-status webhooks),
    and when its last message was sent."""
    r = RECIPIENTS
    mine = and_(r.c.campaign_id == campaign_id, r.c.canary.is_(True))
    with database.unit_of_work() as session:
        by_status: dict[str, int] = {
            status: int(n)
            for status, n in session.execute(
                select(r.c.status, func.count()).where(mine).group_by(r.c.status)
            ).all()
        }
        last = session.execute(select(func.max(r.c.sent_at)).where(mine)).scalar()
    attempted = sum(n for s, n in by_status.items() if s not in ("opted_out", "cancelled"))
    return (by_status.get("failed", 0) / attempted if attempted else 0.0), last


def advance(
    database: Database, campaign: Sendable, canary_wait: timedelta, canary_max_failure: float
) -> bool:
    """Move on a campaign none of whose recipients is left to claim: a canary to `sending`
    once `canary_wait` has passed since its last send for failure statuses to come back (or
    to `paused` when more than `canary_max_failure` of it failed), `sending` to `done` when
    nothing is unfinished. True when its state changed."""
    if campaign.state == "canary":
        if unfinished(database, campaign.id, canary=True):
            return False
        rate, last = canary_failure_rate(database, campaign.id)
        if last is not None and clock.now() - last < canary_wait:
            return False
        if rate > canary_max_failure:
            log.warning("canary failed; campaign paused", extra={"campaign": campaign.id})
            return set_state(
                database,
                campaign.id,
                "canary",
                state="paused",
                resume_to="sending",
                pause_reason="canary_failed",
                paused_at=clock.now(),
            )
        return set_state(
            database, campaign.id, "canary", state="sending", canary_done_at=clock.now()
        )
    if unfinished(database, campaign.id, canary=False):
        return False
    return set_state(database, campaign.id, "sending", state="done", finished_at=clock.now())


def set_state(database: Database, campaign_id: int, expected: str, **values: Any) -> bool:
    """Move a campaign on from `expected` (a no-op if an officer changed it meanwhile)."""
    c = CAMPAIGNS
    with database.unit_of_work() as session:
        done = session.execute(
            update(c).where(c.c.id == campaign_id, c.c.state == expected).values(**values)
        )
        return bool(cast(Any, done).rowcount)


def reached_today(database: Database, window: timedelta = timedelta(hours=24)) -> int:
    """Distinct citizens sent a campaign message in the last 24 hours (Meta's portfolio
    limit counts unique users reached outside their service window)."""
    r = RECIPIENTS
    since = clock.now() - window
    with database.unit_of_work() as session:
        return int(
            session.execute(
                select(func.count(func.distinct(r.c.citizen))).where(r.c.sent_at >= since)
            ).scalar_one()
        )
