"""Faults queued through the simulator API come out of the Graph API as Meta shows them."""

from __future__ import annotations

import time

import httpx
import pytest

from manamitra.sandbox import Sandbox
from tests.sandbox.conftest import CITIZEN, PHONE_ID, Receiver, say_hi, text_body

pytestmark = pytest.mark.anyio

URL = f"/v23.0/{PHONE_ID}/messages"


@pytest.mark.parametrize(
    ("fault", "status", "code"),
    [
        ({"code": 130429}, 429, 130429),
        ({"code": 131056}, 400, 131056),
        ({"code": 500}, 500, 1),
        ({"code": 503}, 503, 2),
        ({"code": 131009, "http_status": 400}, 400, 131009),
    ],
)
async def test_error_fault_fails_the_request(
    graph: httpx.AsyncClient,
    simulator: httpx.AsyncClient,
    fault: dict[str, int],
    status: int,
    code: int,
) -> None:
    await say_hi(simulator)
    assert (await simulator.post("/sandbox/api/faults", json=fault)).status_code == 200
    failed = await graph.post(URL, json=text_body("x"))
    assert failed.status_code == status
    error = failed.json()["error"]
    assert error["code"] == code
    assert error["type"] == "OAuthException"
    assert "fbtrace_id" in error
    again = await graph.post(URL, json=text_body("x"))
    assert again.status_code == 200, "a fault with count 1 applies once"


async def test_fault_for_one_number_spares_others(
    graph: httpx.AsyncClient, simulator: httpx.AsyncClient
) -> None:
    other = "919848022338"
    await say_hi(simulator)
    await simulator.post("/sandbox/api/inbound", json={"from": other, "text": "Hi"})
    await simulator.post("/sandbox/api/faults", json={"code": 131056, "to": CITIZEN, "count": 2})
    assert (await graph.post(URL, json=text_body("x", to=other))).status_code == 200
    assert (await graph.post(URL, json=text_body("x"))).status_code == 400
    assert (await graph.post(URL, json=text_body("x"))).status_code == 400
    assert (await graph.post(URL, json=text_body("x"))).status_code == 200


async def test_queue_of_faults_applies_in_order(
    graph: httpx.AsyncClient, simulator: httpx.AsyncClient
) -> None:
    await say_hi(simulator)
    await simulator.post("/sandbox/api/faults", json={"faults": [{"code": 130429}, {"code": 503}]})
    assert len((await simulator.get("/sandbox/api/faults")).json()) == 2
    codes = [(await graph.post(URL, json=text_body("x"))).status_code for _ in range(3)]
    assert codes == [429, 503, 200]


async def test_undeliverable_fault_posts_failed_status(
    graph: httpx.AsyncClient, simulator: httpx.AsyncClient, sandbox: Sandbox, receiver: Receiver
) -> None:
    await say_hi(simulator)
    await simulator.post("/sandbox/api/faults", json={"code": 131026})
    response = await graph.post(URL, json=text_body("x"))
    assert response.status_code == 200
    wamid = response.json()["messages"][0]["id"]
    await sandbox.drain()
    failed = [s for s in receiver.statuses() if s["id"] == wamid]
    assert [(s["status"], s["errors"][0]["code"]) for s in failed] == [("failed", 131026)]


async def test_timeout_fault_delays_the_answer(
    graph: httpx.AsyncClient, simulator: httpx.AsyncClient
) -> None:
    await say_hi(simulator)
    await simulator.post("/sandbox/api/faults", json={"mode": "timeout", "delay": 0.3})
    started = time.monotonic()
    response = await graph.post(URL, json=text_body("x"))
    assert response.status_code == 200
    assert time.monotonic() - started >= 0.3
    assert (await simulator.get("/sandbox/api/faults")).json() == []


async def test_media_fault_fails_upload(
    graph: httpx.AsyncClient, simulator: httpx.AsyncClient
) -> None:
    await simulator.post("/sandbox/api/faults", json={"code": 503, "endpoint": "media"})
    response = await graph.post(
        f"/v23.0/{PHONE_ID}/media",
        files={"file": ("a.pdf", b"%PDF", "application/pdf")},
        data={"type": "application/pdf", "messaging_product": "whatsapp"},
    )
    assert response.status_code == 503


async def test_bad_fault_is_refused_and_faults_clear(simulator: httpx.AsyncClient) -> None:
    assert (await simulator.post("/sandbox/api/faults", json={"mode": "error"})).status_code == 422
    await simulator.post("/sandbox/api/faults", json={"code": 130429, "count": 5})
    await simulator.delete("/sandbox/api/faults")
    assert (await simulator.get("/sandbox/api/faults")).json() == []


async def test_reset_forgets_chats_and_faults(
    graph: httpx.AsyncClient, simulator: httpx.AsyncClient
) -> None:
    await say_hi(simulator)
    await graph.post(URL, json=text_body("x"))
    await simulator.post("/sandbox/api/faults", json={"code": 130429})
    await simulator.post("/sandbox/api/reset")
    assert (await simulator.get("/sandbox/api/outbox", params={"to": CITIZEN})).json() == []
    assert (await simulator.get("/sandbox/api/faults")).json() == []


async def test_throughput_limit_when_switched_on(
    graph: httpx.AsyncClient, simulator: httpx.AsyncClient
) -> None:
    await say_hi(simulator)
    limits = await simulator.post(
        "/sandbox/api/limits", json={"throughput_per_second": 0.001, "throughput_burst": 2}
    )
    assert limits.json()["throughput_per_second"] == 0.001
    codes = [(await graph.post(URL, json=text_body("x"))).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    refused = await graph.post(URL, json=text_body("x"))
    assert refused.json()["error"]["code"] == 130429


async def test_pair_limit_when_switched_on_spares_other_users(
    graph: httpx.AsyncClient, simulator: httpx.AsyncClient
) -> None:
    other = "919848022338"
    await say_hi(simulator)
    await simulator.post("/sandbox/api/inbound", json={"from": other, "text": "Hi"})
    await simulator.post("/sandbox/api/limits", json={"pair_interval_seconds": 6, "pair_burst": 1})
    assert (await graph.post(URL, json=text_body("x"))).status_code == 200
    second = await graph.post(URL, json=text_body("x"))
    assert second.status_code == 400
    assert second.json()["error"]["code"] == 131056
    assert (await graph.post(URL, json=text_body("x", to=other))).status_code == 200


async def test_limits_are_off_by_default(
    graph: httpx.AsyncClient, simulator: httpx.AsyncClient
) -> None:
    await say_hi(simulator)
    codes = {(await graph.post(URL, json=text_body("x"))).status_code for _ in range(50)}
    assert codes == {200}
