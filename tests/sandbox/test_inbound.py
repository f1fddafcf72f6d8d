"""Phones writing in: the simulator builds Meta's exact webhook body, signs it, delivers it."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request

from manamitra.channels.whatsapp.signature import verify
from manamitra.sandbox import Sandbox
from tests.sandbox.conftest import (
    CITIZEN,
    PHONE_ID,
    SECRET,
    Receiver,
    buttons_body,
    fixture,
    list_body,
    say_hi,
)

pytestmark = pytest.mark.anyio

URL = f"/v23.0/{PHONE_ID}/messages"


def shape(value: Any) -> Any:
    """Keys and value types, not values: what 'shaped exactly as Meta sends them' means."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(item) for item in value]
    return type(value).__name__


async def _inbound(simulator: httpx.AsyncClient, **body: Any) -> str:
    response = await simulator.post(
        "/sandbox/api/inbound", json={"from": CITIZEN, "name": "Ravi Kumar", **body}
    )
    assert response.status_code == 200, response.text
    return str(response.json()["wamid"])


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


CASES: dict[str, tuple[dict[str, Any], str]] = {
    "text": ({"text": "Hi"}, "text.json"),
    "telugu text": ({"text": "నాకు ఆదాయ ధృవీకరణ పత్రం కావాలి"}, "text-telugu.json"),
    "image": (
        {
            "image": {
                "data_base64": _b64(b"\xff\xd8jpeg"),
                "mime_type": "image/jpeg",
                "caption": "pothole near bus stand",
            }
        },
        "image.json",
    ),
    "document": (
        {
            "document": {
                "data_base64": _b64(b"%PDF-1.4"),
                "mime_type": "application/pdf",
                "filename": "rice-card.pdf",
                "caption": "ration card",
            }
        },
        "document.json",
    ),
    "voice note": (
        {"audio": {"data_base64": _b64(b"OggS"), "mime_type": "audio/ogg", "voice": True}},
        "audio-voice-note.json",
    ),
    "video": (
        {"video": {"data_base64": _b64(b"mp4"), "mime_type": "video/mp4", "caption": ""}},
        "video.json",
    ),
    "location": (
        {
            "location": {
                "latitude": 16.5062,
                "longitude": 80.648,
                "name": "Benz Circle",
                "address": "Vijayawada, Andhra Pradesh",
            }
        },
        "location.json",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
async def test_inbound_payload_matches_metas_shape(
    simulator: httpx.AsyncClient, receiver: Receiver, case: str
) -> None:
    request, fixture_name = CASES[case]
    wamid = await _inbound(simulator, **request)
    delivered = receiver.requests[-1]
    verify(SECRET, delivered.content, delivered.headers["X-Hub-Signature-256"])
    body = receiver.bodies[-1]
    assert shape(body) == shape(fixture(fixture_name))
    message = body["entry"][0]["changes"][0]["value"]["messages"][0]
    assert message["id"] == wamid
    assert message["from"] == CITIZEN
    assert body["entry"][0]["changes"][0]["value"]["metadata"]["phone_number_id"] == PHONE_ID
    assert str(delivered.url) == "http://platform.test/webhooks/whatsapp"


async def test_voice_note_is_ogg_opus(simulator: httpx.AsyncClient, receiver: Receiver) -> None:
    await _inbound(
        simulator, audio={"data_base64": _b64(b"OggS"), "mime_type": "audio/ogg", "voice": True}
    )
    audio = receiver.messages()[-1]["audio"]
    assert audio["voice"] is True
    assert audio["mime_type"] == "audio/ogg; codecs=opus"


async def test_button_tap_carries_title_and_context(
    graph: httpx.AsyncClient, simulator: httpx.AsyncClient, receiver: Receiver
) -> None:
    await say_hi(simulator)
    sent = await graph.post(URL, json=buttons_body([("lang:te", "తెలుగు"), ("lang:en", "English")]))
    offered = sent.json()["messages"][0]["id"]
    await _inbound(simulator, button_id="lang:te")
    body = receiver.bodies[-1]
    assert shape(body) == shape(fixture("interactive-button-reply.json"))
    message = receiver.messages()[-1]
    assert message["interactive"] == {
        "type": "button_reply",
        "button_reply": {"id": "lang:te", "title": "తెలుగు"},
    }
    assert message["context"] == {"from": "919552300009", "id": offered}


async def test_list_tap_carries_title_description_and_context(
    graph: httpx.AsyncClient, simulator: httpx.AsyncClient, receiver: Receiver
) -> None:
    await say_hi(simulator)
    sent = await graph.post(
        URL,
        json=list_body(
            [
                ("svc:revenue.income", "Income certificate", "Revenue department"),
                ("svc:power.bill", "Electricity bill", None),
            ]
        ),
    )
    offered = sent.json()["messages"][0]["id"]
    await _inbound(simulator, list_id="svc:revenue.income")
    assert shape(receiver.bodies[-1]) == shape(fixture("interactive-list-reply.json"))
    message = receiver.messages()[-1]
    assert message["interactive"]["list_reply"] == {
        "id": "svc:revenue.income",
        "title": "Income certificate",
        "description": "Revenue department",
    }
    assert message["context"]["id"] == offered


async def test_tap_uses_the_last_message_that_offered_the_button(
    graph: httpx.AsyncClient, simulator: httpx.AsyncClient, receiver: Receiver
) -> None:
    await say_hi(simulator)
    await graph.post(URL, json=buttons_body([("yes", "Yes")], body="First"))
    second = (await graph.post(URL, json=buttons_body([("yes", "Sure")], body="Second"))).json()
    await graph.post(URL, json=buttons_body([("other", "Other")], body="Third"))
    await _inbound(simulator, button_id="yes")
    message = receiver.messages()[-1]
    assert message["interactive"]["button_reply"]["title"] == "Sure"
    assert message["context"]["id"] == second["messages"][0]["id"]


async def test_tap_on_a_button_never_offered_is_refused(
    simulator: httpx.AsyncClient, receiver: Receiver
) -> None:
    response = await simulator.post(
        "/sandbox/api/inbound", json={"from": CITIZEN, "button_id": "lang:te"}
    )
    assert response.status_code == 422
    assert "lang:te" in response.json()["detail"]
    assert receiver.requests == []


async def test_inbound_needs_exactly_one_content(simulator: httpx.AsyncClient) -> None:
    both = await simulator.post(
        "/sandbox/api/inbound", json={"from": CITIZEN, "text": "Hi", "button_id": "x"}
    )
    none = await simulator.post("/sandbox/api/inbound", json={"from": CITIZEN})
    assert both.status_code == none.status_code == 422


async def test_outbox_lists_bodies_for_that_number_oldest_first(
    graph: httpx.AsyncClient, simulator: httpx.AsyncClient
) -> None:
    await say_hi(simulator)
    other = "919848022338"
    await say_hi_from(simulator, other)
    first = buttons_body([("a", "A")], body="first")
    second = list_body([("r", "Row", None)])
    await graph.post(URL, json=first)
    await graph.post(URL, json=buttons_body([("z", "Z")], to=other))
    await graph.post(URL, json=second)
    outbox = (await simulator.get("/sandbox/api/outbox", params={"to": CITIZEN})).json()
    assert outbox == [first, second]


async def say_hi_from(simulator: httpx.AsyncClient, number: str) -> None:
    response = await simulator.post("/sandbox/api/inbound", json={"from": number, "text": "Hi"})
    assert response.status_code == 200


async def test_sender_is_registered_as_a_phone(simulator: httpx.AsyncClient) -> None:
    await say_hi(simulator)
    phones = (await simulator.get("/sandbox/api/phones")).json()
    assert {"number": CITIZEN, "name": "Ravi Kumar"} in phones


async def test_reaction_from_phone(
    graph: httpx.AsyncClient, simulator: httpx.AsyncClient, receiver: Receiver, sandbox: Sandbox
) -> None:
    await say_hi(simulator)
    wamid = (await graph.post(URL, json=buttons_body([("a", "A")]))).json()["messages"][0]["id"]
    await _inbound(simulator, reaction={"message_id": wamid, "emoji": "🙏"})
    assert receiver.messages()[-1]["reaction"] == {"message_id": wamid, "emoji": "🙏"}
    assert sandbox.emulator.state.get(wamid).reactions == {CITIZEN: "🙏"}  # type: ignore[union-attr]


async def test_loopback_delivers_to_an_app_in_process(sandbox: Sandbox) -> None:
    received: list[bytes] = []
    app = FastAPI()

    @app.post("/webhooks/whatsapp")
    async def webhook(request: Request) -> dict[str, bool]:
        body = await request.body()
        verify(SECRET, body, request.headers.get("X-Hub-Signature-256"))
        received.append(body)
        return {"ok": True}

    sandbox.mount(app)
    sandbox.loopback(app)
    wamid = await sandbox.phone.text(CITIZEN, "Ravi Kumar", "Hi")
    assert len(received) == 1 and wamid.encode() in received[0]
    assert sandbox.emulator.state.get(wamid).status == "delivered"  # type: ignore[union-attr]
    await sandbox.aclose()


async def test_typing_indicator_reaches_the_page_feed(
    graph: httpx.AsyncClient, simulator: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    inbound = await say_hi(simulator)
    seq = sandbox.emulator.state.last_seq
    response = await graph.post(
        URL,
        json={
            "messaging_product": "whatsapp",
            "status": "read",
            "message_id": inbound,
            "typing_indicator": {"type": "text"},
        },
    )
    assert response.json() == {"success": True}
    kinds = [e["type"] for e in sandbox.emulator.state.events_after(seq)]
    assert kinds == ["status", "typing"]
