"""Processing a verified gateway webhook: once per event id and per signed delivery, confirmed
by lookup, replies queued.

Everything happens in one transaction: the event id recorded (a replay finds it and stops),
the order confirmed against the gateway, the ledger entries, the fulfilment and the citizen's
messages in the outbox. Duplicate, late and out-of-order events all end in the same state.
"""

from __future__ import annotations

import logging

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from manamitra import clock
from manamitra.messaging.outbox import enqueue
from manamitra.parts import Parts
from manamitra.payments.confirm import confirm
from manamitra.payments.gateway import WebhookEvent
from manamitra.payments.orders import find_order
from manamitra.payments.service import Payments
from manamitra.store import Database
from manamitra.store.models import GatewayEvent

log = logging.getLogger(__name__)


def process_event(database: Database, payments: Payments, parts: Parts, event: WebhookEvent) -> str:
    """ "processed", "duplicate" or "unknown_order"; raises only on a store failure."""
    try:
        with database.unit_of_work() as db:
            same_delivery = GatewayEvent.event_id == event.id
            if event.signed_digest:
                same_delivery = or_(
                    same_delivery, GatewayEvent.signed_digest == event.signed_digest
                )
            seen = db.scalars(
                select(GatewayEvent).where(
                    GatewayEvent.gateway == payments.gateway.name, same_delivery
                )
            ).first()
            if seen is not None:
                return "duplicate"
            db.add(
                GatewayEvent(
                    gateway=payments.gateway.name,
                    event_id=event.id,
                    event_type=event.type,
                    order_id=event.receipt,
                    received_at=clock.now(),
                    signed_digest=event.signed_digest or None,
                )
            )
            db.flush()
            if not event.receipt or find_order(db, event.receipt) is None:
                return "unknown_order"
            replies = confirm(db, payments, event.receipt, parts)
            order = find_order(db, event.receipt)
            if replies and order is not None:
                enqueue(db, order.citizen, replies)
    except IntegrityError:
        # The same event delivered twice at once: the other delivery recorded and processed it.
        return "duplicate"
    if replies:
        payments.wake_sender()
    return "processed"
