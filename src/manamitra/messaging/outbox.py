"""The outbox's write side: replies queued inside the caller's transaction, so state and
replies commit together. Any layer may queue; the pipeline batches these rows and sends them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, cast

import orjson
from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from manamitra import clock
from manamitra.events import code_of, event_row, record_events
from manamitra.messaging.reply import Reply, Speak, reply_to_json, reply_type
from manamitra.privacy import mask_aadhaar_deep, may_hold_aadhaar
from manamitra.store.models import Conversation, OutboundMessage

# A list in Session.info under this key collects rows instead of inserting them, so a
# worker batch writes all its replies, in order, with one INSERT at the end.
OUTBOX_BUFFER = "manamitra.outbox_buffer"
# ... and beside it, the business number each citizen in the batch is being answered from
OUTBOX_NUMBERS = "manamitra.outbox_numbers"
# A reply still to be spoken (`Speak`) waits as a pending row due at this moment, which never
# comes: the sender does not take it, and, pending, it holds the citizen's later replies behind
# it (replies leave in order). The speech worker finds parked rows by this time, makes the
# audio and makes the row due now.
PARKED = datetime(9999, 1, 1, tzinfo=UTC)


def outbox_rows(
    citizen: str,
    replies: Iterable[Reply],
    *,
    source_inbound_id: int | None = None,
    phone_number_id: str | None = None,
) -> list[dict[str, Any]]:
    """The outbox rows for replies to one citizen, ready for one bulk INSERT, to leave from
    business number `phone_number_id` (None: the primary)."""
    now = clock.now()
    return [
        {
            "citizen": citizen,
            "body": _without_aadhaar(reply_to_json(reply)),
            "kind": reply_type(reply),
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": PARKED if isinstance(reply, Speak) else now,
            "created_at": now,
            "source_inbound_id": source_inbound_id,
            "phone_number_id": phone_number_id,
        }
        for reply in replies
    ]


def _without_aadhaar(body: dict[str, Any]) -> dict[str, Any]:
    # The engine only ever sees masked messages; this catches what an officer or a department
    # system wrote into a reply.
    if not may_hold_aadhaar(orjson.dumps(body).decode()):
        return body
    masked: dict[str, Any] = mask_aadhaar_deep(body)
    return masked


def insert_rows(session: Session, rows: list[dict[str, Any]]) -> None:
    """One executemany INSERT; ids ascend in the order of `rows`."""
    if rows:
        session.execute(insert(cast(Table, OutboundMessage.__table__)), rows)
        _record_sent(session, rows)


def _record_sent(session: Session, rows: list[dict[str, Any]]) -> None:
    # message.out: the reply's type and time only, never its body
    record_events(
        session,
        [
            event_row(
                "message.out",
                citizen=row["citizen"],
                at=row["created_at"],
                dimensions={"kind": code_of(row["kind"])},
            )
            for row in rows
        ],
    )


def enqueue(
    session: Session,
    citizen: str,
    replies: Iterable[Reply],
    *,
    source_inbound_id: int | None = None,
) -> list[int]:
    """Queue replies for one citizen, in order; the sender delivers them in this order.

    One bulk INSERT (ids ascend in the order given) rather than an ORM object per reply:
    this is on the worker's hot path. Returns the new rows' ids, in order (none when a
    worker batch collects the rows to insert them together). They leave from the business
    number the citizen last wrote to.
    """
    numbers = session.info.get(OUTBOX_NUMBERS)
    if numbers is not None and citizen in numbers:
        number = numbers[citizen]
    else:
        conversation = session.get(Conversation, citizen)
        number = conversation.phone_number_id if conversation is not None else None
    rows = outbox_rows(
        citizen, replies, source_inbound_id=source_inbound_id, phone_number_id=number
    )
    buffer = session.info.get(OUTBOX_BUFFER)
    if buffer is not None:
        buffer.extend(rows)
        return []
    if not rows:
        return []
    statement = insert(OutboundMessage).returning(OutboundMessage.id, sort_by_parameter_order=True)
    ids = list(session.scalars(statement, rows))
    _record_sent(session, rows)
    return ids
