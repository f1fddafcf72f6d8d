"""Journey through the simulator API: book an APSRTC seat, pay, receive the e-ticket, cancel
it and get the refund the rule gives (90 % when cancelled 48 hours or more ahead)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from manamitra import clock
from manamitra.payments import ledger
from manamitra.payments.reconcile import reconcile
from manamitra.store import Database
from manamitra.store.models import Booking
from tests.support.live import live_server
from tests.support.phone import LivePhone, order_reference


def test_book_pay_receive_and_cancel_a_bus_ticket(tmp_path: Path) -> None:
    travel = (clock.to_ist(clock.now()).date() + timedelta(days=4)).isoformat()
    with live_server(tmp_path) as server, server.client(timeout=30) as client:
        phone = LivePhone(client, "919700000201", "Sita")
        phone.start_in_english()
        phone.open_service("bus ticket", "apsrtc.book_ticket")
        phone.choose("VJA")
        phone.choose("VSKP")
        phone.choose(travel)
        phone.choose("VJA-VSKP-0600")
        phone.choose("window")
        phone.wait_text("Passenger's name")
        phone.send(text="Sita Devi")
        phone.wait_text("Age")
        phone.send(text="34")
        phone.choose("female")
        phone.choose("no")  # no other passenger
        phone.choose("none")  # no concession
        phone.choose("flow:submit")
        held = phone.wait_text("is held for you")
        assert "Seats: " in held["text"]["body"]
        bill = phone.wait_interactive("order_details")
        order_id = order_reference(bill)

        phone.pay(order_id)
        phone.wait_interactive("order_status")
        confirmed = phone.wait_text("is confirmed")
        ticket = phone.wait_for(lambda b: b.get("type") == "document", what="e-ticket")
        assert ticket["document"]["filename"].startswith("ticket-APT")
        reference = confirmed["text"]["body"].split("*")[1]

        phone.send(text="menu")
        phone.wait_interactive("list")
        phone.open_service("cancel bus ticket", "apsrtc.cancel_ticket")
        phone.choose(reference)
        phone.choose("flow:submit")
        cancelled = phone.wait_text("is cancelled")
        assert "90%" in cancelled["text"]["body"]

        database = Database(server.settings.database_url)
        try:
            with database.unit_of_work() as db:
                booking = db.scalars(select(Booking).where(Booking.id == reference)).one()
                assert booking.status == "cancelled"
                assert booking.refund_paise == booking.amount_paise * 90 // 100
                assert (
                    ledger.net_for_order(db, order_id)
                    == booking.amount_paise - booking.refund_paise
                )
                gateway = server.app.state.runtime.parts.payments.gateway
                assert reconcile(db, gateway).unexplained == 0
        finally:
            database.dispose()
