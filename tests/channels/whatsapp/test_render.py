"""Every Reply renders to the exact Graph API body; Meta's limits are refused, not cut."""

from __future__ import annotations

import typing
from datetime import UTC, datetime

import pytest

from manamitra import clock
from manamitra.channels.whatsapp.render import RENDERERS, RenderError, media_key, render
from manamitra.messaging import reply as r

TO = "919876543210"
BASE = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": TO}


def test_every_reply_type_has_a_renderer() -> None:
    assert set(typing.get_args(r.Reply)) == set(RENDERERS)


def test_a_voice_reply_is_an_audio_message_by_its_uploaded_media_id() -> None:
    reply = r.Audio(media_key="voice-reply:7")
    assert render(TO, reply, media_ids={"voice-reply:7": "1013859600285441"}) == {
        **BASE,
        "type": "audio",
        "audio": {"id": "1013859600285441"},
    }
    assert media_key(reply) == "voice-reply:7"


def test_text_never_asks_for_a_link_preview() -> None:
    assert render(TO, r.Text("నమస్కారం")) == {
        **BASE,
        "type": "text",
        "text": {"preview_url": False, "body": "నమస్కారం"},
    }


def test_buttons() -> None:
    reply = r.Buttons(
        "Choose your language / భాషను ఎంచుకోండి",
        (r.Choice("lang:te", "తెలుగు"), r.Choice("lang:en", "English")),
        header="Mana Mitra",
        footer="AP Govt",
    )
    assert render(TO, reply) == {
        **BASE,
        "type": "interactive",
        "interactive": {
            "type": "button",
            "header": {"type": "text", "text": "Mana Mitra"},
            "body": {"text": "Choose your language / భాషను ఎంచుకోండి"},
            "footer": {"text": "AP Govt"},
            "action": {
                "buttons": [
                    {"type": "reply", "reply": {"id": "lang:te", "title": "తెలుగు"}},
                    {"type": "reply", "reply": {"id": "lang:en", "title": "English"}},
                ]
            },
        },
    }


def test_list_shortens_only_descriptions() -> None:
    reply = r.ListMenu(
        "Pick a service",
        "Services",
        (
            r.Section("Revenue", (r.Choice("svc:income", "Income certificate", "d" * 100),)),
            r.Section("Power", (r.Choice("svc:bill", "Pay electricity bill"),)),
        ),
    )
    body = render(TO, reply)["interactive"]
    assert body["type"] == "list"
    assert body["action"]["button"] == "Services"
    first, second = body["action"]["sections"]
    assert first["title"] == "Revenue"
    row = first["rows"][0]
    assert row["title"] == "Income certificate"
    assert len(row["description"]) == 72 and row["description"].endswith("…")
    assert second["rows"] == [{"id": "svc:bill", "title": "Pay electricity bill"}]


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (r.Buttons("b", tuple(r.Choice(str(i), str(i)) for i in range(4))), "4 buttons"),
        (r.Buttons("b", ()), "0 buttons"),
        (r.Buttons("b", (r.Choice("a", "x" * 21),)), "button title"),
        (r.Buttons("b", (r.Choice("a", "A"), r.Choice("a", "B"))), "unique"),
        (r.Buttons("x" * 1025, (r.Choice("a", "A"),)), "body"),
        (r.Buttons("b", (r.Choice("a", "A"),), header="h" * 61), "header"),
        (r.Buttons("b", (r.Choice("a", "A"),), footer="f" * 61), "footer"),
        (
            r.ListMenu(
                "b", "Open", (r.Section("s", tuple(r.Choice(str(i), "t") for i in range(11))),)
            ),
            "11 rows",
        ),
        (r.ListMenu("b", "Open", (r.Section("s", (r.Choice("a", "x" * 25),)),)), "row title"),
        (r.ListMenu("b", "x" * 21, (r.Section("s", (r.Choice("a", "A"),)),)), "list button"),
        (r.ListMenu("b", "Open", ()), "sections"),
        (r.Text(""), "empty"),
        (r.Text("x" * 4097), "4096"),
        (r.CtaUrl("b", "x" * 21, "https://x.in"), "button text"),
        (r.CtaUrl("b", "Open", "javascript:alert(1)"), "http"),
        (r.OrderStatus("ref", "b", "lost"), "order status"),
    ],
    ids=lambda v: v if isinstance(v, str) else type(v).__name__,
)
def test_limits_raise_a_clear_error(reply: r.Reply, message: str) -> None:
    with pytest.raises(RenderError, match=message):
        render(TO, reply)


def test_document_and_image_are_sent_by_uploaded_id() -> None:
    ids = {"cert-1": "555", "img-1": "777"}
    doc = render(TO, r.Document("cert-1", "income.pdf", caption="Your certificate"), media_ids=ids)
    assert doc == {
        **BASE,
        "type": "document",
        "document": {"id": "555", "filename": "income.pdf", "caption": "Your certificate"},
    }
    assert render(TO, r.Image("img-1"), media_ids=ids) == {
        **BASE,
        "type": "image",
        "image": {"id": "777"},
    }
    assert media_key(r.Document("cert-1", "x.pdf")) == "cert-1"
    assert media_key(r.Text("x")) is None
    with pytest.raises(RenderError, match="not been uploaded"):
        render(TO, r.Image("other"), media_ids=ids)


def test_location_request_and_cta_url() -> None:
    assert render(TO, r.LocationRequest("Share where the pothole is"))["interactive"] == {
        "type": "location_request_message",
        "body": {"text": "Share where the pothole is"},
        "action": {"name": "send_location"},
    }
    cta = render(TO, r.CtaUrl("Track it", "Open", "https://example.gov.in/t/1"))
    assert cta["interactive"]["action"] == {
        "name": "cta_url",
        "parameters": {"display_text": "Open", "url": "https://example.gov.in/t/1"},
    }


def test_template_with_body_parameters() -> None:
    body = render(TO, r.Template("application_update", "te", ("APP-123", "ఆమోదించబడింది")))
    assert body == {
        **BASE,
        "type": "template",
        "template": {
            "name": "application_update",
            "language": {"code": "te"},
            "components": [
                {
                    "type": "body",
                    "parameters": [
                        {"type": "text", "text": "APP-123"},
                        {"type": "text", "text": "ఆమోదించబడింది"},
                    ],
                }
            ],
        },
    }
    assert "components" not in render(TO, r.Template("hello", "en"))["template"]


def test_order_details_follow_the_payments_india_shape(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 28, 10, 0, tzinfo=UTC))
    reply = r.OrderDetails(
        reference_id="MM-APSPDCL-000123",
        body="Electricity bill for November",
        items=(
            {"id": "bill-nov", "name": "Bill 11/2026", "amount_paise": 45000},
            {"id": "fee", "name": "Convenience fee", "amount_paise": 300, "quantity": 2},
        ),
        total_paise=45600,
        payment_configuration="apspdcl-upi",
        expiry_seconds=900,
    )
    interactive = render(TO, reply)["interactive"]
    assert interactive["type"] == "order_details"
    assert interactive["action"]["name"] == "review_and_pay"
    params = interactive["action"]["parameters"]
    assert params["reference_id"] == "MM-APSPDCL-000123"
    assert params["currency"] == "INR"
    assert params["payment_configuration"] == "apspdcl-upi"
    assert params["total_amount"] == {"value": 45600, "offset": 100}
    order = params["order"]
    assert order["subtotal"] == {"value": 45600, "offset": 100}
    assert order["items"][1] == {
        "retailer_id": "fee",
        "name": "Convenience fee",
        "amount": {"value": 300, "offset": 100},
        "quantity": 2,
    }
    expected = int(datetime(2026, 11, 28, 10, 15, tzinfo=UTC).timestamp())
    assert order["expiration"]["timestamp"] == str(expected)


def test_order_details_totals_must_add_up() -> None:
    reply = r.OrderDetails(
        "ref",
        "b",
        ({"id": "a", "name": "A", "amount_paise": 100},),
        total_paise=101,
        payment_configuration="cfg",
    )
    with pytest.raises(RenderError, match="add up"):
        render(TO, reply)


def test_order_status() -> None:
    interactive = render(
        TO, r.OrderStatus("MM-1", "Payment received", "completed", "Receipt follows")
    )["interactive"]
    assert interactive == {
        "type": "order_status",
        "body": {"text": "Payment received"},
        "action": {
            "name": "review_order",
            "parameters": {
                "reference_id": "MM-1",
                "order": {"status": "completed", "description": "Receipt follows"},
            },
        },
    }


def test_mark_read_with_typing_indicator() -> None:
    assert render(TO, r.MarkRead("wamid.X")) == {
        "messaging_product": "whatsapp",
        "status": "read",
        "message_id": "wamid.X",
    }
    assert render(TO, r.MarkRead("wamid.X", typing=True))["typing_indicator"] == {"type": "text"}
