"""The payment gateway boundary: what Mana Mitra asks of any gateway, in its own types.

A gateway takes an order (amount in paise, our order id as its `receipt`), collects money for
it by UPI or card, tells us by signed webhook, answers a lookup of the payments made against an
order (never trust a webhook alone), refunds, and lists settlements for reconciliation.
Adapters translate the gateway's errors into `GatewayError`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Literal, Protocol

from manamitra.errors import ManamitraError, PayloadError
from manamitra.payments import signature

PaymentState = Literal["created", "captured", "failed"]


class GatewayError(ManamitraError):
    """The gateway refused or did not answer; the caller retries with the same idempotency key."""


@dataclass(frozen=True)
class GatewayOrder:
    id: str
    receipt: str
    amount_paise: int
    status: str


@dataclass(frozen=True)
class GatewayPayment:
    id: str
    receipt: str
    amount_paise: int
    status: PaymentState
    method: str
    created_at: datetime
    error: str | None = None


@dataclass(frozen=True)
class GatewayRefund:
    id: str
    payment_id: str
    amount_paise: int
    status: str


@dataclass(frozen=True)
class Settlement:
    """One line of the gateway's settlement report: money in (payment) or out (refund)."""

    ref: str
    receipt: str
    kind: Literal["payment", "refund"]
    amount_paise: int
    at: datetime


@dataclass(frozen=True)
class WebhookEvent:
    """A verified webhook: which order it concerns; its content is confirmed by lookup."""

    id: str
    type: str
    receipt: str | None
    payment_id: str | None
    created_at: datetime
    signed_digest: str = ""  # what the signature covered; a second delivery of it is a replay


def verified_event(secret: str, body: bytes, headers: Mapping[str, str]) -> WebhookEvent:
    """A gateway webhook, its signature checked (SignatureError) and its body read as the
    Razorpay-style event both our gateways send (PayloadError if it is not one)."""
    delivery = signature.verify(secret, body, headers)
    try:
        data = json.loads(body)
        entity = data["payload"]["payment"]["entity"]
        return WebhookEvent(
            id=delivery.event_id,
            signed_digest=delivery.signed_digest,
            type=str(data["event"]),
            receipt=str(entity.get("receipt") or ""),
            payment_id=str(entity["id"]),
            created_at=datetime.fromtimestamp(int(data["created_at"]), tz=UTC),
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise PayloadError("gateway webhook body is not an event") from exc


class PaymentGateway(Protocol):
    name: str

    def create_order(
        self, *, receipt: str, amount_paise: int, notes: Mapping[str, str], idempotency_key: str
    ) -> GatewayOrder: ...

    def payment_link(self, *, receipt: str, amount_paise: int, description: str) -> str: ...

    def payments_for(self, receipt: str) -> list[GatewayPayment]: ...

    def refund(
        self, payment_id: str, amount_paise: int, *, idempotency_key: str
    ) -> GatewayRefund: ...

    def settlements(self, day: date | None = None) -> list[Settlement]: ...

    def verify_webhook(self, body: bytes, headers: Mapping[str, str]) -> WebhookEvent: ...
