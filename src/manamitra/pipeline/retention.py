"""How long the inbox keeps what a citizen wrote: until `MM_INBOX_RETENTION_HOURS` after the
message was processed. Then its row keeps only what deduplication (the wamid), audit and
support need — sender, type, times, status, the option tapped, the media's id and type, a
payment's ids and amount — and loses the text, captions, file names, locations, contacts,
Flow answers and profile name, with any third-party number or sensitive answer typed in them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, select

from manamitra import clock
from manamitra.store import Database
from manamitra.store.models import InboundMessage

log = logging.getLogger(__name__)

BATCH = 500
_KEPT = ("message_id", "citizen", "kind", "sent_at", "choice_id", "reply_to", "business_user_id")
_KEPT_MEDIA = ("id", "mime_type", "sha256", "file_size", "voice")

_INBOX = cast(Table, InboundMessage.__table__)
_PURGE = (
    _INBOX.update()
    .where(_INBOX.c.id == bindparam("_id"))
    .values(payload=bindparam("_payload"), purged_at=bindparam("_at"))
)


def purged(payload: dict[str, Any]) -> dict[str, Any]:
    """What a processed message's payload keeps after its retention period."""
    kept = {key: payload.get(key) for key in _KEPT}
    media = payload.get("media")
    kept["media"] = {key: media.get(key) for key in _KEPT_MEDIA} if media else None
    payment = (payload.get("extra") or {}).get("payment")
    kept["extra"] = {"payment": payment} if payment else {}
    kept["purged"] = True
    return kept


def purge_processed(database: Database, processed_before: datetime) -> int:
    """Purge every message processed before `processed_before`, a batch per transaction;
    returns how many."""
    total = 0
    while True:
        with database.unit_of_work() as session:
            rows = session.execute(
                select(_INBOX.c.id, _INBOX.c.payload)
                .where(
                    _INBOX.c.processed_at.is_not(None),  # the partial index's condition
                    _INBOX.c.purged_at.is_(None),
                    _INBOX.c.processed_at < processed_before,
                )
                .order_by(_INBOX.c.id)
                .limit(BATCH)
            ).all()
            if not rows:
                return total
            now = clock.now()
            session.execute(
                _PURGE,
                [{"_id": row.id, "_payload": purged(row.payload), "_at": now} for row in rows],
            )
        total += len(rows)
        if len(rows) < BATCH:
            return total


def retention_job(
    database: Database, retention_hours: float, every_seconds: float = 3600.0
) -> Callable[[asyncio.Event], Awaitable[None]]:
    """The background job: a purge pass every hour until stopped."""

    async def run(stop: asyncio.Event) -> None:
        while not stop.is_set():
            cutoff = clock.now() - timedelta(hours=retention_hours)
            count = await asyncio.to_thread(purge_processed, database, cutoff)
            if count:
                log.info("inbox messages past retention purged", extra={"count": count})
            try:
                await asyncio.wait_for(stop.wait(), timeout=every_seconds)
            except TimeoutError:
                continue

    return run
