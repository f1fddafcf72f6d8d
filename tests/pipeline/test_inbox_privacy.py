"""No Aadhaar number reaches the inbox or the outbox in clear, whatever kind of message carried
it; the Aadhaar step still gets the number as typed."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from manamitra.channels.whatsapp.parse import parse_payload
from manamitra.messaging.inbound import Inbound
from manamitra.messaging.outbox import enqueue
from manamitra.messaging.reply import Text
from manamitra.pipeline.inbox_store import store_events
from manamitra.privacy import Cipher
from manamitra.store import Database

FIXTURES = Path(__file__).parents[1] / "channels" / "whatsapp" / "fixtures"
FORMS = ("561280370957", "5612 8037 0957", "5612-8037-0957")

Message = dict[str, Any]


def _set_text(m: Message, number: str) -> None:
    m["text"]["body"] = f"my aadhaar is {number}"


def _set_caption(kind: str) -> Callable[[Message, str], None]:
    def change(m: Message, number: str) -> None:
        m[kind]["caption"] = f"aadhaar {number}"
        m[kind]["filename"] = f"aadhaar_{number}.pdf"

    return change


def _set_button_reply(m: Message, number: str) -> None:
    m["interactive"]["button_reply"].update(id=f"id {number}", title=number)


def _set_list_reply(m: Message, number: str) -> None:
    m["interactive"]["list_reply"].update(title=number, description=f"no. {number}")


def _set_flow_reply(m: Message, number: str) -> None:
    response = {"flow_token": "app-1", "aadhaar": number, "as_number": int(FORMS[0])}
    m["interactive"]["nfm_reply"]["response_json"] = json.dumps(response)


def _set_quick_reply(m: Message, number: str) -> None:
    m["button"].update(payload=f"AADHAAR_{number}", text=number)


def _set_contact(m: Message, number: str) -> None:
    m["contacts"][0]["name"]["formatted_name"] = f"Sita {number}"


def _set_order_note(m: Message, number: str) -> None:
    m["order"]["text"] = f"for {number}"


def _set_location(m: Message, number: str) -> None:
    m["location"].update(name=f"house {number}", address=f"door {number}")


CASES: dict[str, Callable[[Message, str], None]] = {
    "text": _set_text,
    "image": _set_caption("image"),
    "document": _set_caption("document"),
    "video": _set_caption("video"),
    "interactive-button-reply": _set_button_reply,
    "interactive-list-reply": _set_list_reply,
    "interactive-nfm-reply": _set_flow_reply,
    "button-template-quick-reply": _set_quick_reply,
    "contacts": _set_contact,
    "order": _set_order_note,
    "location": _set_location,
}


def _webhook_body(fixture: str, number: str, index: int) -> dict[str, Any]:
    body = json.loads((FIXTURES / f"{fixture}.json").read_text())
    value = body["entry"][0]["changes"][0]["value"]
    message = value["messages"][0]
    message["id"] = f"wamid.privacy.{fixture}.{index}"
    CASES[fixture](message, number)
    value["contacts"][0]["profile"]["name"] = f"Ravi {number}"
    return body


def _stored_text(database: Database) -> str:
    """Every stored inbox and conversation value, as the database holds it."""
    with database.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT CAST(payload AS TEXT) FROM inbound_message"
                " UNION ALL SELECT profile_name FROM conversation"
            )
        ).scalars()
        return "\n".join(row or "" for row in rows)


@pytest.mark.parametrize("fixture", sorted(CASES))
def test_no_message_type_stores_an_aadhaar_number_in_clear(
    database: Database, fixture: str
) -> None:
    cipher = Cipher(os.urandom(32))
    for index, number in enumerate(FORMS):
        events = parse_payload(_webhook_body(fixture, number, index))
        store_events(database, events.messages, cipher=cipher)
    stored = _stored_text(database)
    assert "XXXX XXXX 0957" in stored
    for number in FORMS:
        assert number not in stored
    assert "5612" not in stored.replace("XXXX XXXX 0957", "")


def test_the_typed_text_is_kept_sealed_for_the_aadhaar_step(database: Database) -> None:
    cipher = Cipher(os.urandom(32))
    events = parse_payload(_webhook_body("text", "5612 8037 0957", 0))
    store_events(database, events.messages, cipher=cipher)
    with database.engine.connect() as conn:
        payload = conn.execute(text("SELECT payload FROM inbound_message")).scalar_one()
    inbound = Inbound.from_json(payload if isinstance(payload, dict) else json.loads(payload))
    assert inbound.text == "my aadhaar is XXXX XXXX 0957"
    assert inbound.sealed is not None
    assert cipher.open_message(inbound.sealed) == "my aadhaar is 5612 8037 0957"


def test_messages_without_an_aadhaar_number_are_stored_as_sent(database: Database) -> None:
    events = parse_payload(_webhook_body("text", "919876543210", 0))
    store_events(database, events.messages, cipher=Cipher(os.urandom(32)))
    stored = _stored_text(database)
    assert "my aadhaar is 919876543210" in stored
    assert '"sealed":null' in stored.replace(" ", "")


def test_a_payment_reference_that_looks_like_an_aadhaar_number_reaches_the_engine_as_sent(
    database: Database,
) -> None:
    body = json.loads((FIXTURES / "status-payment-captured.json").read_text())
    status = body["entry"][0]["changes"][0]["value"]["statuses"][0]
    status["payment"]["transaction"]["id"] = FORMS[0]  # a UPI reference: twelve digits
    events = parse_payload(body)
    store_events(database, events.messages, cipher=Cipher(os.urandom(32)))
    with database.engine.connect() as conn:
        payload = conn.execute(text("SELECT payload FROM inbound_message")).scalar_one()
    inbound = Inbound.from_json(payload if isinstance(payload, dict) else json.loads(payload))
    assert inbound.extra["payment"]["transaction_id"] == FORMS[0]


def test_a_reply_an_officer_wrote_with_an_aadhaar_number_is_queued_masked(
    database: Database,
) -> None:
    with database.unit_of_work() as session:
        enqueue(session, "919876543210", [Text("Aadhaar 5612-8037-0957 is now linked")])
    with database.engine.connect() as conn:
        body = conn.execute(text("SELECT CAST(body AS TEXT) FROM outbound_message")).scalar_one()
    assert "Aadhaar XXXX XXXX 0957 is now linked" in body
    assert "5612-8037-0957" not in body
