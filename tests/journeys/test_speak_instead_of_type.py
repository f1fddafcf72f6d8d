"""Through the simulator API, by voice: a Telugu citizen starts a service and answers its
questions with voice notes, and a fee is not paid on a spoken "yes" until the confirmation
was shown and tapped; an English citizen picks a list option by saying its number, and every
reply comes back as an OGG Opus voice note as long as its text; with the speech service down,
a voice note gets a clear note and typing goes on."""

from __future__ import annotations

import base64
import contextlib
import json
import re
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from manamitra.conversation.flow import count_questions
from manamitra.messaging.i18n import t
from manamitra.privacy import verhoeff_digit
from manamitra.services.catalog_check import load_checked_catalog
from manamitra.store.models import InboundMessage, MediaBlob, SpeechJob
from tests.support.databases import postgres_base_url, postgres_url
from tests.support.live import live_server
from tests.support.phone import Phone, body_text, choice_ids, interactive_type
from tests.support.voice import needs_voice_tools, probe, voice_note

pytestmark = needs_voice_tools

JPEG = base64.b64encode(b"\xff\xd8\xff\xe0" + b"\x00" * 2048 + b"\xff\xd9").decode()
INCOME = load_checked_catalog().services["revenue.income_certificate"]
TE_NUMBERS = ["ఒకటి", "రెండు", "మూడు", "నాలుగు", "ఐదు", "ఆరు", "ఏడు", "ఎనిమిది", "తొమ్మిది", "పది"]
QUIET = 1.0  # a voice turn goes through the recogniser and back: wait for the replies to settle


def speak(
    phone: Phone, words: str, lang: str = "te", heard: str | None = None
) -> list[dict[str, Any]]:
    """Send a voice note; return the turn's replies once its voice reply (the last) is in."""
    start = phone.seen
    phone.send(quiet=QUIET, audio=voice_note(words, lang, heard=heard))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        replies = [b for b in phone.outbox()[start:] if b.get("type")]
        if replies and replies[-1].get("type") == "audio":
            phone.seen = len(phone.outbox())
            return replies
        time.sleep(0.1)
    raise AssertionError(f"no voice reply after {words!r}")


def texts(replies: list[dict[str, Any]]) -> list[str]:
    return [body_text(b) for b in replies if b.get("type") != "audio"]


def audio_of(client: Any, body: dict[str, Any]) -> bytes:
    response = client.get(f"/sandbox/api/media/{body['audio']['id']}")
    assert response.status_code == 200
    return bytes(response.content)


def spoken_words(replies: list[dict[str, Any]], lang: str) -> str:
    """What the voice reply should say, rebuilt from what the chat shows: every text, and each
    list or button choice as "say one for …"."""
    parts: list[str] = []
    for body in replies:
        if body.get("type") == "audio":
            continue
        parts.append(body_text(body))
        interactive = body.get("interactive", {})
        action = interactive.get("action", {})
        titles = [b["reply"]["title"] for b in action.get("buttons", [])] or [
            r["title"] for s in action.get("sections", []) for r in s["rows"]
        ]
        for i, title in enumerate(titles, 1):
            number = t(lang, f"voice.numbers.{i}")
            parts.append(t(lang, "voice.say_number", number=number, title=title))
    said = " ".join(re.sub(r"[*_~`]", "", " ".join(p.split())) for p in parts if p.strip())
    return re.sub(r"\d{5,}", lambda m: " ".join(m.group()), said)


def espeak_seconds(words: str, lang: str) -> float:
    wav = subprocess.run(
        [
            "espeak-ng",
            "-v",
            "te" if lang == "te" else "en-gb",
            "-s",
            "150" if lang == "te" else "165",
            "--stdout",
            "--stdin",
        ],
        input=words.encode(),
        capture_output=True,
        check=True,
    ).stdout
    # 16-bit mono at 22,050 Hz after a 44-byte header (espeak-ng's own format)
    return (len(wav) - 44) / 2 / 22050


def test_telugu_voice_notes_start_a_service_answer_it_and_a_fee_waits_for_a_tap(
    tmp_path: Path,
) -> None:
    with live_server(tmp_path) as server, server.client(timeout=30) as client:
        phone = Phone(client, "919700000501", "లక్ష్మి")
        phone.say("నమస్కారం")
        phone.tap("lang:te")

        found = speak(phone, "ఆదాయ ధృవీకరణ పత్రం")
        assert texts(found)[0] == t("te", "voice.heard", text="ఆదాయ ధృవీకరణ పత్రం")
        results = next(b for b in found if "svc:revenue.income_certificate" in choice_ids(b))
        assert found[-1]["type"] == "audio"  # spoken back, after the text

        position = choice_ids(results).index("svc:revenue.income_certificate")
        started = speak(phone, TE_NUMBERS[position])
        assert texts(started)[0] == t("te", "voice.heard", text=TE_NUMBERS[position])
        assert INCOME.name.te in " ".join(texts(started))
        asked = speak(phone, "లక్ష్మి దేవి")
        assert texts(asked)[0] == t("te", "voice.heard", text="లక్ష్మి దేవి")
        total = count_questions(INCOME, {})
        assert texts(asked)[-1].startswith(t("te", "flow.step_counter", current=2, total=total))

        _finish_income_form(phone)  # the rest typed and tapped, as in the typed journey
        summary = phone.outbox()[-1]
        assert choice_ids(summary)[0] == "flow:submit"

        held = speak(phone, "అవును")
        assert texts(held)[0] == t("te", "voice.heard", text="అవును")
        assert not any(interactive_type(b) == "order_details" for b in held)
        confirm = next(b for b in held if "voice:yes" in choice_ids(b))
        assert body_text(confirm) == t("te", "voice.confirm_before_doing", meaning="అవును")

        billed = phone.tap("voice:yes", held)
        assert any(interactive_type(b) == "order_details" for b in billed)
        assert body_text(billed[0]) == t(
            "te", "applications.fee_due", amount="₹45", service=INCOME.name.te
        )


def _finish_income_form(phone: Phone) -> None:
    """From the Aadhaar question on: answers as in tests/journeys/test_form_keeps_work.py."""
    phone.say("49871234567" + verhoeff_digit("49871234567"))
    phone.say("9876543210")
    phone.say("రామారావు")
    phone.tap("opt:daughter")
    phone.say("1.2 లక్షలు")
    phone.tap("opt:no")
    phone.tap("opt:education")
    phone.say("గుంటూరు")
    phone.say("తెనాలి")
    asked = phone.say("తెనాలి")
    for _document in INCOME.documents_required:
        asked = phone.send(image={"data_base64": JPEG, "mime_type": "image/jpeg"})
    phone.tap("opt:agree", asked)


def test_english_spoken_number_picks_the_option_and_replies_are_voice_notes_of_their_text(
    tmp_path: Path,
) -> None:
    with live_server(tmp_path) as server, server.client(timeout=30) as client:
        phone = Phone(client, "919700000502", "Ravi")
        phone.say("Hi")
        phone.tap("lang:en")
        found = phone.say("street light")
        question = phone.tap("svc:grievances.street_lights", found)
        options = question[-1]
        second_id = choice_ids(options)[1]
        interactive = options["interactive"]
        rows = interactive["action"].get("buttons") or [
            r for s in interactive["action"]["sections"] for r in s["rows"]
        ]
        second_title = rows[1]["reply"]["title"] if "reply" in rows[1] else rows[1]["title"]

        picked = speak(phone, "two", "en")
        assert texts(picked)[0] == t("en", "voice.heard", text="two")
        assert picked[-1]["type"] == "audio"
        note = audio_of(client, picked[-1])
        facts = probe(note)
        assert (facts["format"], facts["codec"], facts["channels"]) == ("ogg", "opus", 1)
        expected = espeak_seconds(spoken_words(picked, "en"), "en")
        assert abs(facts["duration"] - expected) < 0.25, (facts["duration"], expected)

        phone.say("The light at the bus stop near the temple is off for a week")
        phone.tap("opt:no")
        phone.tap("opt:pick")
        phone.say("Guntur")
        phone.say("Tenali")
        summary = phone.say("skip")
        assert second_title in body_text(summary[-1]), second_id

        held = speak(phone, "yes", "en")
        assert texts(held)[0] == t("en", "voice.heard", text="yes")
        assert not re.search(r"GRV-\d{4}-\d{6}", " ".join(texts(held)))
        assert any("voice:yes" in choice_ids(b) for b in held)
        done = speak(phone, "yes", "en")
        assert re.search(r"GRV-\d{4}-\d{6}", " ".join(texts(done)))


def test_speech_down_gives_a_clear_note_and_typing_goes_on(tmp_path: Path) -> None:
    with live_server(tmp_path) as server, server.client(timeout=30) as client:
        phone = Phone(client, "919700000503", "Ravi")
        phone.say("Hi")
        menu = phone.tap("lang:en")

        unclear = speak(phone, "mumble mumble", "en", heard="")
        assert texts(unclear) == [t("en", "voice.not_understood")]  # and spoken

        assert client.post("/sandbox/api/speech", json={"down": True}).status_code == 200
        down = phone.send(quiet=QUIET, timeout=30, audio=voice_note("street light", "en"))
        assert texts(down) == [t("en", "voice.unavailable")]
        found = phone.say("street light")
        assert "svc:grievances.street_lights" in " ".join(" ".join(choice_ids(b)) for b in found)

        client.post("/sandbox/api/speech", json={"down": False})
        runtime = server.app.state.runtime
        with runtime.database.unit_of_work() as session:
            jobs = session.query(SpeechJob).order_by(SpeechJob.id).all()
            assert [j.status for j in jobs] == ["failed", "failed"]
            assert jobs[1].last_error and "unavailable" in jobs[1].last_error
        assert menu


@pytest.mark.parametrize("store", ["sqlite", "postgres"])
def test_a_spoken_aadhaar_number_is_masked_before_anything_keeps_it(
    tmp_path: Path, store: str
) -> None:
    """On both stores: the transcript enters the inbox through the same shield as typed text,
    so "I heard" shows the number masked and no table holds it in clear."""
    base = postgres_base_url()
    if store == "postgres" and base is None:
        pytest.skip("set MM_TEST_POSTGRES_URL to run it")
    with contextlib.ExitStack() as stack:
        options = {}
        if store == "postgres":
            assert base is not None
            options["database_url"] = stack.enter_context(postgres_url(base))
        server = stack.enter_context(live_server(tmp_path, **options))
        client = stack.enter_context(server.client(timeout=30))
        phone = Phone(client, "919700000504", "Ravi")
        phone.say("Hi")
        phone.tap("lang:en")
        heard = speak(phone, "my number", "en", heard="my aadhaar is 5612 8037 0957")
        assert texts(heard)[0] == t("en", "voice.heard", text="my aadhaar is XXXX XXXX 0957")
        runtime = server.app.state.runtime
        with runtime.database.unit_of_work() as session:
            payloads = [
                json.dumps(m.payload, ensure_ascii=False)
                for m in session.query(InboundMessage).all()
            ]
            jobs = session.query(SpeechJob).all()
        assert any("XXXX XXXX 0957" in p for p in payloads)
        assert not any("5612 8037 0957" in p or "561280370957" in p for p in payloads)
        assert [j.status for j in jobs] == ["done"]
        with runtime.database.unit_of_work() as session:
            assert session.query(MediaBlob).filter(MediaBlob.key.like("wa-media:%")).count() == 0
