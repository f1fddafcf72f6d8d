"""Helpers for payments tests: a sandbox gateway, the Payments object, and delivering its
webhooks straight to the processing function (the route has its own tests)."""

from __future__ import annotations

from manamitra.payments.service import Payments
from manamitra.payments.webhook import process_event
from manamitra.sandbox.gateway import SandboxGateway
from manamitra.store import Database
from tests.support.parts import build_parts

SECRET = "test-gateway-secret"


def make_payments(checkout: str = "order_details") -> Payments:
    gateway = SandboxGateway(SECRET, checkout_base="http://testserver")
    return Payments(gateway=gateway, public_url="http://testserver", checkout=checkout)


def deliver(database: Database, payments: Payments, events: list[tuple[str, bytes]]) -> list[str]:
    gateway = payments.gateway
    assert isinstance(gateway, SandboxGateway)
    results = []
    for event_id, body in events:
        event = gateway.verify_webhook(body, gateway.signed(event_id, body))
        results.append(process_event(database, payments, build_parts(payments=payments), event))
    return results
