"""Journeys through the simulator API on a live platform: pay a power bill, a property tax
and a traffic challan; the receipt arrives, and the department's record then shows it paid."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.live import live_server
from tests.support.phone import LivePhone, order_reference


@pytest.mark.parametrize(
    ("query", "service", "account", "paid_line"),
    [
        ("APSPDCL electricity bill", "apspdcl.pay_bill", "1121402007781", "paid for 1121402007781"),
        ("property tax", "municipal.pay_property_tax", "1086023456", "paid for 1086023456"),
        ("challan", "police.pay_echallan", "AP 39 AB 1234", "paid for AP39AB1234"),
    ],
)
def test_pay_inside_the_chat_and_the_department_shows_it_paid(
    tmp_path: Path, query: str, service: str, account: str, paid_line: str
) -> None:
    with live_server(tmp_path) as server, server.client(timeout=30) as client:
        phone = LivePhone(client, "919700000101", "Ravi")
        phone.start_in_english()
        phone.open_service(query, service)
        phone.wait_for(lambda b: b.get("type") == "text", what="the question")
        phone.send(text=account)
        bill = phone.wait_interactive("order_details")
        parameters = bill["interactive"]["action"]["parameters"]
        assert parameters["total_amount"]["offset"] == 100
        assert parameters["total_amount"]["value"] > 0
        order_id = order_reference(bill)

        paid = phone.pay(order_id)
        assert paid["status"] == "captured"
        status = phone.wait_interactive("order_status")
        assert status["interactive"]["action"]["parameters"]["order"]["status"] == "completed"
        phone.wait_text(paid_line)
        receipt = phone.wait_for(lambda b: b.get("type") == "document", what="receipt")
        assert receipt["document"]["filename"].startswith("receipt-")

        # The department's record now shows it paid: nothing due any more.
        phone.send(text="menu")
        phone.wait_interactive("list")
        phone.open_service(query, service)
        phone.wait_for(lambda b: b.get("type") == "text", what="the question")
        phone.send(text=account)
        phone.wait_text("Nothing is due")
