"""Journeys through the simulator API: a power bill paid in Telugu and a bus seat booked in
English each end with one 1–10 list; the tap is thanked with the score, the comment typed
after it is kept, and a second tap on the same list rates nothing."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from manamitra import clock
from manamitra.ratings.prompt import t as rating_text
from manamitra.store import Database
from manamitra.store.models import ServiceRating
from tests.support.live import live_server
from tests.support.phone import LivePhone, choice_ids, order_reference


def _start(phone: LivePhone, lang: str) -> None:
    phone.send(text="Hi")
    phone.wait_interactive("button")
    phone.send(button_id=f"lang:{lang}")
    phone.wait_interactive("list")


def _rate(phone: LivePhone, lang: str, kind: str, order_id: str, score: int) -> None:
    """Rate from the list that came after the payment, comment, then try a second time."""
    row = f"rate:{kind}:{order_id}:{score}"
    listed = phone.wait_for(lambda b: row in choice_ids(b), what="the rating list")
    assert len(choice_ids(listed)) == 10
    phone.send(list_id=row)
    phone.wait_text(f"{score}/10")
    phone.send(text="Easy, took a minute")
    phone.wait_text(rating_text(lang, "comment_thanks"))
    phone.send(list_id=f"rate:{kind}:{order_id}:1")
    phone.wait_text(rating_text(lang, "already", what="X").split("X")[-1].strip())


def _stored(database_url: str, order_id: str) -> list[tuple[str, int, str | None]]:
    database = Database(database_url)
    try:
        with database.unit_of_work() as db:
            rows = db.scalars(select(ServiceRating).where(ServiceRating.subject_ref == order_id))
            return [(r.subject_kind, r.score, r.comment) for r in rows]
    finally:
        database.dispose()


def test_a_paid_bill_and_a_booked_seat_are_each_rated_once(tmp_path: Path) -> None:
    travel = (clock.to_ist(clock.now()).date() + timedelta(days=3)).isoformat()
    with live_server(tmp_path) as server, server.client(timeout=30) as client:
        payer = LivePhone(client, "919700000921", "Lakshmi")
        _start(payer, "te")
        payer.open_service("కరెంటు బిల్లు APSPDCL", "apspdcl.pay_bill")
        payer.wait_for(lambda b: b.get("type") == "text", what="the question")
        payer.send(text="1121402007781")
        bill = order_reference(payer.wait_interactive("order_details"))
        payer.pay(bill)
        payer.wait_for(lambda b: b.get("type") == "document", what="receipt")
        _rate(payer, "te", "payment", bill, 8)

        traveller = LivePhone(client, "919700000922", "Sita")
        traveller.start_in_english()
        traveller.open_service("bus ticket", "apsrtc.book_ticket")
        for option in ("VJA", "VSKP", travel, "VJA-VSKP-0600", "window"):
            traveller.choose(option)
        traveller.wait_text("Passenger's name")
        traveller.send(text="Sita Devi")
        traveller.wait_text("Age")
        traveller.send(text="34")
        for option in ("female", "no", "none", "flow:submit"):
            traveller.choose(option)
        seat = order_reference(traveller.wait_interactive("order_details"))
        traveller.pay(seat)
        traveller.wait_for(lambda b: b.get("type") == "document", what="e-ticket")
        _rate(traveller, "en", "booking", seat, 10)

        assert _stored(server.settings.database_url, bill) == [
            ("payment", 8, "Easy, took a minute")
        ]
        assert _stored(server.settings.database_url, seat) == [
            ("booking", 10, "Easy, took a minute")
        ]
