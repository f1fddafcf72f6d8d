"""Meta's delivery statuses for campaign messages: sent → delivered → read, or failed with
an error code (131026 undeliverable, 131049 the per-user marketing cap…), applied by wamid
in the inbox's transaction and never backwards, as for the outbox."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, case, func, or_, select, update
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
    r = RECIPIENTS
    wamids = sorted({d.wamid for d in deliveries})
    if not wamids:
        return set()
    known = set(conn.execute(select(r.c.wamid).where(r.c.wamid.in_(wamids))).scalars())
    if not known:
        return set()
    by_status: dict[str, list[dict[str, Any]]] = {}
    for d in deliveries:
        status = "read" if d.status == "played" else d.status
        if d.wamid in known and status in RANK:
            by_status.setdefault(status, []).append(
                {"_w": d.wamid, "_at": d.at, "_code": d.error_code}
            )
    # in rank order, so a batch holding "delivered" and "read" ends at "read"
    for status in sorted(by_status, key=RANK.__getitem__):
        rank = RANK[status]
        moment: Any = bindparam("_at")
        values: dict[str, Any] = {
            "status": case((_rank(r.c.status) < rank, status), else_=r.c.status)
        }
        if status in ("delivered", "read"):
            values["delivered_at"] = _earliest(r.c.delivered_at, moment)
        if status == "read":
            values["read_at"] = _earliest(r.c.read_at, moment)
        if status == "sent":
            values["sent_at"] = func.coalesce(r.c.sent_at, moment)
        if status == "failed":
            values["error_code"] = case(
                (_rank(r.c.status) < rank, bindparam("_code")), else_=r.c.error_code
            )
        conn.execute(
            update(r).where(r.c.wamid == bindparam("_w")).values(**values), by_status[status]
        )
    return known
