"""Voice turns in the engine: a voice note becomes a speech job (unless the step keeps the
audio), a transcript is shown and answers like typing, a spoken number picks the option read
out, and at the review a spoken answer waits for a tap or a spoken yes (or "one")."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from manamitra.messaging.i18n import t
from manamitra.messaging.inbound import Media
from manamitra.messaging.reply import ListMenu, Reply, Speak
from manamitra.services.catalog_check import load_checked_catalog
from manamitra.store import Database
from manamitra.store.models import SpeechJob
from tests.support import databases
from tests.support.engine_driver import Chat, choice_ids, make_engine, texts

CATALOG = load_checked_catalog()


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    with databases.sqlite_database(tmp_path_factory.mktemp("voice")) as db:
        yield db


@pytest.fixture
def session(database: Database) -> Iterator[Session]:
    with database.unit_of_work() as session:
        yield session


def spoken(chat: Chat, words: str) -> list[Reply]:
    return chat._send(kind="text", text=words, extra={"voice": {"of": "wamid.note"}})


def street_light(session: Session, citizen: str) -> Chat:
    chat = Chat(make_engine(CATALOG), db=session, citizen=citizen)
    chat.say("Hi")
    chat.tap("lang:en")
    chat.tap("svc:grievances.street_lights")
    return chat


def test_a_voice_note_is_queued_for_the_recogniser_and_answered_later(session: Session) -> None:
    chat = street_light(session, "919100000601")
    replies = chat.send_media("audio", Media(id="note-1", mime_type="audio/ogg", voice=True))
    assert replies == []
    job = session.scalars(select(SpeechJob).where(SpeechJob.citizen == chat.citizen)).one()
    assert (job.lang, job.media["id"], job.status) == ("en", "note-1", "pending")


def test_a_spoken_number_picks_the_option_and_the_turn_is_spoken_back(session: Session) -> None:
    chat = street_light(session, "919100000602")
    options = choice_ids(chat.last[-1])
    replies = spoken(chat, "two")
    assert texts(replies)[0] == t("en", "voice.heard", text="two")
    assert options[1].removeprefix("opt:") in chat.convo.state["flow"]["answers"].values()
    assert isinstance(replies[-1], Speak) and replies[-1].lang == "en"
    assert "Describe the problem" in replies[-1].text
    # the complaint step keeps a voice note as the complaint itself: no speech job
    chat.send_media("audio", Media(id="note-2", mime_type="audio/ogg", voice=True))
    assert session.scalars(select(SpeechJob).where(SpeechJob.citizen == chat.citizen)).all() == []


def test_at_the_review_a_spoken_yes_waits_and_one_for_go_ahead_submits(session: Session) -> None:
    chat = street_light(session, "919100000603")
    chat.tap("opt:not_working")
    chat.say("The light at the bus stop near the temple is off for a week")
    chat.tap("opt:no")
    chat.tap("opt:pick")
    chat.say("Guntur")
    chat.say("Tenali")
    chat.say("skip")
    assert choice_ids(chat.last[-1])[0] == "flow:submit"

    held = spoken(chat, "yes")
    assert not re.search(r"GRV-\d{4}", " ".join(texts(held)))
    assert choice_ids(held[1]) == ["voice:yes", "voice:no"]
    refused = spoken(chat, "kaadu")
    assert t("en", "voice.not_done") in texts(refused)
    assert choice_ids(refused[-2])[0] == "flow:submit"  # the review again, then its voice

    spoken(chat, "avunu")
    done = spoken(chat, "one")
    assert re.search(r"GRV-\d{4}-\d{6}", " ".join(texts(done)))


def test_a_first_message_spoken_is_recognised_in_telugu_and_answered(session: Session) -> None:
    chat = Chat(make_engine(CATALOG), db=session, citizen="919100000604")
    assert chat.send_media("audio", Media(id="note-3", mime_type="audio/ogg", voice=True)) == []
    job = session.scalars(select(SpeechJob).where(SpeechJob.citizen == chat.citizen)).one()
    assert job.lang == "te"
    replies = chat._send(
        kind="text", text="ఆదాయ ధృవీకరణ పత్రం", extra={"voice": {"of": "x", "lang": "te"}}
    )
    assert chat.convo.language == "te"
    assert texts(replies)[0] == t("te", "voice.heard", text="ఆదాయ ధృవీకరణ పత్రం")
    assert isinstance(replies[1], ListMenu)
    assert "svc:revenue.income_certificate" in choice_ids(replies[1])
    assert isinstance(replies[-1], Speak)


def test_a_first_spoken_language_name_is_the_language_answer(session: Session) -> None:
    chat = Chat(make_engine(CATALOG), db=session, citizen="919100000605")
    chat._send(kind="text", text="English", extra={"voice": {"of": "y", "lang": "te"}})
    assert chat.convo.language == "en"
