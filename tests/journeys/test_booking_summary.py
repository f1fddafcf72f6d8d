"""Journeys through the simulator API: what a citizen confirms before paying for a bus seat or
a darshan names every choice by its label in the citizen's language (no stop, bus, temple or
darshan codes), gives the date in words, and shows the fare that is then billed; the hold and
the confirmation say what was booked and when."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

from manamitra import clock
from manamitra.formatting import date_words, money
from tests.support.live import live_server
from tests.support.phone import Body, LivePhone, body_text, choice_ids, order_reference

CODES = re.compile(r"\b(VJA|TPTY|VSKP|indra_ac|srisailam|sheeghra|aadhaar|voter)\b")


def _start(phone: LivePhone, lang: str) -> None:
    phone.send(text="Hi")
    phone.wait_interactive("button")
    phone.send(button_id=f"lang:{lang}")
    phone.wait_interactive("list")


def _summary(phone: LivePhone) -> str:
    """Everything the citizen reads from the last answer up to the Submit button."""
    phone.wait_for(lambda b: "flow:submit" in choice_ids(b), what="summary")
    return "\n".join(body_text(b) for b in phone.outbox()[phone.seen :])


def _billed(phone: LivePhone) -> tuple[str, int]:
    bill = phone.wait_interactive("order_details")
    order = bill["interactive"]["action"]["parameters"]
    return order_reference(bill), int(order["total_amount"]["value"])


def _after(phone: LivePhone, fragment: str) -> Body:
    return phone.wait_text(fragment)


def test_bus_summary_in_telugu_names_the_route_and_shows_the_fare_before_paying(
    tmp_path: Path,
) -> None:
    day = clock.to_ist(clock.now()).date() + timedelta(days=4)
    with live_server(tmp_path) as server, server.client(timeout=30) as client:
        phone = LivePhone(client, "919700000401", "Sita")
        _start(phone, "te")
        phone.open_service("bus ticket", "apsrtc.book_ticket")
        phone.choose("VJA")
        phone.choose("TPTY")
        phone.choose(day.isoformat())
        phone.choose("VJA-TPTY-2100")
        phone.choose("window")
        for index, (name, age, gender) in enumerate(
            (("Sita Devi", "34", "female"), ("Ravi", "8", "male"))
        ):
            if index:
                phone.choose("yes")
            phone.wait_text("ప్రయాణికుని పేరు")
            phone.send(text=name)
            phone.wait_text("వయస్సు")
            phone.send(text=age)
            phone.choose(gender)
        phone.choose("no")
        phone.choose("none")
        summary = _summary(phone)
        assert not CODES.search(summary), summary
        assert "విజయవాడ (పీఎన్‌బీఎస్) → తిరుపతి, ఇంద్ర ఏసీ 21:00" in summary, summary
        assert date_words(day, "te") in summary, summary
        assert "కిటికీ పక్కన" in summary and "స్త్రీ" in summary, summary

        phone.choose("flow:submit")
        held = body_text(_after(phone, "మీ కోసం"))
        order_id, total = _billed(phone)
        # the fare shown before Submit is what is billed, written the Indian way
        assert f"*{money(total)}*" in summary, (money(total), summary)
        assert "+" in summary  # a child's half fare is shown beside the adult's
        assert "ఇంద్ర ఏసీ 21:00" in held and date_words(day, "te") in held, held
        assert not CODES.search(held), held

        phone.pay(order_id)
        confirmed = body_text(_after(phone, "ఖరారైంది"))
        assert "తిరుపతి" in confirmed and date_words(day, "te") in confirmed, confirmed
        assert not CODES.search(confirmed), confirmed


def _book_darshan(phone: LivePhone, day: date, prompts: tuple[str, str], ids: str) -> str:
    phone.open_service("darshan", "endowments.book_darshan")
    phone.choose("srisailam")
    phone.choose("sheeghra")
    phone.choose(day.isoformat())
    phone.choose("09:00")
    for index, (name, id_type, last4) in enumerate(
        (("Lakshmi Devi", "aadhaar", f"{ids}21"), ("Venkata Rao", "voter", f"{ids}10"))
    ):
        if index:
            phone.choose("yes")
        phone.wait_text(prompts[0])
        phone.send(text=name)
        phone.choose(id_type)
        phone.wait_text(prompts[1])
        phone.send(text=last4)
    phone.choose("no")
    return _summary(phone)


def test_darshan_summary_names_the_temple_and_darshan_in_each_language(tmp_path: Path) -> None:
    day = clock.to_ist(clock.now()).date() + timedelta(days=2)
    with live_server(tmp_path) as server, server.client(timeout=30) as client:
        for number, lang, temple, darshan, prompts in (
            (
                "919700000402",
                "en",
                "Srisailam Mallikarjuna Swamy",
                "Sheeghra darshan",
                "Name as on",
            ),
            ("919700000403", "te", "శ్రీశైలం మల్లికార్జున స్వామి", "శీఘ్ర దర్శనం", ("ఉన్నట్లు పేరు", "చివరి 4")),
        ):
            phone = LivePhone(client, number, "Lakshmi")
            _start(phone, lang)
            summary = _book_darshan(phone, day, prompts, number[-2:])
            assert temple in summary and darshan in summary, summary
            assert date_words(day, lang) in summary, summary
            assert not CODES.search(summary), summary
            phone.choose("flow:submit")
            _, total = _billed(phone)
            assert f"*{money(total)}*" in summary and "× 2" in summary, (money(total), summary)
