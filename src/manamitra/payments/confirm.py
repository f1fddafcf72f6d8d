"""Confirming an order's money: the one path every payment signal takes.

A WhatsApp payment status, a gateway webhook (first, duplicate, late or out of order) and the
reconciliation sweep all call `confirm`, which locks the order, asks the gateway which payments
exist for it (never trusting the signal itself), records each captured payment once in the
ledger, fulfils the order with the first, and refunds any payment the order cannot use (a
second payment of the same bill, a payment after the order was cancelled or its hold lost).
"""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from manamitra import clock, ratings
from manamitra.events import code_of, department_of, record_event
from manamitra.messaging.reply import OrderStatus, Reply, Text
from manamitra.parts import Parts
from manamitra.payments import ledger
from manamitra.payments.fulfil import fulfil
from manamitra.payments.gateway import GatewayPayment
from manamitra.payments.orders import find_order
from manamitra.payments.service import Payments
from manamitra.payments.text import rupees, text
from manamitra.store.models import PaymentOrder

log = logging.getLogger(__name__)

# A paid application fee is rated when its certificate comes, not when the fee is paid.
RATED_PURPOSES = frozenset({"bill", "donation", "booking"})


def confirm(db: Session, payments: Payments, order_id: str, parts: Parts) -> list[Reply]:
    """Bring the order in line with the gateway; the replies go to the order's citizen."""
    order = find_order(db, order_id, lock=True)
    if order is None:
        log.warning("payment signal for an unknown order", extra={"order": order_id})
        return []
    replies: list[Reply] = []
    found = sorted(payments.gateway.payments_for(order.id), key=lambda p: (p.created_at, p.id))
    for payment in found:
        if payment.receipt != order.id:
            continue
        if payment.status == "captured":
            replies.extend(_captured(db, payments, order, payment, parts))
        elif payment.status == "failed":
            replies.extend(_failed(order, payment))
    return replies


def _captured(
    db: Session,
    payments: Payments,
    order: PaymentOrder,
    payment: GatewayPayment,
    parts: Parts,
) -> list[Reply]:
    gateway = payments.gateway.name
    if ledger.find(db, ledger.payment_key(gateway, payment.id)) is not None:
        return []
    ledger.append(
        db,
        order_id=order.id,
        kind="payment",
        amount_paise=payment.amount_paise,
        gateway=gateway,
        gateway_ref=payment.id,
        idempotency_key=ledger.payment_key(gateway, payment.id),
    )
    lang = order.lang
    now = clock.now()
    if order.status not in ("created", "failed") or payment.amount_paise != order.amount_paise:
        reason = "duplicate" if order.status == "paid" else "not_payable"
        refund(db, payments, order, payment, note=reason)
        return [
            Text(
                text(
                    lang,
                    f"payments.refunded_{reason}",
                    reference=order.id,
                    amount=rupees(payment.amount_paise),
                )
            )
        ]
    order.status = "paid"
    order.payment_id = payment.id
    order.method = payment.method
    order.paid_at = payment.created_at
    order.updated_at = now
    record_event(
        db,
        "payment.confirmed",
        citizen=order.citizen,
        service=code_of(order.service_id),
        department=department_of(order.service_id),
        kind=code_of(order.purpose),
        method=code_of(payment.method),
        amount_paise=payment.amount_paise,
    )
    outcome = fulfil(db, order, parts)
    order.outcome = outcome.outcome
    replies: list[Reply] = []
    if _sent_as_order_details(order):
        replies.append(
            OrderStatus(
                reference_id=order.id,
                body=text(lang, "payments.order_paid", amount=rupees(order.amount_paise)),
                status="completed" if not outcome.refund else "canceled",
                description=None,
            )
        )
    if outcome.refund:
        refund(db, payments, order, payment, note="unfulfilled")
        order.status = "refunded"
    replies.extend(outcome.replies)
    if not outcome.refund and order.purpose in RATED_PURPOSES:
        kind = "booking" if order.purpose == "booking" else "payment"
        replies.extend(ratings.ask_rating(db, kind, order.id, lang))
    return replies


def _failed(order: PaymentOrder, payment: GatewayPayment) -> list[Reply]:
    meta = dict(order.meta or {})
    seen = list(meta.get("failed_seen", []))
    if payment.id in seen:
        return []
    seen.append(payment.id)
    meta["failed_seen"] = seen
    order.meta = meta
    if order.status != "created":
        return []
    return [Text(text(order.lang, "payments.failed", reference=order.id))]


def refund(
    db: Session,
    payments: Payments,
    order: PaymentOrder,
    payment: GatewayPayment | None = None,
    *,
    note: str,
    amount_paise: int | None = None,
) -> int:
    """Give a payment's money back (all, or `amount_paise` of it) once; returns the paise."""
    payment_id = payment.id if payment is not None else order.payment_id
    if payment_id is None:
        return 0
    gateway = payments.gateway.name
    key = ledger.refund_key(gateway, payment_id)
    if ledger.find(db, key) is not None:
        return 0
    amount = (
        amount_paise
        if amount_paise is not None
        else (payment.amount_paise if payment is not None else order.amount_paise)
    )
    if amount <= 0:
        return 0
    done = payments.gateway.refund(payment_id, amount, idempotency_key=key)
    ledger.append(
        db,
        order_id=order.id,
        kind="refund",
        amount_paise=-done.amount_paise,
        gateway=gateway,
        gateway_ref=done.id,
        idempotency_key=key,
        note=note,
    )
    record_event(
        db,
        "payment.refunded",
        citizen=order.citizen,
        service=code_of(order.service_id),
        department=department_of(order.service_id),
        kind=code_of(order.purpose),
        reason=code_of(note),
        amount_paise=done.amount_paise,
    )
    return done.amount_paise


def _sent_as_order_details(order: PaymentOrder) -> bool:
    return (order.meta or {}).get("checkout", "order_details") == "order_details"
