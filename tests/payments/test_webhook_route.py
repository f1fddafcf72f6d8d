"""POST /webhooks/payments/{gateway}: unsigned 401, forged or stale 403, bad body 400, a
replayed event a no-op; GET /pay/{order_id} leads to the sandbox checkout page."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from manamitra import clock
from manamitra.payments import ledger, signature
from manamitra.payments.orders import create_order
from manamitra.payments.service import Payments
from manamitra.sandbox.gateway import SandboxGateway
from manamitra.sandbox.gateway_api import GatewayWebhooks, build_gateway_router
from manamitra.store import Database
from manamitra.web.payments import build_payments_router
from tests.payments.support import SECRET, make_payments
from tests.support.parts import build_parts

URL = "/webhooks/payments/sandbox"


class SyncClient:
    """Requests to an ASGI app, one event loop each (no server, no network)."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                return await client.request(method, path, **kwargs)

        return asyncio.run(go())

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def get(self, path: str, follow_redirects: bool = True) -> httpx.Response:
        return self.request("GET", path, follow_redirects=follow_redirects)


@pytest.fixture
def setup(sqlite_database_url: str) -> Iterator[tuple[SyncClient, Payments, Database, str]]:
    database = Database(sqlite_database_url)
    payments = make_payments()
    app = FastAPI()
    app.include_router(build_payments_router(payments, database, build_parts(payments=payments)))
    assert isinstance(payments.gateway, SandboxGateway)
    app.include_router(
        build_gateway_router(payments.gateway, GatewayWebhooks(payments.gateway, URL))
    )
    with database.unit_of_work() as db:
        order = create_order(
            db,
            payments,
            citizen="919876543210",
            lang="en",
            purpose="donation",
            service_id="endowments.ehundi",
            subject="ehundi:annavaram",
            title={"en": "e-Hundi", "te": "ఈ-హుండీ"},
            items=[{"id": "1", "name": "Offering", "amount_paise": 11600}],
            idempotency_key="donation:1",
        )
        order_id = order.id
    yield SyncClient(app), payments, database, order_id
    database.dispose()


def _event(payments: Payments, order_id: str) -> tuple[str, bytes]:
    gateway = payments.gateway
    assert isinstance(gateway, SandboxGateway)
    _, events = gateway.pay(order_id, "success")
    return events[-1]


def test_unsigned_is_401_and_forged_is_403(setup) -> None:
    client, payments, database, order_id = setup
    event_id, body = _event(payments, order_id)
    assert client.post(URL, content=body).status_code == 401
    forged = signature.signed_headers("not-the-secret", body, event_id)
    assert client.post(URL, content=body, headers=forged).status_code == 403
    tampered = body.replace(b"11600", b"100")
    headers = signature.signed_headers(SECRET, body, event_id)
    assert client.post(URL, content=tampered, headers=headers).status_code == 403
    with database.unit_of_work() as db:
        assert ledger.net_for_order(db, order_id) == 0


def test_stale_timestamp_is_refused_and_a_replayed_event_changes_nothing(setup) -> None:
    client, payments, database, order_id = setup
    event_id, body = _event(payments, order_id)
    old = signature.signed_headers(SECRET, body, event_id, at=clock.now() - timedelta(minutes=30))
    assert client.post(URL, content=body, headers=old).status_code == 403
    fresh = signature.signed_headers(SECRET, body, event_id)
    first = client.post(URL, content=body, headers=fresh)
    assert first.status_code == 200 and first.json() == {"status": "processed"}
    again = client.post(URL, content=body, headers=signature.signed_headers(SECRET, body, event_id))
    assert again.json() == {"status": "duplicate"}
    with database.unit_of_work() as db:
        assert ledger.net_for_order(db, order_id) == 11600
        assert len(ledger.entries_for_order(db, order_id)) == 1


def test_a_signed_body_that_is_no_event_is_400(setup) -> None:
    client, _, _, _ = setup
    body = json.dumps({"hello": "world"}).encode()
    response = client.post(
        URL, content=body, headers=signature.signed_headers(SECRET, body, "evt_x")
    )
    assert response.status_code == 400


def test_pay_link_leads_to_the_sandbox_checkout_page(setup) -> None:
    client, _, _, order_id = setup
    response = client.get(f"/pay/{order_id}", follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"].endswith(f"/sandbox/gateway/checkout/{order_id}")
    page = client.get(f"/sandbox/gateway/checkout/{order_id}")
    assert page.status_code == 200
    for words in ("Pay with UPI", "Make the payment fail", "Pay twice", "Abandon", "₹116.00"):
        assert words in page.text
    assert client.get("/pay/MM-NOSUCHORDER", follow_redirects=False).status_code == 404


def test_a_captured_delivery_resent_with_a_new_event_id_is_a_duplicate_and_writes_nothing(
    setup,
) -> None:
    from sqlalchemy import func, select

    from manamitra.store.models import GatewayEvent

    client, payments, database, order_id = setup
    event_id, body = _event(payments, order_id)
    captured = signature.signed_headers(SECRET, body, event_id)
    assert client.post(URL, content=body, headers=captured).json() == {"status": "processed"}
    for n in range(3):
        replay = {**captured, signature.EVENT_ID_HEADER: f"evt_replayed_{n}"}
        response = client.post(URL, content=body, headers=replay)
        assert response.status_code == 200
        assert response.json() == {"status": "duplicate"}
    with database.unit_of_work() as db:
        assert db.scalar(select(func.count()).select_from(GatewayEvent)) == 1
        assert ledger.net_for_order(db, order_id) == 11600
