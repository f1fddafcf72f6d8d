"""Writing replies to the outbox inside the caller's transaction, so state and replies commit
together."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import insert
from sqlalchemy.orm import Session

from manamitra import clock
from manamitra.conversation.reply import Reply, reply_to_json, reply_type
from manamitra.store.models import OutboundMessage


def enqueue(
    session: Session,
    citizen: str,
    replies: Iterable[Reply],
    *,
    source_inbound_id: int | None = None,
) -> list[int]:
    """Queue replies for one citizen, in order; the sender delivers them in this order.

    One bulk INSERT (ids ascend in the order given) rather than an ORM object per reply:
    this is on the worker's hot path. Returns the new rows' ids, in order.
    """
    now = clock.now()
    rows = [
        {
            "citizen": citizen,
            "body": reply_to_json(reply),
            "kind": reply_type(reply),
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
            "source_inbound_id": source_inbound_id,
        }
        for reply in replies
    ]
    if not rows:
        return []
    statement = insert(OutboundMessage).returning(OutboundMessage.id, sort_by_parameter_order=True)
    return list(session.scalars(statement, rows))
