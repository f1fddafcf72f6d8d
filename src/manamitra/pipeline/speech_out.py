"""Replies spoken as voice notes, outside the conversation's transaction.

The conversation queues a `Speak` reply after the texts it speaks; its outbox row waits
parked (`messaging.outbox.PARKED`), holding the citizen's later replies behind it. Here it is
claimed (`lease_until`, so one process does it and a dead one's claim runs out), synthesised
by the provider, encoded as OGG Opus and kept as a media blob; the row then becomes an
`Audio` reply due now, and the sender uploads and sends it. If speech fails, the row becomes a
one-line text note instead, so nothing waits on it and the citizen knows.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import Table, or_, select, update

from manamitra import clock
from manamitra.messaging.i18n import t
from manamitra.messaging.outbox import PARKED
from manamitra.messaging.reply import Audio, Text, reply_to_json
from manamitra.speech import AudioRejectedError, SpeechProvider, SpeechUnavailableError
from manamitra.speech.audio import voice_note
from manamitra.store import Database
from manamitra.store.models import MediaBlob, OutboundMessage

log = logging.getLogger(__name__)

VOICE_REPLY_PREFIX = "voice-reply:"
_OUTBOX = cast(Table, OutboundMessage.__table__)


@dataclass(frozen=True)
class ParkedReply:
    id: int
    citizen: str
    text: str
    lang: str


def claim_parked(database: Database, limit: int, lease: timedelta) -> list[ParkedReply]:
    if limit <= 0:
        return []
    now = clock.now()
    o = _OUTBOX
    query = (
        select(o.c.id, o.c.citizen, o.c.body)
        .where(
            o.c.status == "pending",
            o.c.next_attempt_at >= PARKED,
            o.c.kind == "speak",
            or_(o.c.lease_until.is_(None), o.c.lease_until < now),
        )
        .order_by(o.c.id)
        .limit(limit)
    )
    if not database.is_sqlite:
        query = query.with_for_update(skip_locked=True)
    with database.unit_of_work() as session:
        rows = session.execute(query).all()
        if rows:
            session.execute(
                update(o).where(o.c.id.in_([r.id for r in rows])).values(lease_until=now + lease)
            )
    return [
        ParkedReply(r.id, r.citizen, str(r.body.get("text", "")), str(r.body.get("lang", "te")))
        for r in rows
    ]


class SpeechOut:
    def __init__(self, database: Database, provider: SpeechProvider, *, timeout: float) -> None:
        self.database = database
        self.provider = provider
        self.timeout = timeout

    async def speak(self, reply: ParkedReply) -> bool:
        """Make the voice note and release the row; False when a text note went instead."""
        try:
            wav = await asyncio.wait_for(
                self.provider.synthesise(reply.text, reply.lang), self.timeout
            )
            ogg = await asyncio.to_thread(voice_note, wav)
        except (SpeechUnavailableError, AudioRejectedError, TimeoutError) as exc:
            log.warning(
                "voice reply not made", extra={"outbound_id": reply.id, "error": type(exc).__name__}
            )
            await asyncio.to_thread(self._release, reply, None)
            return False
        await asyncio.to_thread(self._release, reply, ogg)
        return True

    def _release(self, reply: ParkedReply, ogg: bytes | None) -> None:
        now = clock.now()
        body: dict[str, Any]
        if ogg is None:
            body, kind = reply_to_json(Text(t(reply.lang, "voice.reply_unavailable"))), "text"
        else:
            key = f"{VOICE_REPLY_PREFIX}{reply.id}"
            body, kind = reply_to_json(Audio(media_key=key)), "audio"
        with self.database.unit_of_work() as session:
            if ogg is not None and session.get(MediaBlob, body["media_key"]) is None:
                session.add(
                    MediaBlob(
                        key=body["media_key"],
                        mime_type="audio/ogg",
                        filename="reply.ogg",
                        sha256=hashlib.sha256(ogg).hexdigest(),
                        size=len(ogg),
                        content=ogg,
                        created_at=now,
                    )
                )
            session.execute(
                update(_OUTBOX)
                .where(_OUTBOX.c.id == reply.id, _OUTBOX.c.kind == "speak")
                .values(body=body, kind=kind, next_attempt_at=now, lease_until=None)
            )
