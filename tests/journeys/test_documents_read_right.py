"""Journeys through the simulator API that read the PDF a citizen receives (pdftotext), in
Telugu and in English: a bus ticket is a bus ticket (route, departure in IST, service, seat,
passengers, fare), a darshan ticket sends pilgrims to the temple entrance, and a bill's receipt
is made out to the bill holder the department's record names."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from manamitra import clock
from manamitra.formatting import money
from tests.support.live import live_server
from tests.support.phone import Body, LivePhone, body_text, order_reference


def _pdf_text(client: httpx.Client, document: Body, tmp_path: Path) -> str:
    """The delivered document's text as pdftotext reads it, whitespace removed (pdftotext
    splits Telugu where HarfBuzz moved a vowel sign; the characters are what count)."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed (Debian: poppler-utils)")
    response = client.get(f"/sandbox/api/media/{document['document']['id']}")
    assert response.status_code == 200
    path = tmp_path / "delivered.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return re.sub(r"\s+", "", text)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _start(phone: LivePhone, lang: str) -> None:
    phone.send(text="Hi")
    phone.wait_interactive("button")
    phone.send(button_id=f"lang:{lang}")
    phone.wait_interactive("list")


def _document(phone: LivePhone) -> Body:
    return phone.wait_for(lambda b: b.get("type") == "document", what="the document")


def _paid_total(bill: Body) -> int:
    total = bill["interactive"]["action"]["parameters"]["total_amount"]
    return int(total["value"]) * 100 // int(total["offset"])


@pytest.mark.parametrize(("lang", "typed_name"), [("te", "రవి కుమార్"), ("en", "Ravi Kumar")])
def test_a_bus_ticket_names_route_departure_service_seat_passenger_and_fare(
    tmp_path: Path, lang: str, typed_name: str
) -> None:
    travel = clock.to_ist(clock.now()).date() + timedelta(days=4)
    with live_server(tmp_path) as server, server.client(timeout=30) as client:
        phone = LivePhone(client, "919700000211", "Ravi")
        _start(phone, lang)
        phone.open_service("bus ticket", "apsrtc.book_ticket")
        phone.choose("VJA")
        phone.choose("VSKP")
        phone.choose(travel.isoformat())
        phone.choose("VJA-VSKP-2100")
        phone.choose("window")
        phone.wait_for(lambda b: b.get("type") == "text", what="the name question")
        phone.send(text=typed_name)
        phone.wait_for(lambda b: b.get("type") == "text", what="the age question")
        phone.send(text="34")
        phone.choose("male")
        phone.choose("no")
        phone.choose("none")
        phone.choose("flow:submit")
        bill = phone.wait_interactive("order_details")
        fare = _paid_total(bill)
        phone.pay(order_reference(bill))
        confirmed = phone.wait_for(lambda b: "✅" in body_text(b), what="the confirmation")
        seat = re.search(r"(?:Seats|సీట్లు): (\d+)", body_text(confirmed))
        assert seat, body_text(confirmed)
        text = _pdf_text(client, _document(phone), tmp_path)

    departure = f"{travel:%d-%m-%Y}09:00PM"
    assert "BUSTICKET" in text and "బస్టికెట్" in text
    assert "ENTRYTICKET" not in text
    # the English half is all Latin, whatever script the name was typed in
    assert (
        f"FromVijayawada(PNBS)toVisakhapatnam(Dwaraka),busleaving{departure},seatno.{seat[1]}."
        in text
    )
    assert "Name:" in text and "/RaviKumar" in text
    # who travels, in each script, whichever one the name was typed in
    assert "ప్రయాణికులు/Passengersరవికుమార్(34)/RaviKumar(34)" in text
    # the Telugu half keeps its glyphs after a line that opens in Latin digits
    assert f"విజయవాడ(పీఎన్‌బీఎస్)నుండివిశాఖపట్నం(ద్వారకా)వరకు,{departure}కిబయలుదేరే" in text
    assert "కండక్టర్‌కుచూపించండి." in text
    assert "ఇంద్రఏసీ/IndraAC" in text  # the service's name, never its code
    assert "VJA-VSKP" not in text
    assert f"ఛార్జీ/Fare{_squash(money(fare))}" in text


@pytest.mark.parametrize(("lang", "typed_name"), [("te", "లక్ష్మి దేవి"), ("en", "Lakshmi Devi")])
def test_a_darshan_ticket_and_its_confirmation_send_pilgrims_to_the_temple_entrance(
    tmp_path: Path, lang: str, typed_name: str
) -> None:
    day = clock.to_ist(clock.now()).date() + timedelta(days=2)
    with live_server(tmp_path) as server, server.client(timeout=30) as client:
        phone = LivePhone(client, "919700000311", "Lakshmi")
        _start(phone, lang)
        phone.open_service("darshan", "endowments.book_darshan")
        phone.choose("srisailam")
        phone.choose("sheeghra")
        phone.choose(day.isoformat())
        phone.choose("09:00")
        phone.wait_for(lambda b: b.get("type") == "text", what="the name question")
        phone.send(text=typed_name)
        phone.choose("aadhaar")
        phone.wait_for(lambda b: b.get("type") == "text", what="the ID question")
        phone.send(text="4821")
        phone.choose("no")
        phone.choose("flow:submit")
        held = phone.wait_text("TMP")
        bill = phone.wait_interactive("order_details")
        phone.pay(order_reference(bill))
        confirmed = body_text(phone.wait_for(lambda b: "✅" in body_text(b), what="confirmed"))
        text = _pdf_text(client, _document(phone), tmp_path)

    for message in (body_text(held), confirmed):
        assert ": -" not in message  # no "Seats: -" for a darshan
    assert "conductor" not in confirmed and "కండక్టర్" not in confirmed
    entrance = "ఆలయ ప్రవేశ ద్వారం" if lang == "te" else "temple entrance"
    assert entrance in confirmed
    assert "TEMPLEDARSHANTICKET" in text and "ENTRYTICKET" not in text
    assert "శ్రీశైలంమల్లికార్జునస్వామి/SrisailamMallikarjunaSwamy" in text
    assert "శీఘ్రదర్శనం/Sheeghradarshan" in text
    assert f"{day:%d-%m-%Y}09:00AM" in text
    assert "Showthisticketandeachpilgrim'sphotoIDatthetempleentrance." in text
    assert "ఆలయప్రవేశద్వారంవద్దచూపించండి." in text
    assert "భక్తులపేర్లు/Pilgrims'namesలక్ష్మిదేవి/LakshmiDevi" in text
    assert "conductor" not in text


def test_a_bills_receipt_is_made_out_to_the_bill_holder_and_its_service_fits(
    tmp_path: Path,
) -> None:
    with live_server(tmp_path) as server, server.client(timeout=30) as client:
        phone = LivePhone(client, "919700000111", "Ravi")
        _start(phone, "en")
        phone.open_service("APSPDCL electricity bill", "apspdcl.pay_bill")
        phone.wait_for(lambda b: b.get("type") == "text", what="the question")
        phone.send(text="1121402007781")
        bill = phone.wait_interactive("order_details")
        phone.pay(order_reference(bill))
        receipt = _document(phone)
        text = _pdf_text(client, receipt, tmp_path)

    # the consumer the discom's record names, in both scripts; not the payer's phone number
    assert "పేరు/Name:ఎస్.లక్ష్మీదేవి/S.LakshmiDevi" in text
    assert "ReceivedfromS.LakshmiDevi" in text
    assert "919700000111" not in text
    # the service line wraps inside the table instead of running off the page
    assert "APSPDCL(SouthernPower)1121402007781" in text.split("సేవ/Service")[1]
    # the stamp names the office, not its code
    assert "AP-PAY" not in text
    assert "MANAMITRA" in text
