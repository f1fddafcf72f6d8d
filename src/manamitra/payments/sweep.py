"""The reconciliation job: asks the gateway about every order still waiting for money (so a
payment whose webhooks were all lost is still confirmed and the citizen told), and logs the
reconciliation report, with any unexplained difference as an error, once an hour."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from sqlalchemy import select

from manamitra import clock
from manamitra.messaging.outbox import enqueue
from manamitra.parts import Parts
from manamitra.payments.confirm import confirm
from manamitra.payments.reconcile import reconcile
from manamitra.payments.service import Payments
from manamitra.store import Database
from manamitra.store.models import PaymentOrder

log = logging.getLogger(__name__)
LOOK_BACK = timedelta(days=1)


def sweep_pending(database: Database, payments: Payments, parts: Parts, limit: int = 200) -> int:
    """Confirm every recent unpaid order against the gateway; how many changed."""
    since = clock.now() - LOOK_BACK
    with database.unit_of_work() as db:
        ids = list(
            db.scalars(
                select(PaymentOrder.id)
                .where(PaymentOrder.status == "created", PaymentOrder.created_at >= since)
                .order_by(PaymentOrder.created_at)
                .limit(limit)
            )
        )
    changed = 0
    for order_id in ids:
        with database.unit_of_work() as db:
            replies = confirm(db, payments, order_id, parts)
            order = db.get(PaymentOrder, order_id)
            if replies and order is not None:
                enqueue(db, order.citizen, replies)
                changed += 1
    if changed:
        payments.wake_sender()
    return changed


def reconciliation_job(
    database: Database,
    payments: Payments,
    parts: Parts,
    *,
    every_seconds: float = 120.0,
    report_every: timedelta = timedelta(hours=1),
) -> Callable[[asyncio.Event], Awaitable[None]]:
    def report() -> None:
        with database.unit_of_work() as db:
            result = reconcile(db, payments.gateway, clock.to_ist(clock.now()).date())
        if result.unexplained:
            log.error(
                "reconciliation: unexplained differences",
                extra={"count": result.unexplained, "mismatches": result.mismatches[:20]},
            )
        else:
            log.info("reconciliation clean", extra={"matched": result.matched})

    async def run(stop: asyncio.Event) -> None:
        last_report = clock.now() - report_every
        while not stop.is_set():
            confirmed = await asyncio.to_thread(sweep_pending, database, payments, parts)
            if confirmed:
                log.info("payments confirmed by the sweep", extra={"count": confirmed})
            if clock.now() - last_report >= report_every:
                await asyncio.to_thread(report)
                last_report = clock.now()
            try:
                await asyncio.wait_for(stop.wait(), timeout=every_seconds)
            except TimeoutError:
                continue

    return run
