"""The `payment` kind: look up what a citizen owes a department (a power bill, property or
water tax, a trade licence fee, traffic challans) or take a donation, and send the bill to pay
inside WhatsApp. Also the payment status event handler and the "my payments" status source.

Example::

    kind: payment
    steps:
      - id: discom
        type: choice
        prompt: {en: "Your power company?", te: "మీ విద్యుత్ సంస్థ?"}
        options:
          - {id: apspdcl, label: {en: APSPDCL, te: ఏపీఎస్‌పీడీసీఎల్}}
      - {id: service_number, type: text, prompt: {en: "Service number?", te: "సర్వీస్ నంబర్?"}}
    payment: {system_from: discom, account: service_number}

A donation (e-hundi) names the amount step instead: `payment: {donation: temple, amount: amount}`.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import manamitra.departments.discoms
import manamitra.departments.echallan
import manamitra.departments.municipal_tax  # noqa: F401
from manamitra.catalog.schema import ServiceSpec
from manamitra.departments.billing import BILL_SYSTEMS, Statement, record_paid
from manamitra.departments.temples import TEMPLES
from manamitra.errors import SpecError
from manamitra.messaging.inbound import Inbound
from manamitra.messaging.outbox import enqueue
from manamitra.messaging.reply import Document, Text
from manamitra.parts import Parts
from manamitra.payments.confirm import confirm
from manamitra.payments.fulfil import Fulfilment, register_fulfiller
from manamitra.payments.orders import bill_replies, create_order, find_order
from manamitra.payments.receipt import issue_receipt
from manamitra.payments.service import Payments
from manamitra.payments.text import rupees, text
from manamitra.services.kind import (
    AskAgain,
    Done,
    EventContext,
    KindResult,
    ServiceContext,
    ServiceKind,
    register_event_handler,
    register_kind,
)
from manamitra.services.status import StatusItem, number_lookup, status_source
from manamitra.store.models import PaymentOrder

MAX_DONATION_PAISE = 10_00_000_00


class Payment(ServiceKind):
    name = "payment"

    def check(self, spec: ServiceSpec) -> None:
        config = spec.payment or {}
        step_ids = {s.id for s in spec.steps}
        if "donation" in config:
            if config.get("amount") not in step_ids:
                raise SpecError("payment.amount: must name the amount step")
            return
        if config.get("account") not in step_ids:
            raise SpecError("payment.account: must name the step asking the account number")
        system = config.get("system")
        if system is None and config.get("system_from") not in step_ids:
            raise SpecError("payment: needs `system` or `system_from` (a step id)")
        if system is not None and system not in BILL_SYSTEMS:
            raise SpecError(f"payment.system: unknown bill system {system!r}")

    def complete(self, ctx: ServiceContext) -> KindResult:
        config = ctx.spec.payment or {}
        payments = ctx.parts.payments
        if "donation" in config:
            return self._donation(ctx, payments, config)
        system_id = config.get("system") or str(ctx.answers[config["system_from"]])
        system = BILL_SYSTEMS[system_id]
        account = str(ctx.answers[config["account"]]).strip()
        statement = system.lookup(ctx.db, account)
        if statement is None:
            return AskAgain(config["account"], "records.not_found", {"value": account[:40]})
        ctx.say(Text(_statement_text(statement, system.name, ctx.lang)))
        if not statement.dues:
            ctx.say(Text(text(ctx.lang, "payments.nothing_due")))
            return Done()
        refs = ",".join(d.ref for d in statement.dues)
        digest = hashlib.sha256(refs.encode()).hexdigest()[:16]
        order = create_order(
            ctx.db,
            payments,
            citizen=ctx.citizen,
            lang=ctx.lang,
            purpose="bill",
            service_id=ctx.spec.id,
            subject=f"{system_id}:{statement.account}",
            title={
                "en": f"{system.name['en']} {statement.account}",
                "te": f"{system.name['te']} {statement.account}",
            },
            items=[
                {
                    "id": str(i + 1),
                    "name": d.label.get(ctx.lang, d.label["en"])[:60],
                    "amount_paise": d.amount_paise,
                    "quantity": 1,
                }
                for i, d in enumerate(statement.dues)
            ],
            idempotency_key=f"bill:{ctx.citizen}:{system_id}:{statement.account}:{digest}",
            meta={
                "system": system_id,
                "account": statement.account,
                "dues": [[d.ref, d.amount_paise] for d in statement.dues],
                "holder": statement.holder_names,  # the receipt is in the bill holder's name
            },
        )
        ctx.say(*bill_replies(payments, order, ctx.lang))
        return Done(to_menu=False)

    def _donation(
        self, ctx: ServiceContext, payments: Payments, config: dict[str, Any]
    ) -> KindResult:
        amount = int(ctx.answers[config["amount"]])
        if amount < 100 or amount > MAX_DONATION_PAISE:
            return AskAgain(config["amount"], "errors.amount_invalid")
        target = str(ctx.answers.get(config["donation"], "general"))
        title = {"en": f"e-Hundi donation ({target})", "te": f"ఈ-హుండీ కానుక ({target})"}

        temple = TEMPLES.get(target)
        if temple is not None:
            title = {"en": f"e-Hundi, {temple.name['en']}", "te": f"ఈ-హుండీ, {temple.name['te']}"}
        order = create_order(
            ctx.db,
            payments,
            citizen=ctx.citizen,
            lang=ctx.lang,
            purpose="donation",
            service_id=ctx.spec.id,
            subject=f"ehundi:{target}",
            title=title,
            items=[
                {
                    "id": "1",
                    "name": title[ctx.lang if ctx.lang == "te" else "en"][:60],
                    "amount_paise": amount,
                    "quantity": 1,
                }
            ],
            idempotency_key=f"donation:{ctx.citizen}:{ctx.inbound.message_id if ctx.inbound else ''}",
        )
        ctx.say(*bill_replies(payments, order, ctx.lang))
        return Done(to_menu=False)


def _statement_text(statement: Statement, name: dict[str, str], lang: str) -> str:
    lines = [f"*{name.get(lang, name['en'])}*", *statement.lines.get(lang, statement.lines["en"])]
    if statement.history:
        lines.append("")
        lines.append(text(lang, "payments.history_title"))
        for label, amount, paid in statement.history[-6:]:
            mark = text(lang, "payments.paid_mark" if paid else "payments.unpaid_mark")
            lines.append(f"• {label.get(lang, label['en'])}: {rupees(amount)} {mark}")
    if statement.dues:
        lines.append("")
        for due in statement.dues:
            when = (
                f" — {text(lang, 'payments.due_by', date=due.due_date.strftime('%d-%m-%Y'))}"
                if due.due_date
                else ""
            )
            lines.append(
                f"• {due.label.get(lang, due.label['en'])}: {rupees(due.amount_paise)}{when}"
            )
        lines.append(text(lang, "payments.total_due", amount=rupees(statement.total_paise)))
    return "\n".join(lines)[:4000]


def _fulfil_bill(db: Session, order: PaymentOrder, parts: Parts) -> Fulfilment:
    meta = order.meta or {}
    dues = [(str(ref), int(amount)) for ref, amount in meta.get("dues", [])]
    if not record_paid(db, meta["system"], meta["account"], dues, order.id):
        return Fulfilment(
            "refund", [Text(text(order.lang, "payments.already_paid_refund", reference=order.id))]
        )
    key, filename = issue_receipt(db, order, parts)
    return Fulfilment(
        "fulfilled",
        [
            Text(
                text(
                    order.lang,
                    "payments.bill_paid",
                    amount=rupees(order.amount_paise),
                    reference=order.id,
                    account=meta["account"],
                )
            ),
            Document(
                media_key=key,
                filename=filename,
                caption=text(order.lang, "payments.receipt_caption", reference=order.id),
            ),
        ],
    )


def _fulfil_donation(db: Session, order: PaymentOrder, parts: Parts) -> Fulfilment:
    key, filename = issue_receipt(db, order, parts)
    return Fulfilment(
        "fulfilled",
        [
            Text(text(order.lang, "payments.donation_thanks", amount=rupees(order.amount_paise))),
            Document(
                media_key=key,
                filename=filename,
                caption=text(order.lang, "payments.receipt_caption", reference=order.id),
            ),
        ],
    )


def payment_status(ctx: EventContext, inbound: Inbound) -> bool:
    """A WhatsApp payment status: confirmed with the gateway's lookup before anything changes."""
    data = inbound.extra.get("payment") if inbound.extra else None
    payments = ctx.parts.payments
    if not isinstance(data, dict):
        return False
    reference = str(data.get("reference_id") or "")
    order = find_order(ctx.db, reference)
    if order is None:
        return False
    replies = confirm(ctx.db, payments, reference, ctx.parts)
    if order.citizen == ctx.citizen:
        ctx.say(*replies)
    elif replies:
        enqueue(ctx.db, order.citizen, replies)
    return True


def _item(order: PaymentOrder) -> StatusItem:
    status_key = {
        "created": "status_created",
        "paid": "status_paid",
        "failed": "status_failed",
        "refunded": "status_refunded",
        "cancelled": "status_cancelled",
    }[order.status]
    return StatusItem(
        reference=order.id,
        title={lang: order.title.get(lang, order.service_id) for lang in ("en", "te")},
        status={lang: text(lang, f"payments.{status_key}") for lang in ("en", "te")},
        updated_at=order.updated_at,
        detail={lang: rupees(order.amount_paise) for lang in ("en", "te")},
        document_media_key=order.receipt_media_key,
        document_filename=f"receipt-{order.id}.pdf" if order.receipt_media_key else None,
    )


@status_source("payments")
def my_payments(db: Session, citizen: str) -> list[StatusItem]:
    rows = db.scalars(
        select(PaymentOrder)
        .where(
            PaymentOrder.citizen == citizen,
            PaymentOrder.status != "created",
            PaymentOrder.purpose != "booking",
        )
        .order_by(PaymentOrder.updated_at.desc())
        .limit(10)
    )
    return [_item(order) for order in rows]


@number_lookup("payments")
def payment_by_number(db: Session, citizen: str, typed: str) -> StatusItem | None:
    typed = typed.strip().upper()
    if not typed.startswith("MM-") or len(typed) > 35:
        return None
    order = db.scalars(
        select(PaymentOrder).where(PaymentOrder.id == typed, PaymentOrder.citizen == citizen)
    ).first()
    return _item(order) if order is not None else None


def register() -> None:
    """Enter what this module provides in the registries (`services.registry` calls it)."""
    register_kind(Payment)
    register_fulfiller("bill", _fulfil_bill)
    register_fulfiller("donation", _fulfil_donation)
    register_event_handler("order", payment_status)
