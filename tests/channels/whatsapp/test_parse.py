"""Every fixture parses to the right channel-neutral events; malformed bodies are refused."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import orjson
import pytest

from manamitra.alerts.account import TemplateStatus
from manamitra.channels.whatsapp.parse import (
    INTERACTIVE_TYPES,
    MESSAGE_TYPES,
    SUPPORTED_MESSAGE_TYPES,
    WebhookEvents,
    parse_body,
    parse_payload,
)
from manamitra.errors import PayloadError
from manamitra.messaging.inbound import Inbound, Location
from tests.channels.whatsapp import fixtures

RAVI = "919876543210"


def only(events: WebhookEvents) -> Inbound:
    assert len(events.messages) == 1
    assert not events.statuses
    received = events.messages[0]
    assert received.phone_number_id == "106540352242922"
    return received.inbound


def check_text(e: WebhookEvents) -> None:
    m = only(e)
    assert (m.kind, m.text, m.citizen) == ("text", "Hi", RAVI)
    assert m.message_id == "wamid.HBgMOTE5ODc2NTQzMjEwFQIAEhgUTEXT01"
    assert m.sent_at == datetime(2025, 11, 28, 14, 26, 40, tzinfo=UTC)
    assert (m.profile_name, m.business_user_id) == ("Ravi Kumar", "IN.1234567890123456")


def check_text_telugu(e: WebhookEvents) -> None:
    assert only(e).text == "నాకు ఆదాయ ధృవీకరణ పత్రం కావాలి"


def check_text_unknown_fields(e: WebhookEvents) -> None:
    m = only(e)
    assert (m.kind, m.text) == ("text", "Hi")


def check_button(e: WebhookEvents) -> None:
    m = only(e)
    assert (m.kind, m.choice_id, m.choice_title) == ("choice", "lang:te", "తెలుగు")
    assert m.reply_to == "wamid.HBgMOTE5ODc2NTQzMjEwFQIAERgSOUTBOUND1"


def check_list(e: WebhookEvents) -> None:
    m = only(e)
    assert (m.kind, m.choice_id, m.choice_title) == (
        "choice",
        "svc:revenue.income",
        "Income certificate",
    )
    assert m.extra == {"description": "Revenue department"}


def check_flow(e: WebhookEvents) -> None:
    m = only(e)
    assert m.kind == "flow"
    assert m.extra["flow_response"] == {"flow_token": "app-123", "district": "Guntur"}


def check_quick_reply(e: WebhookEvents) -> None:
    m = only(e)
    assert (m.kind, m.choice_id, m.choice_title) == ("choice", "STATUS_APP_123", "Check status")
    assert m.reply_to == "wamid.HBgMOTE5ODc2NTQzMjEwFQIAERgSOUTBOUND1"


def check_image(e: WebhookEvents) -> None:
    m = only(e)
    assert m.kind == "image" and m.media is not None
    assert (m.media.id, m.media.mime_type) == ("1003383421387256", "image/jpeg")
    assert m.media.caption == m.text == "pothole near bus stand"


def check_document(e: WebhookEvents) -> None:
    m = only(e)
    assert m.kind == "document" and m.media is not None
    assert (m.media.filename, m.media.mime_type) == ("rice-card.pdf", "application/pdf")


def check_audio(e: WebhookEvents) -> None:
    m = only(e)
    assert m.kind == "audio" and m.media is not None and m.media.voice is True


def check_video(e: WebhookEvents) -> None:
    m = only(e)
    assert m.kind == "video" and m.media is not None
    assert m.media.caption is None  # Meta sends "" for no caption


def check_sticker(e: WebhookEvents) -> None:
    m = only(e)
    assert m.kind == "sticker" and m.media is not None and m.media.mime_type == "image/webp"
    assert m.extra == {"animated": False}


def check_location(e: WebhookEvents) -> None:
    assert only(e).location == Location(
        16.5062, 80.648, "Benz Circle", "Vijayawada, Andhra Pradesh"
    )


def check_location_current(e: WebhookEvents) -> None:
    assert only(e).location == Location(17.6868, 83.2185)


def check_contacts(e: WebhookEvents) -> None:
    m = only(e)
    assert m.kind == "contacts"
    assert m.extra["contacts"][0]["name"] == "Sita Devi"
    assert m.extra["contacts"][0]["phones"][0]["wa_id"] == "919848022338"


def check_reaction(e: WebhookEvents) -> None:
    m = only(e)
    assert (m.kind, m.text, m.reply_to) == (
        "reaction",
        "👍",
        "wamid.HBgMOTE5ODc2NTQzMjEwFQIAERgSOUTBOUND1",
    )


def check_unsupported(e: WebhookEvents) -> None:
    m = only(e)
    assert m.kind == "unsupported"
    assert m.extra == {"type": "poll_update", "error_code": 131051}


def check_interactive_unknown(e: WebhookEvents) -> None:
    m = only(e)
    assert m.kind == "unsupported"
    assert m.extra == {"type": "interactive.call_permission_reply"}


def check_order(e: WebhookEvents) -> None:
    m = only(e)
    assert (m.kind, m.text) == ("order", "for the stall")
    assert m.extra["order"]["items"] == [
        {"retailer_id": "laddu-small", "quantity": 2, "item_price": 50.0, "currency": "INR"}
    ]


def check_system(e: WebhookEvents) -> None:
    m = only(e)
    assert m.kind == "unsupported" and m.profile_name is None
    assert m.extra["system"] == {"type": "user_changed_number", "new_wa_id": "919876500000"}


def check_status_sent(e: WebhookEvents) -> None:
    assert not e.messages
    [s] = e.statuses
    assert (s.message_id, s.status, s.recipient) == (
        "wamid.HBgMOTE5ODc2NTQzMjEwFQIAERgSOUTBOUND1",
        "sent",
        RAVI,
    )
    assert s.timestamp == datetime(2025, 11, 28, 14, 26, 41, tzinfo=UTC)


def check_status_delivered_read(e: WebhookEvents) -> None:
    assert [s.status for s in e.statuses] == ["delivered", "read"]


def check_status_failed(e: WebhookEvents) -> None:
    [s] = e.statuses
    assert (s.status, s.error_code, s.error_title) == ("failed", 131047, "Re-engagement message")


def check_status_played(e: WebhookEvents) -> None:
    [s] = e.statuses
    assert s.status == "played"


def check_payment_captured(e: WebhookEvents) -> None:
    m = only(e)
    assert m.kind == "order"
    assert m.message_id == "payment:wamid.HBgMOTE5ODc2NTQzMjEwFQIAERgSORDER0001:captured:1764340100"
    payment = m.extra["payment"]
    assert payment["status"] == "captured"
    assert (payment["reference_id"], payment["amount_paise"]) == ("MM-APSPDCL-000123", 45600)
    assert (payment["transaction_id"], payment["method"]) == ("pay_QhZ8x1b2c3d4e5", "upi")


def check_payment_failed(e: WebhookEvents) -> None:
    payment = only(e).extra["payment"]
    assert payment["status"] == "failed"
    assert payment["error"] == {"code": "BAD_REQUEST_ERROR", "reason": "payment_declined"}


def check_errors(e: WebhookEvents) -> None:
    assert not e.storable
    [err] = e.errors
    assert (err.code, err.title) == (130429, "Rate limit hit")
    assert err.details == "Cloud API message throughput has been reached."


def check_batch(e: WebhookEvents) -> None:
    assert [m.inbound.text for m in e.messages] == ["1", "2"]
    assert [s.status for s in e.statuses] == ["sent"]


def check_several_entries(e: WebhookEvents) -> None:
    assert [(m.inbound.citizen, m.inbound.text) for m in e.messages] == [
        (RAVI, "Hi"),
        (RAVI, "Hi"),
        ("919848012345", "నమస్కారం"),
    ]
    assert e.messages[2].inbound.profile_name == "లక్ష్మి"
    # a template's status is an account event for alerts (alerts/account.py), not ignored
    assert e.ignored == []
    assert e.account == [TemplateStatus(name="x", language="te", status="APPROVED", reason=None)]


def check_account_update(e: WebhookEvents) -> None:
    assert not e.storable
    assert e.ignored == ["account_update"]


EXPECTED: dict[str, Callable[[WebhookEvents], None]] = {
    "text": check_text,
    "text-telugu": check_text_telugu,
    "text-unknown-fields": check_text_unknown_fields,
    "interactive-button-reply": check_button,
    "interactive-list-reply": check_list,
    "interactive-nfm-reply": check_flow,
    "interactive-unknown-type": check_interactive_unknown,
    "button-template-quick-reply": check_quick_reply,
    "image": check_image,
    "document": check_document,
    "audio-voice-note": check_audio,
    "video": check_video,
    "sticker": check_sticker,
    "location": check_location,
    "location-current": check_location_current,
    "contacts": check_contacts,
    "reaction": check_reaction,
    "unsupported": check_unsupported,
    "order": check_order,
    "system-changed-number": check_system,
    "status-sent": check_status_sent,
    "status-delivered-read": check_status_delivered_read,
    "status-failed-131047": check_status_failed,
    "status-played": check_status_played,
    "status-payment-captured": check_payment_captured,
    "status-payment-failed": check_payment_failed,
    "errors-130429": check_errors,
    "batch-messages-and-statuses": check_batch,
    "batch-several-entries": check_several_entries,
    "account-update": check_account_update,
}


def test_every_fixture_has_an_expectation() -> None:
    assert sorted(EXPECTED) == fixtures.names()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_parses_to_expected_events(name: str) -> None:
    EXPECTED[name](parse_body(fixtures.raw(name)))


def _types_in_fixtures() -> set[str]:
    seen: set[str] = set()
    for name in fixtures.names():
        for entry in fixtures.data(name)["entry"]:
            for change in entry["changes"]:
                for message in change["value"].get("messages", []):
                    kind = message["type"]
                    if kind == "interactive":
                        kind = f"interactive.{message['interactive']['type']}"
                    seen.add(kind)
    return seen


def test_every_supported_message_type_has_a_fixture() -> None:
    missing = SUPPORTED_MESSAGE_TYPES - _types_in_fixtures()
    assert not missing, f"supported message types without a fixture: {sorted(missing)}"


def test_supported_types_are_derived_from_the_tables() -> None:
    assert "text" in MESSAGE_TYPES and "nfm_reply" in INTERACTIVE_TYPES
    assert "interactive.button_reply" in SUPPORTED_MESSAGE_TYPES
    assert "interactive" not in SUPPORTED_MESSAGE_TYPES


def test_inbound_round_trips_through_json() -> None:
    for name in fixtures.names():
        for received in parse_body(fixtures.raw(name)).messages:
            stored = orjson.loads(orjson.dumps(received.inbound.to_json()))
            assert Inbound.from_json(stored) == received.inbound


def _mutate(**changes: object) -> dict[str, object]:
    body = fixtures.data("text")
    message = body["entry"][0]["changes"][0]["value"]["messages"][0]
    for key, value in changes.items():
        if value is None:
            del message[key]
        else:
            message[key] = value
    return body


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"[1, 2]",
        b'{"object": "whatsapp_business_account"}',
        b'{"object": "whatsapp_business_account", "entry": "x"}',
    ],
    ids=["empty", "not-json", "array", "no-entry", "entry-not-list"],
)
def test_a_body_that_is_no_cloud_api_envelope_raises_payload_error(body: bytes) -> None:
    with pytest.raises(PayloadError):
        parse_body(body)


def _with_a_good_message_beside(bad: dict[str, object]) -> dict[str, object]:
    good = fixtures.data("text")["entry"][0]["changes"][0]["value"]["messages"][0]
    bad["entry"][0]["changes"][0]["value"]["messages"].append(  # type: ignore[index]
        {**good, "id": "wamid.the-good-one"}
    )
    return bad


@pytest.mark.parametrize(
    "changes",
    [
        {"id": None},
        {"timestamp": "yesterday"},
        {"text": None},
        {"from": "9" * 40},
        {"text": {"body": 12345678}},
        {"type": "text", "text": "not an object"},
    ],
    ids=[
        "no-id",
        "bad-timestamp",
        "text-without-text",
        "sender-too-long",
        "body-not-text",
        "text-not-object",
    ],
)
def test_a_malformed_message_is_skipped_and_its_neighbours_kept(changes: dict[str, object]) -> None:
    events = parse_body(orjson.dumps(_with_a_good_message_beside(_mutate(**changes))))
    assert [m.inbound.message_id for m in events.messages] == ["wamid.the-good-one"]
    assert len(events.skipped) == 1 and events.skipped[0].startswith("messages[0]")
    assert "12345678" not in events.skipped[0]


@pytest.mark.parametrize(
    "bad_status",
    [
        {"id": "wamid.X", "status": "weird", "timestamp": "1764340100", "recipient_id": "1"},
        {"id": None, "status": "read", "timestamp": "1764340100", "recipient_id": "1"},
        {"status": "read"},
        "not an object",
    ],
    ids=["unknown-value", "null-id", "no-id", "not-object"],
)
def test_a_malformed_status_is_skipped_and_the_rest_kept(bad_status: object) -> None:
    body = fixtures.data("text")
    value = body["entry"][0]["changes"][0]["value"]
    good = {"id": "wamid.OK", "status": "delivered", "timestamp": "1764340100", "recipient_id": "1"}
    value["statuses"] = [good, bad_status]
    events = parse_body(orjson.dumps(body))
    assert [s.message_id for s in events.statuses] == ["wamid.OK"]
    assert len(events.messages) == 1  # the text message beside them is kept too
    assert events.skipped and events.skipped[0].startswith("statuses[1]")


def test_other_objects_are_ignored() -> None:
    events = parse_payload({"object": "page", "entry": []})
    assert not events.storable and events.ignored == ["object:page"]
