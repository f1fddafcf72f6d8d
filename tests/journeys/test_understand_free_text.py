"""Free text understood, end to end through the simulator API, in Telugu and English: a bus
booking from one sentence asks only what is missing; typed answers at choice and date steps;
a question answered from the catalogue with a start button; status by words; not understood
twice reaches help and the grievance option; emoji and thanks answered; a long description at
the menu kept as the grievance's description."""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

import pytest

from manamitra.messaging.i18n import t
from manamitra.privacy import verhoeff_digit
from tests.support.databases import postgres_base_url, postgres_url
from tests.support.live import live_server
from tests.support.phone import Phone, body_text, choice_ids, order_reference

AADHAAR = "49871234567" + verhoeff_digit("49871234567")
JPEG = base64.b64encode(b"\xff\xd8\xff\xe0" + b"\x00" * 2048 + b"\xff\xd9").decode()


def _all_text(replies: list[dict[str, Any]]) -> str:
    return "\n".join(body_text(b) for b in replies)


def _start(phone: Phone, lang: str) -> None:
    phone.say("Hi")
    phone.tap(f"lang:{lang}")


def test_a_bus_booking_from_one_sentence_asks_only_what_is_missing(tmp_path: Path) -> None:
    with live_server(tmp_path) as server, server.client() as client:
        english = Phone(client, "919700001601", "Ravi")
        _start(english, "en")
        opened = english.say("bus ticket from vijayawada to tirupati repu")
        shown = body_text(opened[-1])
        assert "From your message" in shown
        assert "From: Vijayawada (PNBS)" in shown and "To: Tirupati" in shown
        assert choice_ids(opened[-1]) == ["flow:said_yes", "flow:said_no"]
        asked = english.tap("flow:said_yes", opened)
        # from, to and date are answered: the next question is the bus (4th of the form)
        assert "Choose the bus" in body_text(asked[-1]) and "4" in body_text(asked[-1])
        assert "Travelling *from*" not in _all_text(asked)

        telugu = Phone(client, "919700001602", "సీత")
        _start(telugu, "te")
        opened = telugu.say("విజయవాడ నుంచి విశాఖపట్నం బస్సు టికెట్ రేపు")
        shown = body_text(opened[-1])
        assert "మీ సందేశం నుంచి" in shown
        assert "విజయవాడ (పీఎన్‌బీఎస్)" in shown and "విశాఖపట్నం (ద్వారకా)" in shown
        asked = telugu.tap("flow:said_yes", opened)
        assert "బస్సును ఎంచుకోండి" in body_text(asked[-1])


def test_typed_answers_at_choice_and_date_steps_are_read_as_a_person_would(
    tmp_path: Path,
) -> None:
    with live_server(tmp_path) as server, server.client() as client:
        phone = Phone(client, "919700001603", "Anil")
        _start(phone, "en")
        found = phone.say("bus ticket")
        phone.tap("svc:apsrtc.book_ticket", found)
        asked = phone.say("vijaywada")
        assert "Travelling *to*" in body_text(asked[-1])
        asked = phone.say("tirupathi")
        assert "Date of journey" in body_text(asked[-1])
        asked = phone.say("tomorrow")
        assert "Choose the bus" in body_text(asked[-1])
        asked = phone.say("rendu")
        assert "Seat preference" in body_text(asked[-1])
        invalid = t("en", "errors.choice_invalid")
        assert invalid not in _all_text(asked)

        telugu = Phone(client, "919700001604", "లక్ష్మి")
        _start(telugu, "te")
        found = telugu.say("బస్సు టికెట్")
        telugu.tap("svc:apsrtc.book_ticket", found)
        telugu.say("గుంటూరు")
        telugu.say("తిరుపతి")
        asked = telugu.say("repu")
        assert "బస్సును ఎంచుకోండి" in body_text(asked[-1])


def test_a_question_in_telugu_is_answered_from_the_catalogue_with_a_start_button(
    tmp_path: Path,
) -> None:
    with live_server(tmp_path) as server, server.client() as client:
        phone = Phone(client, "919700001605", "సుజాత")
        _start(phone, "te")
        answered = phone.say("కుల ధృవీకరణ పత్రానికి ఏ పత్రాలు కావాలి?")
        shown = body_text(answered[-1])
        assert "*కుల ధృవీకరణ పత్రం* కోసం ఇవి కావాలి" in shown and "ఆధార్" in shown
        assert "svc:revenue.caste_certificate" in choice_ids(answered[-1])
        started = phone.tap("svc:revenue.caste_certificate", answered)
        assert "మీ పూర్తి పేరు" in _all_text(started) or "పేరు" in body_text(started[-1])

        english = Phone(client, "919700001606", "Kiran")
        _start(english, "en")
        answered = english.say("how much is the fee for caste certificate")
        assert "The fee for *Caste certificate* is ₹" in body_text(answered[-1])
        answered = english.say("how many days for income certificate")
        assert re.search(
            r"\*Income certificate\* is decided within \d+ days", body_text(answered[-1])
        )


def test_status_by_words_lists_that_service_or_says_there_is_none(tmp_path: Path) -> None:
    with live_server(tmp_path) as server, server.client() as client:
        _status_by_words(Phone(client, "919700001607", "సుజాత"))


@pytest.mark.skipif(postgres_base_url() is None, reason="set MM_TEST_POSTGRES_URL to run it")
def test_status_by_words_on_postgresql(tmp_path: Path) -> None:
    base = postgres_base_url()
    assert base is not None
    with (
        postgres_url(base) as url,
        live_server(tmp_path, database_url=url) as server,
        server.client() as client,
    ):
        _status_by_words(Phone(client, "919700001617", "సుజాత"))


def _status_by_words(phone: Phone) -> None:
    """A caste certificate applied for in Telugu, then asked after in words."""
    _start(phone, "te")
    found = phone.say("kula dhruvikarana patram kavali")
    phone.tap("svc:revenue.caste_certificate", found)
    for answer in (
        "సుజాత కుమారి",
        AADHAAR,
        "9876543210",
        "రామారావు",
        "కుమార్తె",
        "12-06-1995",
        "ఎస్సీ",
        "మాల",
        "హిందూ",
        "చదువు",
        "గుంటూరు",
        "తెనాలి",
        "తెనాలి",
    ):
        phone.say(answer)
    consent = phone.send(image={"data_base64": JPEG, "mime_type": "image/jpeg"})
    summary = phone.tap("opt:agree", consent)
    bill = phone.tap("flow:submit", summary)
    done = phone.pay(order_reference(bill[-1]))
    number = re.search(r"REV-\d{4}-\d{6}", _all_text(done))
    assert number is not None

    mine = phone.say("నా కుల ధృవీకరణ పత్రం ఎక్కడ ఉంది")
    assert number.group(0) in _all_text(mine) and "దరఖాస్తు అందింది" in _all_text(mine)
    none = phone.say("naa income certificate enti ayyindi")
    assert "మీ *ఆదాయ ధృవీకరణ పత్రం* దరఖాస్తు ఏదీ మా దగ్గర లేదు" in _all_text(none)
    assert number.group(0) in _all_text(none)  # and everything they have


def test_never_a_dead_end(tmp_path: Path) -> None:
    with live_server(tmp_path) as server, server.client() as client:
        phone = Phone(client, "919700001608", "Ravi")
        _start(phone, "en")
        first = phone.say("zxqv blorp")
        assert "did not understand" in body_text(first[-1]) and "nav:menu" in choice_ids(first[-1])
        second = phone.say("plonk wibble")
        assert "Here is how to use Mana Mitra" in body_text(second[-1])
        assert choice_ids(second[-1]) == ["cat:grievances", "nav:menu"]

        thumbs = phone.say("👍")
        assert body_text(thumbs[-1]) == t("en", "understanding.emoji")
        thanks = phone.say("ok thanks")
        assert body_text(thanks[-1]) == t("en", "understanding.thanks")

        telugu = Phone(client, "919700001609", "రమ")
        _start(telugu, "te")
        guessed = telugu.say("పెన్షన్ కావలి ఏమో")
        assert "svc:serp.pension_new" in choice_ids(guessed[-1]) or "svc:serp.pension_new" in str(
            guessed
        )


def test_a_long_description_at_the_menu_becomes_the_grievance_description(
    tmp_path: Path,
) -> None:
    described = "The road near our school has big potholes and children fall there every day"
    with live_server(tmp_path) as server, server.client() as client:
        phone = Phone(client, "919700001610", "Ravi")
        _start(phone, "en")
        opened = phone.say(described)
        shown = body_text(opened[-1])
        assert described in shown and "Potholes" in shown
        asked = phone.tap("flow:said_yes", opened)
        # the problem is not asked again: the next question is about photos
        assert "photo" in body_text(asked[-1]).lower()
        assert "Describe" not in _all_text(asked)
