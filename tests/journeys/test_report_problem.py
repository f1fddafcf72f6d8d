"""Journeys through the simulator API: a street water complaint reaches the local body that
owns the place (the gram panchayat of a village, the corporation of a town), and the citizen
is told which office has it and by when; a location shared before tapping "Share location",
or at the menu, is taken; a pin that names no mandal is followed by the mandal question."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from manamitra.formatting import date_words
from manamitra.store import Database
from manamitra.store.models import Grievance
from tests.support.live import live_server
from tests.support.phone import Phone, body_text, choice_ids

GUNTUR_TOWN = {"latitude": 16.3067, "longitude": 80.4365}
BETWEEN_TOWNS = {"latitude": 16.38, "longitude": 80.52}  # fields near Guntur, no address


def _start(phone: Phone, lang: str) -> None:
    phone.say("Hi")
    phone.tap(f"lang:{lang}")


def _water_complaint_until_the_place(phone: Phone) -> list[str]:
    phone.send(text="water supply")
    phone.tap("svc:grievances.water_supply")
    phone.say("No drinking water in our street for three days")
    return [body_text(b) for b in phone.tap("opt:no")]  # no photos; "Where is the problem?"


def _through_review(phone: Phone, replies: list[dict[str, object]]) -> list[dict[str, object]]:
    """Every submission is reviewed first: confirm the review when it is shown."""
    if any("flow:submit" in choice_ids(b) for b in replies):  # type: ignore[arg-type]
        return phone.tap("flow:submit", replies)  # type: ignore[arg-type]
    return replies


def _said(replies: list[dict[str, object]]) -> str:
    return "\n".join(body_text(b) for b in replies)  # type: ignore[arg-type]


def _registered(database: Database, citizen: str) -> Grievance:
    with database.unit_of_work() as db:
        row = db.scalars(select(Grievance).where(Grievance.citizen == citizen)).one()
        db.expunge(row)
        return row


def test_water_complaint_goes_to_the_local_body_and_says_where_and_by_when(
    tmp_path: Path,
) -> None:
    with live_server(tmp_path) as server, server.client(timeout=30) as client:
        database = Database(server.settings.database_url)
        try:
            village = Phone(client, "919700000501", "Ravi")
            _start(village, "en")
            _water_complaint_until_the_place(village)
            village.tap("opt:pick")
            village.say("Guntur")
            village.say("Tenali")
            ack = _said(_through_review(village, village.say("Chinnapuram")))
            row = _registered(database, village.number)
            assert row.office_id == "panchayat_raj.guntur.tenali.chinnapuram"
            assert "Sent to: Gram Panchayat, Chinnapuram (Tenali mandal)" in ack, ack
            assert date_words(row.due_at, "en") in ack, ack

            town = Phone(client, "919700000502", "Lakshmi")
            _start(town, "te")
            _water_complaint_until_the_place(town)
            town.tap("opt:pin")
            ack = _said(_through_review(town, town.send(location=GUNTUR_TOWN)))
            row = _registered(database, town.number)
            assert row.office_id == "municipal.guntur.guntur"
            assert "పంపిన కార్యాలయం: గుంటూరు నగరపాలక సంస్థ" in ack, ack
            assert date_words(row.due_at, "te") in ack, ack
        finally:
            database.dispose()


def test_a_pin_that_names_no_mandal_is_followed_by_the_mandal_question(tmp_path: Path) -> None:
    with live_server(tmp_path) as server, server.client(timeout=30) as client:
        database = Database(server.settings.database_url)
        try:
            phone = Phone(client, "919700000503", "Ravi")
            _start(phone, "en")
            _water_complaint_until_the_place(phone)
            phone.tap("opt:pin")
            asked = _through_review(phone, phone.send(location=BETWEEN_TOWNS))
            assert "which mandal" in _said(asked), _said(asked)
            mandals = [c for b in asked for c in choice_ids(b)]
            assert "opt:guntur.pedakakani" in mandals, mandals
            phone.tap("opt:guntur.pedakakani")
            ack = _said(_through_review(phone, phone.say("skip")))  # no village named
            row = _registered(database, phone.number)
            assert row.office_id == "panchayat_raj.guntur.pedakakani", ack
            assert "Mandal Parishad Development Officer, Pedakakani" in ack, ack
            assert row.latitude == BETWEEN_TOWNS["latitude"]  # the pin is kept for the officer
        finally:
            database.dispose()


def test_a_location_shared_instead_of_tapping_share_location_is_taken(tmp_path: Path) -> None:
    with live_server(tmp_path) as server, server.client(timeout=30) as client:
        database = Database(server.settings.database_url)
        try:
            for number, lang, received in (
                ("919700000504", "en", "Location received"),
                ("919700000505", "te", "ప్రదేశం అందింది"),
            ):
                phone = Phone(client, number, "Ravi")
                _start(phone, lang)
                _water_complaint_until_the_place(phone)
                shared = phone.send(location=GUNTUR_TOWN)  # no tap on "Share location"
                assert received in _said(shared), _said(shared)
                _through_review(phone, shared)
                assert _registered(database, number).office_id == "municipal.guntur.guntur"
        finally:
            database.dispose()


def test_a_location_at_the_menu_offers_the_place_services_and_is_kept(tmp_path: Path) -> None:
    with live_server(tmp_path) as server, server.client(timeout=30) as client:
        database = Database(server.settings.database_url)
        try:
            phone = Phone(client, "919700000506", "Lakshmi")
            _start(phone, "te")
            offered = phone.send(location=GUNTUR_TOWN)
            ids = [c for b in offered for c in choice_ids(b)]
            assert "svc:grievances.water_supply" in ids, _said(offered)
            phone.tap("svc:grievances.water_supply")
            phone.say("మా వీధిలో మూడు రోజులుగా తాగునీరు రావడం లేదు")
            ack = _said(_through_review(phone, phone.tap("opt:no")))  # the place is not asked again
            assert "GRV-" in ack, ack
            assert _registered(database, phone.number).office_id == "municipal.guntur.guntur"
        finally:
            database.dispose()
