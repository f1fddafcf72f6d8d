"""Journeys through the simulator API: book a darshan and a seva with pilgrims' names and
photo-ID digits, pay, and receive the e-ticket; the same ID cannot book twice that day."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from manamitra import clock
from tests.support.live import live_server
from tests.support.phone import LivePhone, order_reference


def _book(
    phone: LivePhone,
    *,
    query: str,
    service: str,
    temple: str,
    offering: str,
    day: str,
    slot: str,
    pilgrims: list[tuple[str, str, str]],
) -> None:
    phone.open_service(query, service)
    phone.choose(temple)
    phone.choose(offering)
    phone.choose(day)
    phone.choose(slot)
    for index, (name, id_type, last4) in enumerate(pilgrims):
        if index:
            phone.choose("yes")
        phone.wait_text("Name as on the photo ID")
        phone.send(text=name)
        phone.choose(id_type)
        phone.wait_text("Last 4")
        phone.send(text=last4)
    phone.choose("no")
    phone.choose("flow:submit")


@pytest.mark.parametrize(
    ("query", "service", "temple", "offering", "slot", "persons"),
    [
        ("darshan", "endowments.book_darshan", "srisailam", "sheeghra", "09:00", 2),
        ("seva", "endowments.book_seva", "kanaka_durga", "kumkumarchana", "08:00", 1),
    ],
)
def test_book_and_pay_a_darshan_or_seva(
    tmp_path: Path, query: str, service: str, temple: str, offering: str, slot: str, persons: int
) -> None:
    day = (clock.to_ist(clock.now()).date() + timedelta(days=2)).isoformat()
    pilgrims = [("Lakshmi Devi", "aadhaar", "4821"), ("Venkata Rao", "voter", "7710")][:persons]
    with live_server(tmp_path) as server, server.client(timeout=30) as client:
        phone = LivePhone(client, "919700000301", "Lakshmi")
        phone.start_in_english()
        _book(
            phone,
            query=query,
            service=service,
            temple=temple,
            offering=offering,
            day=day,
            slot=slot,
            pilgrims=pilgrims,
        )
        phone.wait_text("is held for you")
        bill = phone.wait_interactive("order_details")
        items = bill["interactive"]["action"]["parameters"]["order"]["items"]
        assert items[0]["quantity"] == persons
        phone.pay(order_reference(bill))
        phone.wait_text("is confirmed")
        ticket = phone.wait_for(lambda b: b.get("type") == "document", what="e-ticket")
        assert ticket["document"]["filename"].startswith("ticket-TMP")

        # The same pilgrim cannot book the same temple twice that day.
        phone.send(text="menu")
        phone.wait_interactive("list")
        _book(
            phone,
            query=query,
            service=service,
            temple=temple,
            offering=offering,
            day=day,
            slot=slot,
            pilgrims=pilgrims[:1],
        )
        phone.wait_text("already has a booking that day")
