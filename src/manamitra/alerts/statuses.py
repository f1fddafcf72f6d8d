"""Meta's delivery statuses for campaign messages: sent → delivered → read, or failed with
an error code (131026 undeliverable, 131049 the per-user marketing cap…), applied by wamid
in the inbox's transaction and never backwards, as for the outbox."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    ARRAY,
    DateTime,
    Integer,
    String,
    Table,
    bindparam,
    case,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Connection

from manamitra.store.models import AlertRecipient

RECIPIENTS = cast(Table, AlertRecipient.__table__)
RANK = {"queued": 0, "sending": 1, "sent": 2, "failed": 3, "delivered": 4, "read": 5}


@dataclass(frozen=True)
class Delivery:
    wamid: str
    status: str  # sent | delivered | read | played | failed
    at: datetime
    error_code: int | None = None


def _rank(column: Any) -> Any:
    return case(*((column == name, rank) for name, rank in RANK.items()), else_=0)


def _earliest(column: Any, moment: Any) -> Any:
    return case((or_(column.is_(None), column > moment), moment), else_=column)


def apply(conn: Connection, deliveries: Sequence[Delivery]) -> set[str]:
    """Apply what concerns campaign recipients; the wamids that were theirs."""
    by_status: dict[str, dict[str, Delivery]] = {}
    for d in deliveries:
        status = "read" if d.status == "played" else d.status
        if status in RANK:
            reported = by_status.setdefault(status, {})
            # a status reported twice in one batch: its earliest time, as below
            if d.wamid not in reported or d.at < reported[d.wamid].at:
                reported[d.wamid] = d
    if not by_status:
        return set()
    # "read" implies "delivered": one write for both when a batch holds both (Meta's often
    # do), keeping the delivery's own time
    delivered = by_status.get("delivered", {})
    seen: dict[str, datetime] = {}
    for wamid, read in by_status.get("read", {}).items():
        first = delivered.pop(wamid, None)
        seen[wamid] = min(read.at, first.at) if first is not None else read.at
    if conn.dialect.name != "postgresql":
        return _apply_each(conn, by_status, seen)
    r = RECIPIENTS
    wamids = sorted({w for batch in by_status.values() for w in batch})
    known = set(
        conn.execute(
            select(r.c.wamid).where(r.c.wamid == func.any(bindparam("_all", wamids, ARRAY(String))))
        ).scalars()
    )
    if not known:
        return set()
    # in rank order, so a batch holding "delivered" and "read" ends at "read"
    for status in sorted(by_status, key=RANK.__getitem__):
        batch = [d for d in by_status[status].values() if d.wamid in known]
        if not batch:
            continue
        v = (
            func.unnest(
                bindparam("_w", [d.wamid for d in batch], type_=ARRAY(String)),
                bindparam("_at", [d.at for d in batch], type_=ARRAY(DateTime(timezone=True))),
                bindparam("_code", [d.error_code for d in batch], type_=ARRAY(Integer)),
                bindparam(
                    "_seen",
                    [seen.get(d.wamid, d.at) for d in batch],
                    type_=ARRAY(DateTime(timezone=True)),
                ),
            )
            .table_valued("wamid", "at", "code", "seen")
            .render_derived(name="v")
        )
        conn.execute(
            update(r)
            .where(r.c.wamid == v.c.wamid, _news(status, v.c.at, v.c.seen))
            .values(**_changes(status, v.c.at, v.c.code, v.c.seen))
        )
    return known


def _apply_each(
    conn: Connection, by_status: dict[str, dict[str, Delivery]], seen: dict[str, datetime]
) -> set[str]:
    """SQLite: look the wamids up, then one executemany a status."""
    r = RECIPIENTS
    wamids = sorted({w for batch in by_status.values() for w in batch})
    known = set(conn.execute(select(r.c.wamid).where(r.c.wamid.in_(wamids))).scalars())
    if not known:
        return set()
    for status in sorted(by_status, key=RANK.__getitem__):
        rows = [
            {"_w": d.wamid, "_at": d.at, "_code": d.error_code, "_seen": seen.get(d.wamid, d.at)}
            for d in by_status[status].values()
            if d.wamid in known
        ]
        if rows:
            moment: Any = bindparam("_at")
            first: Any = bindparam("_seen")
            changes = _changes(status, moment, bindparam("_code"), first)
            conn.execute(
                update(r)
                .where(r.c.wamid == bindparam("_w"), _news(status, moment, first))
                .values(**changes),
                rows,
            )
    return known


def _news(status: str, moment: Any, delivered_at: Any) -> Any:
    """SQL: the status tells the row something new (a repeated "sent" after the send was
    recorded changes nothing): rows it does not change are not rewritten. `delivered_at`:
    when the message was delivered (for "read", perhaps earlier than read)."""
    r = RECIPIENTS
    newer = _rank(r.c.status) < RANK[status]
    if status == "sent":
        return or_(newer, r.c.sent_at.is_(None))
    if status in ("delivered", "read"):
        later = or_(r.c.delivered_at.is_(None), r.c.delivered_at > delivered_at)
        if status == "read":
            later = or_(later, r.c.read_at.is_(None), r.c.read_at > moment)
        return or_(newer, later)
    return newer


def _changes(status: str, moment: Any, code: Any, delivered_at: Any) -> dict[str, Any]:
    """The SET clause for one status, never moving a recipient backwards."""
    r = RECIPIENTS
    rank = RANK[status]
    values: dict[str, Any] = {"status": case((_rank(r.c.status) < rank, status), else_=r.c.status)}
    if status in ("delivered", "read"):
        values["delivered_at"] = _earliest(r.c.delivered_at, delivered_at)
    if status == "read":
        values["read_at"] = _earliest(r.c.read_at, moment)
    if status == "sent":
        values["sent_at"] = func.coalesce(r.c.sent_at, moment)
    if status == "failed":
        values["error_code"] = case((_rank(r.c.status) < rank, code), else_=r.c.error_code)
    return values
