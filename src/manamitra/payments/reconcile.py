"""Reconciliation: the gateway's settlement report against our ledger and orders.

Every settlement line must match one ledger entry (same gateway reference, kind and amount)
and every ledger entry one settlement line. Per order: a paid order keeps its amount (less any
cancellation refunds), anything else nets to zero. Duplicate and late payments refunded
automatically are *explained* differences and listed apart; anything else is a mismatch.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from manamitra import clock
from manamitra.payments.gateway import PaymentGateway
from manamitra.store.models import LedgerEntry, PaymentOrder


@dataclass
class Report:
    day: str | None
    settlements: int = 0
    ledger_entries: int = 0
    matched: int = 0
    collected_paise: int = 0
    refunded_paise: int = 0
    explained: list[dict[str, Any]] = field(default_factory=list)
    mismatches: list[dict[str, Any]] = field(default_factory=list)

    @property
    def unexplained(self) -> int:
        return len(self.mismatches)

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "unexplained": self.unexplained}


def reconcile(db: Session, gateway: PaymentGateway, day: date | None = None) -> Report:
    report = Report(day=day.isoformat() if day else None)
    lines = gateway.settlements(day)
    report.settlements = len(lines)
    query = select(LedgerEntry).where(LedgerEntry.gateway == gateway.name)
    entries = [
        e for e in db.scalars(query) if day is None or clock.to_ist(e.created_at).date() == day
    ]
    report.ledger_entries = len(entries)
    by_ref = {(e.kind, e.gateway_ref): e for e in db.scalars(query)}
    settled_refs = {(s.kind, s.ref) for s in gateway.settlements(None)}
    for line in lines:
        entry = by_ref.get((line.kind, line.ref))
        expected = line.amount_paise if line.kind == "payment" else -line.amount_paise
        if entry is None:
            report.mismatches.append(
                {
                    "ref": line.ref,
                    "order": line.receipt,
                    "kind": line.kind,
                    "reason": "settled by the gateway, missing from the ledger",
                    "amount_paise": line.amount_paise,
                }
            )
        elif entry.amount_paise != expected or entry.order_id != line.receipt:
            report.mismatches.append(
                {
                    "ref": line.ref,
                    "order": line.receipt,
                    "kind": line.kind,
                    "reason": "amount or order differs",
                    "gateway_paise": expected,
                    "ledger_paise": entry.amount_paise,
                }
            )
        else:
            report.matched += 1
        if line.kind == "payment":
            report.collected_paise += line.amount_paise
        else:
            report.refunded_paise += line.amount_paise
    for entry in entries:
        if entry.kind != "adjustment" and (entry.kind, entry.gateway_ref) not in settled_refs:
            report.mismatches.append(
                {
                    "ref": entry.gateway_ref,
                    "order": entry.order_id,
                    "kind": entry.kind,
                    "reason": "in the ledger, not settled",
                    "amount_paise": entry.amount_paise,
                }
            )
    _check_orders(db, {e.order_id for e in entries}, report)
    return report


def _check_orders(db: Session, order_ids: set[str], report: Report) -> None:
    if not order_ids:
        return
    nets: dict[str, int] = defaultdict(int)
    payments: dict[str, int] = defaultdict(int)
    cancellations: dict[str, int] = defaultdict(int)
    auto_refunds: dict[str, list[str]] = defaultdict(list)
    for entry in db.scalars(select(LedgerEntry).where(LedgerEntry.order_id.in_(order_ids))):
        nets[entry.order_id] += entry.amount_paise
        if entry.kind == "payment":
            payments[entry.order_id] += 1
        elif entry.note == "cancellation":
            cancellations[entry.order_id] += -entry.amount_paise
        elif entry.kind == "refund":
            auto_refunds[entry.order_id].append(entry.note or "refund")
    for order in db.scalars(select(PaymentOrder).where(PaymentOrder.id.in_(order_ids))):
        net = nets[order.id]
        keeps = order.status == "paid" or (order.status == "refunded" and cancellations[order.id])
        expected = order.amount_paise - cancellations[order.id] if keeps else 0
        if net != expected:
            report.mismatches.append(
                {
                    "order": order.id,
                    "reason": "order net differs",
                    "status": order.status,
                    "expected_paise": expected,
                    "ledger_net_paise": net,
                }
            )
        elif auto_refunds[order.id]:
            report.explained.append(
                {
                    "order": order.id,
                    "payments": payments[order.id],
                    "refunded_because": sorted(set(auto_refunds[order.id])),
                }
            )
