"""A gateway adapter for REST APIs shaped like the major Indian gateways' (Razorpay, Cashfree,
PayU follow the same pattern): basic-auth key id and secret, amounts in paise, an order per
`receipt`, payment links, payments listed per order, refunds, settlement reports, and webhooks
signed with HMAC-SHA256. Errors become `GatewayError`; calls carry idempotency keys.

    POST /v1/orders                     {amount, currency, receipt, notes}   → {id, receipt, amount, status}
    POST /v1/payment_links              {amount, currency, reference_id, description} → {short_url}
    GET  /v1/orders/{id}/payments       → {items: [{id, amount, status, method, created_at, error_code}]}
    POST /v1/payments/{id}/refund       {amount}                             → {id, payment_id, amount, status}
    GET  /v1/settlements/recon?day=…    → {items: [{entity_id, receipt, type, amount, created_at}]}
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

import httpx

from manamitra.payments.gateway import (
    GatewayError,
    GatewayOrder,
    GatewayPayment,
    GatewayRefund,
    Settlement,
    WebhookEvent,
    verified_event,
)


class HttpGateway:
    """Implements PaymentGateway over HTTP; `transport` lets tests swap the network."""

    def __init__(
        self,
        name: str,
        base_url: str,
        key_id: str,
        key_secret: str,
        webhook_secret: str,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.name = name
        self.webhook_secret = webhook_secret
        self._client = httpx.Client(
            base_url=base_url.rstrip("/"),
            auth=(key_id, key_secret),
            transport=transport,
            timeout=timeout,
        )
        self._orders: dict[str, str] = {}  # receipt → gateway order id, learnt on create

    def close(self) -> None:
        self._client.close()

    def _call(
        self, method: str, path: str, *, idempotency_key: str | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        headers = {"X-Idempotency-Key": idempotency_key} if idempotency_key else {}
        try:
            response = self._client.request(method, path, headers=headers, **kwargs)
        except httpx.HTTPError as exc:
            raise GatewayError(
                f"{self.name}: {method} {path} failed: {type(exc).__name__}"
            ) from exc
        if response.status_code >= 400:
            raise GatewayError(f"{self.name}: {method} {path} answered {response.status_code}")
        try:
            data = response.json()
        except ValueError as exc:
            raise GatewayError(f"{self.name}: {path} did not answer JSON") from exc
        if not isinstance(data, dict):
            raise GatewayError(f"{self.name}: {path} answered {type(data).__name__}")
        return data

    def create_order(
        self, *, receipt: str, amount_paise: int, notes: Mapping[str, str], idempotency_key: str
    ) -> GatewayOrder:
        data = self._call(
            "POST",
            "/v1/orders",
            idempotency_key=idempotency_key,
            json={
                "amount": amount_paise,
                "currency": "INR",
                "receipt": receipt,
                "notes": dict(notes),
            },
        )
        if int(data["amount"]) != amount_paise or data["receipt"] != receipt:
            raise GatewayError(f"{self.name}: order for {receipt} came back different")
        self._orders[receipt] = str(data["id"])
        return GatewayOrder(
            str(data["id"]), receipt, amount_paise, str(data.get("status", "created"))
        )

    def payment_link(self, *, receipt: str, amount_paise: int, description: str) -> str:
        data = self._call(
            "POST",
            "/v1/payment_links",
            idempotency_key=f"link:{receipt}",
            json={
                "amount": amount_paise,
                "currency": "INR",
                "reference_id": receipt,
                "description": description,
            },
        )
        return str(data["short_url"])

    def payments_for(self, receipt: str) -> list[GatewayPayment]:
        order_id = self._orders.get(receipt) or receipt
        data = self._call("GET", f"/v1/orders/{order_id}/payments")
        found = []
        for item in data.get("items", []):
            status = {"captured": "captured", "failed": "failed"}.get(
                str(item.get("status")), "created"
            )
            found.append(
                GatewayPayment(
                    id=str(item["id"]),
                    receipt=receipt,
                    amount_paise=int(item["amount"]),
                    status=status,  # type: ignore[arg-type]
                    method=str(item.get("method") or "upi"),
                    created_at=datetime.fromtimestamp(int(item["created_at"]), tz=UTC),
                    error=item.get("error_code"),
                )
            )
        return found

    def refund(self, payment_id: str, amount_paise: int, *, idempotency_key: str) -> GatewayRefund:
        data = self._call(
            "POST",
            f"/v1/payments/{payment_id}/refund",
            idempotency_key=idempotency_key,
            json={"amount": amount_paise},
        )
        return GatewayRefund(
            str(data["id"]), payment_id, int(data["amount"]), str(data.get("status", "processed"))
        )

    def settlements(self, day: date | None = None) -> list[Settlement]:
        params = {"day": day.isoformat()} if day else {}
        data = self._call("GET", "/v1/settlements/recon", params=params)
        return [
            Settlement(
                ref=str(i["entity_id"]),
                receipt=str(i["receipt"]),
                kind="refund" if i["type"] == "refund" else "payment",
                amount_paise=int(i["amount"]),
                at=datetime.fromtimestamp(int(i["created_at"]), tz=UTC),
            )
            for i in data.get("items", [])
        ]

    def verify_webhook(self, body: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        return verified_event(self.webhook_secret, body, headers)
