"""The sandbox payment gateway: a stand-in the project runs itself, shaped like the major
Indian gateways (orders with a `receipt`, payments captured or failed, refunds, settlements,
HMAC-SHA256 signed webhooks). Testers pay, fail, abandon or pay twice on its checkout page or
through `POST /sandbox/api/pay`; `Chaos` makes its webhooks arrive late, twice or out of order.

State lives in memory (and, when `state_file` is given, in a JSON file, so the
`manamitra payments reconcile` command in another process sees the same settlements).
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from manamitra import clock
from manamitra.errors import NotFoundError, PayloadError
from manamitra.payments import signature
from manamitra.payments.gateway import (
    GatewayError,
    GatewayOrder,
    GatewayPayment,
    GatewayRefund,
    Settlement,
    WebhookEvent,
    verified_event,
)

NAME = "sandbox"


@dataclass
class Chaos:
    """How webhooks misbehave: copies of each, seconds of delay, reversed order."""

    duplicates: int = 0
    delay_seconds: float = 0.0
    out_of_order: bool = False


@dataclass
class _Order:
    id: str
    receipt: str
    amount_paise: int
    key: str
    status: str = "created"
    citizen: str | None = None


@dataclass
class _Payment:
    id: str
    receipt: str
    amount_paise: int
    status: str
    method: str
    created_at: str
    error: str | None = None


@dataclass
class _Refund:
    id: str
    payment_id: str
    receipt: str
    amount_paise: int
    key: str
    created_at: str


@dataclass
class _State:
    orders: dict[str, _Order] = field(default_factory=dict)  # by receipt
    payments: dict[str, _Payment] = field(default_factory=dict)
    refunds: dict[str, _Refund] = field(default_factory=dict)  # by idempotency key


def _new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(7)}"


class SandboxGateway:
    """Implements manamitra.payments.gateway.PaymentGateway, plus the tester's `pay`."""

    name = NAME

    def __init__(
        self, webhook_secret: str, *, state_file: Path | None = None, checkout_base: str = ""
    ) -> None:
        self.webhook_secret = webhook_secret
        self.state_file = state_file
        self.checkout_base = checkout_base
        self.chaos = Chaos()
        self._lock = threading.RLock()
        self._state = _State()
        self._load()

    # ---- persistence ------------------------------------------------------------------
    def _load(self) -> None:
        if self.state_file is None or not self.state_file.exists():
            return
        raw = json.loads(self.state_file.read_text(encoding="utf-8"))
        self._state = _State(
            orders={k: _Order(**v) for k, v in raw.get("orders", {}).items()},
            payments={k: _Payment(**v) for k, v in raw.get("payments", {}).items()},
            refunds={k: _Refund(**v) for k, v in raw.get("refunds", {}).items()},
        )

    def _save(self) -> None:
        if self.state_file is None:
            return
        self.state_file.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "orders": {k: asdict(v) for k, v in self._state.orders.items()},
            "payments": {k: asdict(v) for k, v in self._state.payments.items()},
            "refunds": {k: asdict(v) for k, v in self._state.refunds.items()},
        }
        tmp = self.state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        tmp.replace(self.state_file)

    def reload(self) -> None:
        with self._lock:
            self._load()

    # ---- the gateway API ----------------------------------------------------------------
    def create_order(
        self, *, receipt: str, amount_paise: int, notes: Mapping[str, str], idempotency_key: str
    ) -> GatewayOrder:
        with self._lock:
            order = self._state.orders.get(receipt)
            if order is None:
                order = _Order(
                    id=_new_id("order"),
                    receipt=receipt,
                    amount_paise=amount_paise,
                    key=idempotency_key,
                    citizen=notes.get("citizen"),
                )
                self._state.orders[receipt] = order
                self._save()
            elif order.amount_paise != amount_paise:
                raise GatewayError(f"order {receipt} exists with another amount")
            return GatewayOrder(order.id, order.receipt, order.amount_paise, order.status)

    def payment_link(self, *, receipt: str, amount_paise: int, description: str) -> str:
        return f"{self.checkout_base}/sandbox/gateway/checkout/{receipt}"

    def payments_for(self, receipt: str) -> list[GatewayPayment]:
        with self._lock:
            return [
                GatewayPayment(
                    id=p.id,
                    receipt=p.receipt,
                    amount_paise=p.amount_paise,
                    status=p.status,  # type: ignore[arg-type]
                    method=p.method,
                    created_at=datetime.fromisoformat(p.created_at),
                    error=p.error,
                )
                for p in self._state.payments.values()
                if p.receipt == receipt
            ]

    def refund(self, payment_id: str, amount_paise: int, *, idempotency_key: str) -> GatewayRefund:
        with self._lock:
            done = self._state.refunds.get(idempotency_key)
            if done is None:
                payment = self._state.payments.get(payment_id)
                if payment is None or payment.status != "captured":
                    raise GatewayError(f"payment {payment_id} cannot be refunded")
                refunded = sum(
                    r.amount_paise
                    for r in self._state.refunds.values()
                    if r.payment_id == payment_id
                )
                if refunded + amount_paise > payment.amount_paise:
                    raise GatewayError("refund exceeds the payment")
                done = _Refund(
                    id=_new_id("rfnd"),
                    payment_id=payment_id,
                    receipt=payment.receipt,
                    amount_paise=amount_paise,
                    key=idempotency_key,
                    created_at=clock.now().isoformat(),
                )
                self._state.refunds[idempotency_key] = done
                self._save()
            return GatewayRefund(done.id, done.payment_id, done.amount_paise, "processed")

    def settlements(self, day: date | None = None) -> list[Settlement]:
        with self._lock:
            lines = [
                Settlement(
                    ref=p.id,
                    receipt=p.receipt,
                    kind="payment",
                    amount_paise=p.amount_paise,
                    at=datetime.fromisoformat(p.created_at),
                )
                for p in self._state.payments.values()
                if p.status == "captured"
            ] + [
                Settlement(
                    ref=r.id,
                    receipt=r.receipt,
                    kind="refund",
                    amount_paise=r.amount_paise,
                    at=datetime.fromisoformat(r.created_at),
                )
                for r in self._state.refunds.values()
            ]
        if day is not None:
            lines = [s for s in lines if clock.to_ist(s.at).date() == day]
        return sorted(lines, key=lambda s: s.at)

    def verify_webhook(self, body: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        return verified_event(self.webhook_secret, body, headers)

    # ---- the tester's side ----------------------------------------------------------------
    def citizen_of(self, receipt: str) -> str | None:
        with self._lock:
            order = self._state.orders.get(receipt)
            return None if order is None else order.citizen

    def order(self, receipt: str) -> GatewayOrder | None:
        with self._lock:
            order = self._state.orders.get(receipt)
            return (
                None
                if order is None
                else GatewayOrder(order.id, order.receipt, order.amount_paise, order.status)
            )

    def pay(
        self, receipt: str, outcome: str, method: str = "upi"
    ) -> tuple[GatewayPayment, list[tuple[str, bytes]]]:
        """Make one payment attempt; returns it and the webhook events (id, body) to send."""
        if outcome not in ("success", "failure"):
            raise PayloadError("outcome must be success or failure")
        with self._lock:
            order = self._state.orders.get(receipt)
            if order is None:
                raise NotFoundError(f"no sandbox order {receipt}")
            status = "captured" if outcome == "success" else "failed"
            payment = _Payment(
                id=_new_id("pay"),
                receipt=receipt,
                amount_paise=order.amount_paise,
                status=status,
                method=method,
                created_at=clock.now().isoformat(),
                error=None if status == "captured" else "BAD_REQUEST_ERROR",
            )
            self._state.payments[payment.id] = payment
            if status == "captured":
                order.status = "paid"
            self._save()
        events = [
            self._event(
                "payment.authorized" if status == "captured" else "payment.failed", payment, order
            )
        ]
        if status == "captured":
            events.append(self._event("payment.captured", payment, order))
            events.append(self._event("order.paid", payment, order))
        if self.chaos.out_of_order:
            events.reverse()
        copies = [e for e in events for _ in range(1 + max(0, self.chaos.duplicates))]
        found = self.payments_for(receipt)
        return next(p for p in found if p.id == payment.id), copies

    def _event(self, kind: str, payment: _Payment, order: _Order) -> tuple[str, bytes]:
        body = {
            "entity": "event",
            "event": kind,
            "created_at": int(clock.now().timestamp()),
            "payload": {
                "payment": {
                    "entity": {
                        "id": payment.id,
                        "order_id": order.id,
                        "receipt": order.receipt,
                        "amount": payment.amount_paise,
                        "currency": "INR",
                        "status": payment.status,
                        "method": payment.method,
                        "error_code": payment.error,
                    }
                },
            },
        }
        return _new_id("evt"), json.dumps(body, separators=(",", ":")).encode()

    def signed(self, event_id: str, body: bytes) -> dict[str, str]:
        return signature.signed_headers(self.webhook_secret, body, event_id)

    def summary(self) -> dict[str, Any]:
        with self._lock:
            return {
                "orders": len(self._state.orders),
                "payments": len(self._state.payments),
                "refunds": len(self._state.refunds),
            }
