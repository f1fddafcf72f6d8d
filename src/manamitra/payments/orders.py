"""Payment orders: creating one (idempotently) and the bill a citizen taps to pay.

An order's id is derived from its idempotency key, so a turn repeated after a crash creates the
same order and asks the gateway for the same gateway order. The bill is WhatsApp's
`order_details` where the number can take it, else a link to the checkout page.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from manamitra import clock
from manamitra.errors import DepartmentUnavailableError
from manamitra.messaging.reply import CtaUrl, OrderDetails, Reply
from manamitra.payments.gateway import GatewayError
from manamitra.payments.service import Payments
from manamitra.payments.text import rupees, text
from manamitra.store.models import PaymentOrder

ORDER_EXPIRY_SECONDS = 15 * 60


def order_id_for(idempotency_key: str, prefix: str = "MM") -> str:
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:14].upper()
    return f"{prefix}-{digest}"


def create_order(
    db: Session,
    payments: Payments,
    *,
    citizen: str,
    lang: str,
    purpose: str,
    service_id: str,
    subject: str,
    title: dict[str, str],
    items: list[dict[str, Any]],
    idempotency_key: str,
    prefix: str = "MM",
    meta: dict[str, Any] | None = None,
) -> PaymentOrder:
    """The order for these items (total = Σ amount × quantity), created once per key."""
    existing = db.scalars(
        select(PaymentOrder).where(PaymentOrder.idempotency_key == idempotency_key)
    ).first()
    if existing is not None:
        return existing
    amount = sum(int(i["amount_paise"]) * int(i.get("quantity", 1)) for i in items)
    if amount <= 0:
        raise ValueError("an order needs a positive amount")
    order_id = order_id_for(idempotency_key, prefix)
    try:
        gateway_order = payments.gateway.create_order(
            receipt=order_id,
            amount_paise=amount,
            notes={"service": service_id, "subject": subject, "citizen": citizen},
            idempotency_key=idempotency_key,
        )
    except GatewayError as exc:
        raise DepartmentUnavailableError(f"gateway {payments.gateway.name}: {exc}") from exc
    now = clock.now()
    order = PaymentOrder(
        id=order_id,
        citizen=citizen,
        lang=lang,
        purpose=purpose,
        service_id=service_id,
        subject=subject,
        title=title,
        items=items,
        amount_paise=amount,
        status="created",
        gateway=payments.gateway.name,
        gateway_order_id=gateway_order.id,
        meta={**(meta or {}), "checkout": payments.checkout},
        idempotency_key=idempotency_key,
        created_at=now,
        updated_at=now,
    )
    db.add(order)
    db.flush()
    return order


def checkout_url(payments: Payments, order: PaymentOrder) -> str:
    return f"{payments.public_url}/pay/{order.id}"


def bill_replies(payments: Payments, order: PaymentOrder, lang: str) -> list[Reply]:
    """The bill to pay: `order_details` (any UPI app), or a checkout link where it cannot go."""
    title = order.title.get(lang) or order.title.get("en") or order.service_id
    body = text(lang, "payments.bill_body", title=title, amount=rupees(order.amount_paise))
    if (order.meta or {}).get("checkout") == "link":
        return [
            CtaUrl(
                body=body,
                display_text=text(lang, "payments.pay_button"),
                url=checkout_url(payments, order),
                footer=text(lang, "payments.reference", reference=order.id),
            )
        ]
    return [
        OrderDetails(
            reference_id=order.id,
            body=body,
            items=tuple(order.items),
            total_paise=order.amount_paise,
            payment_configuration=payments.payment_configuration,
            footer=text(lang, "payments.reference", reference=order.id),
            # A held seat's bill lapses with the hold; Meta wants at least 300 seconds.
            expiry_seconds=max(
                300, int((order.meta or {}).get("expiry_seconds", ORDER_EXPIRY_SECONDS))
            ),
        )
    ]


def find_order(db: Session, order_id: str, *, lock: bool = False) -> PaymentOrder | None:
    query = select(PaymentOrder).where(PaymentOrder.id == order_id)
    if lock:
        query = query.with_for_update()
    return db.scalars(query).first()
