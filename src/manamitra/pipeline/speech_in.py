"""Voice notes to text, outside the conversation's transaction.

A `SpeechJob` row (written by the conversation when the note arrived) is claimed by moving
its due time past the work's deadline, so a process that dies mid-way leaves it to be taken
again then. The note is fetched from the channel, converted, and sent to the recogniser with
a timeout; its transcript then enters the inbox as a text message from the citizen (wamid
`<note's wamid>.heard`, so a repeat stores nothing twice) and the conversation handles it as
if typed. Whatever fails, the citizen gets a clear note instead; the audio is deleted as soon
as the job ends, whichever way.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

import httpx
from sqlalchemy import Table, delete, func, select, update

from manamitra import clock
from manamitra.errors import ManamitraError
from manamitra.messaging.i18n import t
from manamitra.messaging.inbound import Inbound, Media, blob_key
from manamitra.messaging.outbox import enqueue
from manamitra.messaging.reply import Reply, Speak, Text
from manamitra.pipeline.inbox_store import Received, store_events
from manamitra.pipeline.media import MediaRejectedError, MediaSource, fetch_media
from manamitra.privacy import Cipher
from manamitra.speech import (
    AudioRejectedError,
    SpeechCircuitOpenError,
    SpeechProvider,
    SpeechUnavailableError,
)
from manamitra.speech.audio import for_recogniser
from manamitra.store import Database
from manamitra.store.models import Conversation, MediaBlob, SpeechJob

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 2  # a citizen waiting on a voice note is better told soon to type
RETRY_AFTER = (timedelta(seconds=2),)
_JOBS = cast(Table, SpeechJob.__table__)


@dataclass(frozen=True)
class ClaimedJob:
    id: int
    wamid: str
    citizen: str
    phone_number_id: str
    lang: str
    media: dict[str, Any]
    sent_at: datetime
    attempts: int


def claim_jobs(database: Database, limit: int, lease: timedelta) -> list[ClaimedJob]:
    """Up to `limit` due jobs, each now due again only after `lease` (its work's deadline)."""
    if limit <= 0:
        return []
    now = clock.now()
    query = (
        select(_JOBS)
        .where(_JOBS.c.status == "pending", _JOBS.c.next_attempt_at <= now)
        .order_by(_JOBS.c.next_attempt_at, _JOBS.c.id)
        .limit(limit)
    )
    if not database.is_sqlite:
        query = query.with_for_update(skip_locked=True)
    with database.unit_of_work() as session:
        rows = session.execute(query).all()
        for row in rows:
            session.execute(
                update(_JOBS)
                .where(_JOBS.c.id == row.id)
                .values(next_attempt_at=now + lease, attempts=row.attempts + 1)
            )
    return [
        ClaimedJob(
            r.id, r.wamid, r.citizen, r.phone_number_id, r.lang, r.media, r.sent_at, r.attempts + 1
        )
        for r in rows
    ]


class SpeechIn:
    """Transcribes one claimed job; `transcribe_job` never raises for a citizen's audio."""

    def __init__(
        self,
        database: Database,
        source: MediaSource,
        provider: SpeechProvider,
        *,
        timeout: float,
        max_seconds: float,
        cipher: Cipher | None = None,
    ) -> None:
        self.database = database
        self.source = source
        self.provider = provider
        self.timeout = timeout
        self.max_seconds = max_seconds
        self.cipher = cipher

    async def transcribe_job(self, job: ClaimedJob) -> str:
        """What became of the job: "done", "retry" or "failed"."""
        media = media_of(job.media)
        if job.attempts > MAX_ATTEMPTS + 1:
            # claimed again and again by processes that died before an outcome
            await asyncio.to_thread(self._fail, job, "abandoned", "voice.unavailable")
            return "failed"
        try:
            blob = await fetch_media(self.source, self.database, media, kind="audio")
            recording = await asyncio.to_thread(
                for_recogniser, blob.content or b"", max_seconds=self.max_seconds
            )
            transcript = await asyncio.wait_for(
                self.provider.transcribe(recording.wav, job.lang), self.timeout
            )
            if not transcript.strip():
                raise AudioRejectedError("not_understood")
        except (AudioRejectedError, MediaRejectedError) as exc:
            reason = exc.reason if isinstance(exc, AudioRejectedError) else "unreadable"
            log.info("voice note not transcribed", extra={"job": job.id, "reason": reason})
            await asyncio.to_thread(self._fail, job, f"rejected: {reason}", f"voice.{reason}")
            return "failed"
        except (SpeechUnavailableError, TimeoutError, ManamitraError, httpx.HTTPError) as exc:
            # the provider, or the channel's media API, did not answer: try again, then say so
            problem = f"unavailable: {type(exc).__name__}: {exc}"[:500]
            if job.attempts < MAX_ATTEMPTS and not isinstance(exc, SpeechCircuitOpenError):
                delay = RETRY_AFTER[min(job.attempts, len(RETRY_AFTER)) - 1]
                await asyncio.to_thread(self._retry, job, problem, delay)
                return "retry"
            log.warning("speech provider unavailable", extra={"job": job.id})
            await asyncio.to_thread(self._fail, job, problem, "voice.unavailable")
            return "failed"
        await asyncio.to_thread(self._heard, job, transcript.strip(), recording.seconds)
        return "done"

    # ---- outcomes, each one transaction -------------------------------------------------------
    def _heard(self, job: ClaimedJob, transcript: str, seconds: float) -> None:
        inbound = Inbound(
            message_id=f"{job.wamid}.heard",
            citizen=job.citizen,
            kind="text",
            sent_at=job.sent_at,
            text=transcript[:4096],
            extra={"voice": {"of": job.wamid, "lang": job.lang, "seconds": round(seconds, 1)}},
        )
        number = job.phone_number_id or self._number(job.citizen)
        store_events(self.database, [Received(inbound, number)], cipher=self.cipher)
        with self.database.unit_of_work() as session:
            self._finish(session, job, "done", None)

    def _fail(self, job: ClaimedJob, problem: str, message_key: str) -> None:
        params = {"seconds": int(self.max_seconds)} if message_key == "voice.too_long" else {}
        note = t(job.lang, message_key, **params)
        # the citizen spoke: the note about the audio is spoken too, unless speech is what failed
        replies: list[Reply] = [Text(note)]
        if message_key != "voice.unavailable":
            replies.append(Speak(text=note, lang=job.lang))
        with self.database.unit_of_work() as session:
            if self._finish(session, job, "failed", problem):
                enqueue(session, job.citizen, replies)

    def _retry(self, job: ClaimedJob, problem: str, delay: timedelta) -> None:
        with self.database.unit_of_work() as session:
            session.execute(
                update(_JOBS)
                .where(_JOBS.c.id == job.id, _JOBS.c.status == "pending")
                .values(next_attempt_at=clock.now() + delay, last_error=problem)
            )

    def _finish(self, session: Any, job: ClaimedJob, status: str, problem: str | None) -> bool:
        """Close the job (once: False when another process already did) and drop the audio."""
        closed = session.execute(
            update(_JOBS)
            .where(_JOBS.c.id == job.id, _JOBS.c.status == "pending")
            .values(status=status, last_error=problem, finished_at=clock.now())
        ).rowcount
        session.execute(delete(MediaBlob).where(MediaBlob.key == blob_key(media_of(job.media))))
        return bool(closed)

    def _number(self, citizen: str) -> str:
        with self.database.unit_of_work() as session:
            convo = session.get(Conversation, citizen)
            return (convo.phone_number_id if convo else None) or ""


def pending_count(database: Database) -> int:
    """Voice notes waiting for (or in) recognition: a queue depth for /metrics."""
    with database.unit_of_work() as session:
        return int(
            session.scalar(
                select(func.count()).select_from(_JOBS).where(_JOBS.c.status == "pending")
            )
            or 0
        )


def media_of(data: dict[str, Any]) -> Media:
    return Media(
        id=str(data["id"]),
        mime_type=str(data.get("mime_type") or "audio/ogg"),
        sha256=data.get("sha256"),
        voice=bool(data.get("voice")),
        file_size=data.get("file_size"),
    )
