"""After each accepted message the emulator posts signed statuses back, as Meta does."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from manamitra import clock
from manamitra.channels.whatsapp.signature import verify
from manamitra.sandbox import Sandbox
from tests.sandbox.conftest import (
    CITIZEN,
    PHONE_ID,
    SECRET,
    Receiver,
    buttons_body,
    fixture,
    say_hi,
    text_body,
)

pytestmark = pytest.mark.anyio

URL = f"/v23.0/{PHONE_ID}/messages"


def _shape_covers(ours: object, theirs: object, path: str = "$") -> None:
    """Every key Meta's capture has, ours has too, with the same kind of value."""
    if isinstance(theirs, dict):
        assert isinstance(ours, dict), path
        for key, value in theirs.items():
            assert key in ours, f"{path}.{key} missing"
            _shape_covers(ours[key], value, f"{path}.{key}")
    elif isinstance(theirs, list):
        assert isinstance(ours, list) and ours, path
        _shape_covers(ours[0], theirs[0], f"{path}[0]")
    else:
        assert type(ours) is type(theirs), f"{path}: {type(ours)} vs {type(theirs)}"


async def test_sent_then_delivered_posted_signed(
    graph: httpx.AsyncClient, simulator: httpx.AsyncClient, sandbox: Sandbox, receiver: Receiver
) -> None:
    await say_hi(simulator)
    wamid = (await graph.post(URL, json=text_body("Namaskaram"))).json()["messages"][0]["id"]
    await sandbox.drain()

    for request in receiver.requests:
        verify(SECRET, request.content, request.headers["X-Hub-Signature-256"])
    statuses = [s for s in receiver.statuses() if s["id"] == wamid]
    assert [s["status"] for s in statuses] == ["sent", "delivered"]
    assert statuses[0]["recipient_id"] == CITIZEN
    assert statuses[0]["pricing"] == {
        "billable": False,
        "pricing_model": "PMP",
        "category": "service",
        "type": "free_customer_service",
    }
    assert statuses[0]["conversation"]["origin"] == {"type": "service"}
    assert "expiration_timestamp" in statuses[0]["conversation"]
    sent_body = next(
        b
        for b in receiver.bodies
        if b["entry"][0]["changes"][0]["value"].get("statuses", [{}])[0].get("status") == "sent"
    )
    _shape_covers(sent_body, fixture("status-sent.json"))


async def test_phone_viewing_a_message_posts_read(
    graph: httpx.AsyncClient, simulator: httpx.AsyncClient, sandbox: Sandbox, receiver: Receiver
) -> None:
    await say_hi(simulator)
    wamid = (await graph.post(URL, json=text_body("One"))).json()["messages"][0]["id"]
    await sandbox.drain()
    response = await simulator.post("/sandbox/api/read", json={"phone": CITIZEN, "wamids": [wamid]})
    assert response.json() == {"read": [wamid]}
    await sandbox.drain()
    assert [s["status"] for s in receiver.statuses() if s["id"] == wamid] == [
        "sent",
        "delivered",
        "read",
    ]
    read_body = receiver.bodies[-1]
    _shape_covers(read_body, {k: v for k, v in fixture("status-delivered-read.json").items()})
    again = await simulator.post("/sandbox/api/read", json={"phone": CITIZEN, "wamids": [wamid]})
    assert again.json() == {"read": []}


async def test_outside_24_hours_accepted_then_failed_131047(
    graph: httpx.AsyncClient, simulator: httpx.AsyncClient, sandbox: Sandbox, receiver: Receiver
) -> None:
    await say_hi(simulator)
    clock.advance(timedelta(hours=24, minutes=1))
    response = await graph.post(URL, json=text_body("Your certificate is ready"))
    assert response.status_code == 200
    wamid = response.json()["messages"][0]["id"]
    await sandbox.drain()
    statuses = [s for s in receiver.statuses() if s["id"] == wamid]
    assert [s["status"] for s in statuses] == ["failed"]
    assert statuses[0]["errors"][0]["code"] == 131047
    _shape_covers(receiver.bodies[-1], fixture("status-failed-131047.json"))


async def test_number_that_never_wrote_gets_131047(
    graph: httpx.AsyncClient, sandbox: Sandbox, receiver: Receiver
) -> None:
    wamid = (await graph.post(URL, json=text_body("hello", to="919000000001"))).json()["messages"][
        0
    ]["id"]
    await sandbox.drain()
    assert [
        (s["status"], s["errors"][0]["code"]) for s in receiver.statuses() if s["id"] == wamid
    ] == [("failed", 131047)]


async def test_template_is_delivered_outside_the_window(
    graph: httpx.AsyncClient, sandbox: Sandbox, receiver: Receiver
) -> None:
    body = {
        "messaging_product": "whatsapp",
        "to": "919000000002",
        "type": "template",
        "template": {
            "name": "certificate_ready",
            "language": {"code": "te"},
            "components": [{"type": "body", "parameters": [{"type": "text", "text": "APP-42"}]}],
        },
    }
    wamid = (await graph.post(URL, json=body)).json()["messages"][0]["id"]
    await sandbox.drain()
    statuses = [s for s in receiver.statuses() if s["id"] == wamid]
    assert [s["status"] for s in statuses] == ["sent", "delivered"]
    assert statuses[0]["pricing"]["billable"] is True


async def test_refused_status_is_retried_until_accepted(
    graph: httpx.AsyncClient, simulator: httpx.AsyncClient, sandbox: Sandbox, receiver: Receiver
) -> None:
    await say_hi(simulator)
    receiver.refuse = 2
    wamid = (await graph.post(URL, json=text_body("retry me"))).json()["messages"][0]["id"]
    await sandbox.drain()
    attempts = [s["status"] for s in receiver.statuses() if s["id"] == wamid]
    assert attempts == ["sent", "sent", "sent", "delivered"]


async def test_refused_inbound_is_retried_in_background(
    simulator: httpx.AsyncClient, sandbox: Sandbox, receiver: Receiver
) -> None:
    receiver.refuse = 1
    wamid = await say_hi(simulator)
    await sandbox.drain()
    assert [m["id"] for m in receiver.messages()] == [wamid, wamid]
    assert sandbox.emulator.delivery.failed == 0


async def test_delivery_gives_up_after_bounded_attempts(
    simulator: httpx.AsyncClient, sandbox: Sandbox, receiver: Receiver
) -> None:
    receiver.refuse = 100
    await say_hi(simulator)
    await sandbox.drain()
    assert len(receiver.requests) == 3
    assert sandbox.emulator.delivery.failed == 1


async def test_mark_as_read_answers_success_and_blue_ticks_the_phone(
    graph: httpx.AsyncClient, simulator: httpx.AsyncClient
) -> None:
    inbound = await say_hi(simulator)
    response = await graph.post(
        URL, json={"messaging_product": "whatsapp", "status": "read", "message_id": inbound}
    )
    assert response.json() == {"success": True}
    chat = (await simulator.get("/sandbox/api/messages", params={"phone": CITIZEN})).json()
    assert chat[0]["status"] == "read"


async def test_reaction_is_shown_on_the_message(
    graph: httpx.AsyncClient, simulator: httpx.AsyncClient
) -> None:
    inbound = await say_hi(simulator)
    response = await graph.post(
        URL,
        json={
            "messaging_product": "whatsapp",
            "to": CITIZEN,
            "type": "reaction",
            "reaction": {"message_id": inbound, "emoji": "👍"},
        },
    )
    assert response.status_code == 200
    chat = (await simulator.get("/sandbox/api/messages", params={"phone": CITIZEN})).json()
    assert chat[0]["reactions"] == {"business": "👍"}


async def test_chat_is_bounded_per_phone(
    graph: httpx.AsyncClient, sandbox: Sandbox, simulator: httpx.AsyncClient
) -> None:
    sandbox.emulator.state.max_messages = 5
    await say_hi(simulator)
    for n in range(8):
        await graph.post(URL, json=buttons_body([(f"b{n}", "Yes")]))
    outbox = (await simulator.get("/sandbox/api/outbox", params={"to": CITIZEN})).json()
    assert [b["interactive"]["action"]["buttons"][0]["reply"]["id"] for b in outbox] == [
        "b3",
        "b4",
        "b5",
        "b6",
        "b7",
    ]


async def test_statuses_can_be_switched_off_for_benchmarks(
    graph: httpx.AsyncClient, simulator: httpx.AsyncClient, sandbox: Sandbox, receiver: Receiver
) -> None:
    sandbox.emulator.delays.enabled = False
    await say_hi(simulator)
    before = len(receiver.requests)
    response = await graph.post(URL, json=text_body("quiet"))
    assert response.status_code == 200
    await sandbox.drain()
    assert len(receiver.requests) == before


async def test_all_chats_together_are_bounded(
    graph: httpx.AsyncClient, sandbox: Sandbox, simulator: httpx.AsyncClient
) -> None:
    sandbox.emulator.delays.enabled = False
    sandbox.emulator.state.max_total_messages = 6
    for n in range(4):
        await simulator.post("/sandbox/api/inbound", json={"from": f"91900000000{n}", "text": "Hi"})
        await graph.post(URL, json=text_body(f"reply {n}", to=f"91900000000{n}"))
    chats = sandbox.emulator.state.chats()
    assert sum(len(chat) for chat in chats.values()) == 6
    assert "919000000000" not in chats, "the oldest conversation went first"
    assert [r.body["text"]["body"] for r in chats["919000000003"]] == ["Hi", "reply 3"]


async def test_statuses_echo_biz_opaque_callback_data(
    graph: httpx.AsyncClient, simulator: httpx.AsyncClient, sandbox: Sandbox, receiver: Receiver
) -> None:
    await say_hi(simulator)
    body = {**text_body("tracked"), "biz_opaque_callback_data": "outbox:42"}
    wamid = (await graph.post(URL, json=body)).json()["messages"][0]["id"]
    await sandbox.drain()
    statuses = [s for s in receiver.statuses() if s["id"] == wamid]
    assert [s.get("biz_opaque_callback_data") for s in statuses] == ["outbox:42", "outbox:42"]
