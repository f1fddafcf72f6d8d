"""The REST adapter against a whole fake gateway written as one function (httpx.MockTransport):
orders, links, lookup, refunds with idempotency keys, settlements; errors become GatewayError."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx
import pytest

from manamitra.payments.gateway import GatewayError
from manamitra.payments.http_gateway import HttpGateway


def fake_gateway() -> tuple[httpx.MockTransport, list[httpx.Request]]:
    seen: list[httpx.Request] = []
    refunds: dict[str, dict[str, object]] = {}
    created = int(datetime(2026, 11, 28, 6, 0, tzinfo=UTC).timestamp())

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.headers.get("authorization") != httpx.BasicAuth("key", "secret")._auth_header:
            return httpx.Response(401, json={"error": "auth"})
        path = request.url.path
        if path == "/v1/orders":
            body = json.loads(request.content)
            return httpx.Response(
                200,
                json={
                    "id": "order_1",
                    "receipt": body["receipt"],
                    "amount": body["amount"],
                    "status": "created",
                },
            )
        if path == "/v1/payment_links":
            body = json.loads(request.content)
            return httpx.Response(
                200, json={"short_url": f"https://pay.example/{body['reference_id']}"}
            )
        if path == "/v1/orders/order_1/payments":
            return httpx.Response(
                200,
                json={
                    "items": [
                        {
                            "id": "pay_1",
                            "amount": 45600,
                            "status": "captured",
                            "method": "upi",
                            "created_at": created,
                        },
                        {
                            "id": "pay_0",
                            "amount": 45600,
                            "status": "failed",
                            "method": "card",
                            "created_at": created,
                            "error_code": "BAD_REQUEST_ERROR",
                        },
                    ]
                },
            )
        if path == "/v1/payments/pay_1/refund":
            key = request.headers["x-idempotency-key"]
            refund = refunds.setdefault(
                key,
                {
                    "id": f"rfnd_{len(refunds) + 1}",
                    "payment_id": "pay_1",
                    "amount": json.loads(request.content)["amount"],
                    "status": "processed",
                },
            )
            return httpx.Response(200, json=refund)
        if path == "/v1/settlements/recon":
            return httpx.Response(
                200,
                json={
                    "items": [
                        {
                            "entity_id": "pay_1",
                            "receipt": "MM-1",
                            "type": "payment",
                            "amount": 45600,
                            "created_at": created,
                        }
                    ]
                },
            )
        return httpx.Response(500, json={"error": "boom"})

    return httpx.MockTransport(handle), seen


def test_orders_lookup_refunds_and_settlements_through_the_rest_api() -> None:
    transport, seen = fake_gateway()
    gateway = HttpGateway(
        "razorpay", "https://api.example", "key", "secret", "whsec", transport=transport
    )
    order = gateway.create_order(
        receipt="MM-1", amount_paise=45600, notes={"citizen": "91"}, idempotency_key="bill:1"
    )
    assert order.id == "order_1" and seen[-1].headers["x-idempotency-key"] == "bill:1"
    assert (
        gateway.payment_link(receipt="MM-1", amount_paise=45600, description="Bill")
        == "https://pay.example/MM-1"
    )
    payments = gateway.payments_for("MM-1")
    assert [(p.id, p.status, p.receipt) for p in payments] == [
        ("pay_1", "captured", "MM-1"),
        ("pay_0", "failed", "MM-1"),
    ]
    first = gateway.refund("pay_1", 45600, idempotency_key="refund:1")
    again = gateway.refund("pay_1", 45600, idempotency_key="refund:1")
    assert first.id == again.id == "rfnd_1"
    [line] = gateway.settlements()
    assert (line.ref, line.kind, line.amount_paise) == ("pay_1", "payment", 45600)


def test_gateway_failures_become_gateway_errors() -> None:
    transport, _ = fake_gateway()
    gateway = HttpGateway(
        "razorpay", "https://api.example", "key", "wrong", "whsec", transport=transport
    )
    with pytest.raises(GatewayError):
        gateway.create_order(receipt="MM-2", amount_paise=100, notes={}, idempotency_key="k")

    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("no route", request=request)

    offline = HttpGateway(
        "razorpay",
        "https://api.example",
        "key",
        "secret",
        "whsec",
        transport=httpx.MockTransport(down),
    )
    with pytest.raises(GatewayError):
        offline.payments_for("MM-1")
