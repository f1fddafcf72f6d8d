"""The money ledger: append-only entries in integer paise, each with an idempotency key.

A payment is recorded once per gateway payment id and a refund once per gateway refund id (a
unique key on each), so a webhook processed twice, or a turn repeated after a crash, can never
count money twice. Entries are never updated or deleted; a correction is an `adjustment`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from manamitra import clock
from manamitra.store.models import LedgerEntry


def find(db: Session, idempotency_key: str) -> LedgerEntry | None:
    return db.scalars(
        select(LedgerEntry).where(LedgerEntry.idempotency_key == idempotency_key)
    ).first()


def append(
    db: Session,
    *,
    order_id: str,
    kind: str,
    amount_paise: int,
    gateway: str,
    gateway_ref: str,
    idempotency_key: str,
    note: str | None = None,
    at: datetime | None = None,
) -> LedgerEntry:
    """Record money that moved, or return the entry already recorded under this key."""
    existing = find(db, idempotency_key)
    if existing is not None:
        if existing.amount_paise != amount_paise or existing.kind != kind:
            raise ValueError(f"ledger key {idempotency_key!r} reused for a different amount")
        return existing
    entry = LedgerEntry(
        order_id=order_id,
        kind=kind,
        amount_paise=amount_paise,
        gateway=gateway,
        gateway_ref=gateway_ref,
        idempotency_key=idempotency_key,
        note=note,
        created_at=at or clock.now(),
    )
    db.add(entry)
    db.flush()
    return entry


def payment_key(gateway: str, payment_id: str) -> str:
    return f"payment:{gateway}:{payment_id}"


def refund_key(gateway: str, payment_id: str) -> str:
    return f"refund:{gateway}:{payment_id}"


def net_for_order(db: Session, order_id: str) -> int:
    total = db.scalar(
        select(func.coalesce(func.sum(LedgerEntry.amount_paise), 0)).where(
            LedgerEntry.order_id == order_id
        )
    )
    return int(total or 0)


def entries_for_order(db: Session, order_id: str) -> list[LedgerEntry]:
    return list(
        db.scalars(
            select(LedgerEntry).where(LedgerEntry.order_id == order_id).order_by(LedgerEntry.id)
        )
    )
