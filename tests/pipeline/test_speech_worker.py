"""The speech worker on both stores: a voice note's job becomes a text message in the inbox,
a provider that is down becomes a clear note after its retries, a slow recognition holds up
no one else, and a reply to speak waits parked (holding the citizen's later replies) until
its voice note is made; speech data goes at the retention cut-off."""

from __future__ import annotations

import asyncio
import hashlib
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from manamitra import clock
from manamitra.channels.whatsapp import outbox_store
from manamitra.messaging.outbox import PARKED, enqueue
from manamitra.messaging.reply import Speak, Text
from manamitra.pipeline.speech import SpeechWorker, purge_speech
from manamitra.speech import SpeechUnavailableError
from manamitra.speech.audio import for_recogniser
from manamitra.speech.espeak import speak
from manamitra.store import Database
from manamitra.store.models import InboundMessage, MediaBlob, OutboundMessage, SpeechJob
from tests.support.voice import needs_voice_tools, probe, recording

pytestmark = needs_voice_tools

CITIZEN = "919876543210"
PHONE_ID = "106540352242922"


@dataclass
class _Location:
    url: str
    mime_type: str = "audio/ogg"
    sha256: str | None = None
    file_size: int | None = None


class Channel:
    """The Graph media API, for the worker: the voice notes it holds, by media id."""

    def __init__(self, notes: dict[str, bytes]) -> None:
        self.notes = notes

    async def media_info(self, media_id: str) -> _Location:
        return _Location(url=media_id, sha256=hashlib.sha256(self.notes[media_id]).hexdigest())

    async def download_media(self, url: str, *, max_bytes: int) -> bytes:
        return self.notes[url]


class Recogniser:
    def __init__(self, *, down: bool = False) -> None:
        self.down = down
        self.slow: set[str] = set()
        self.calls = 0

    async def transcribe(self, wav: bytes, lang: str) -> str:
        self.calls += 1
        if self.down:
            raise SpeechUnavailableError("recorded outage")
        marker = str(len(wav))
        if marker in self.slow:
            await asyncio.sleep(30)
        return "రెండు" if lang == "te" else "two"

    async def synthesise(self, text: str, lang: str) -> bytes:
        if self.down:
            raise SpeechUnavailableError("recorded outage")
        return speak(text, lang)  # the real espeak-ng, as the local provider


def _job(database: Database, wamid: str, media_id: str, lang: str = "te") -> None:
    now = clock.now()
    with database.unit_of_work() as session:
        session.add(
            SpeechJob(
                wamid=wamid,
                citizen=CITIZEN,
                phone_number_id=PHONE_ID,
                lang=lang,
                media={"id": media_id, "mime_type": "audio/ogg; codecs=opus", "voice": True},
                sent_at=now,
                status="pending",
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
        )


def _worker(
    database: Database, notes: dict[str, bytes], provider: Any, **options: Any
) -> SpeechWorker:
    return SpeechWorker(database, Channel(notes), provider, **{"timeout": 2.0, **options})


def test_a_transcript_enters_the_inbox_as_the_citizens_text_and_the_audio_goes(
    database: Database,
) -> None:
    notes = {"m1": recording("రెండు")}
    _job(database, "wamid.voice1", "m1")
    asyncio.run(_worker(database, notes, Recogniser()).drain())
    with database.unit_of_work() as session:
        heard = session.scalars(select(InboundMessage)).one()
        job = session.scalars(select(SpeechJob)).one()
        assert session.get(MediaBlob, "wa-media:m1") is None
        assert heard.wamid == "wamid.voice1.heard" and heard.status == "pending"
        assert heard.payload["kind"] == "text" and heard.payload["text"] == "రెండు"
        assert heard.payload["extra"]["voice"]["of"] == "wamid.voice1"
        assert (job.status, job.attempts) == ("done", 1)
    asyncio.run(_worker(database, notes, Recogniser()).drain())  # done: nothing again
    with database.unit_of_work() as session:
        assert len(session.scalars(select(InboundMessage)).all()) == 1


def test_a_provider_that_stays_down_ends_in_a_clear_note_after_its_retries(
    database: Database,
) -> None:
    provider = Recogniser(down=True)
    _job(database, "wamid.voice2", "m2", lang="en")
    worker = _worker(database, {"m2": recording("two", "en")}, provider)
    asyncio.run(worker.drain())
    with database.unit_of_work() as session:
        job = session.scalars(select(SpeechJob)).one()
        assert (job.status, job.attempts) == ("pending", 1)
        assert "recorded outage" in (job.last_error or "")
    clock.advance(timedelta(seconds=3))
    asyncio.run(worker.drain())
    with database.unit_of_work() as session:
        job = session.scalars(select(SpeechJob)).one()
        assert (job.status, job.attempts) == ("failed", 2)
        notes = session.scalars(select(OutboundMessage)).all()
        assert [n.body["body"] for n in notes] == [
            "Voice notes cannot be understood right now (the speech service is not answering). "
            "Please type your answer; nothing you sent is lost."
        ]
        assert session.scalars(select(InboundMessage)).first() is None
    assert provider.calls == 2


def test_a_slow_recognition_holds_up_no_other_citizens_note(database: Database) -> None:
    slow_note, quick_note = recording("మూడు నాలుగు ఐదు ఆరు"), recording("రెండు")
    provider = Recogniser()
    worker = _worker(database, {"slow": slow_note, "quick": quick_note}, provider, timeout=5.0)
    _job(database, "wamid.slow", "slow")
    _job(database, "wamid.quick", "quick")

    async def run() -> float:
        provider.slow.add(str(len(for_recogniser(slow_note, max_seconds=60).wav)))
        started = time.monotonic()
        await worker.start_due()
        while True:
            with database.unit_of_work() as session:
                if session.scalars(select(InboundMessage)).first() is not None:
                    return time.monotonic() - started
            await asyncio.sleep(0.05)

    assert asyncio.run(run()) < 3.0
    with database.unit_of_work() as session:
        assert [m.wamid for m in session.scalars(select(InboundMessage))] == ["wamid.quick.heard"]


def test_a_reply_to_speak_waits_parked_then_leaves_as_an_ogg_opus_voice_note(
    database: Database,
) -> None:
    with database.unit_of_work() as session:
        enqueue(session, CITIZEN, [Text("మీ దరఖాస్తు అందింది."), Speak("మీ దరఖాస్తు అందింది.", "te")])
        enqueue(session, CITIZEN, [Text("later")])
    with database.unit_of_work() as session:
        speak = session.scalars(
            select(OutboundMessage).where(OutboundMessage.kind == "speak")
        ).one()
        assert speak.next_attempt_at == PARKED
    first = outbox_store.claim(database, 10, "test")
    assert [c.kind for c in first] == ["text"]  # the parked row is not due…
    outbox_store.write(
        database, "test", [], [outbox_store.Outcome(first[0].id, "sent", wamid="w1")]
    )
    assert outbox_store.claim(database, 10, "test") == []  # …and holds "later" behind it

    asyncio.run(_worker(database, {}, Recogniser()).drain())
    ready = outbox_store.claim(database, 10, "test")
    assert [c.kind for c in ready] == ["audio"]
    key = ready[0].body["media_key"]
    with database.unit_of_work() as session:
        blob = session.get(MediaBlob, key)
        assert blob is not None and blob.mime_type == "audio/ogg"
        facts = probe(blob.content or b"")
    assert (facts["format"], facts["codec"], facts["channels"]) == ("ogg", "opus", 1)
    assert 1.0 < facts["duration"] < 5.0

    assert purge_speech(database, clock.now() - timedelta(hours=1)) == 0
    assert purge_speech(database, clock.now() + timedelta(seconds=1)) == 1
    with database.unit_of_work() as session:
        assert session.get(MediaBlob, key) is None


def test_a_reply_that_cannot_be_spoken_becomes_a_note_and_frees_the_queue(
    database: Database,
) -> None:
    with database.unit_of_work() as session:
        enqueue(session, CITIZEN, [Speak("two", "en")])
    asyncio.run(_worker(database, {}, Recogniser(down=True)).drain())
    ready = outbox_store.claim(database, 10, "test")
    assert [c.body.get("body") for c in ready] == [
        "(A voice copy of this reply could not be made just now; the text above has all of it.)"
    ]
