"""A receipt PDF for every successful payment: the document engine's signed `payment`
receipt (the platform's `documents` part), or a plain one when signing fails, stored as media."""

from __future__ import annotations

import hashlib
import logging

from fpdf import FPDF
from sqlalchemy.orm import Session

from manamitra import clock
from manamitra.documents.issue import new_number
from manamitra.documents.render import Office, Officer
from manamitra.errors import ManamitraError
from manamitra.names import both_scripts
from manamitra.parts import DocumentIssuer, Parts
from manamitra.payments.text import rupees
from manamitra.store.models import MediaBlob, PaymentOrder

log = logging.getLogger(__name__)


def issue_receipt(db: Session, order: PaymentOrder, parts: Parts) -> tuple[str, str]:
    """(media_key, filename) of the order's receipt, issued once."""
    if order.receipt_media_key:
        return order.receipt_media_key, _filename(order)
    key = _signed_receipt(db, order, parts.documents)
    if key is None:
        key = _plain_receipt(db, order)
    order.receipt_media_key = key
    return key, _filename(order)


def _filename(order: PaymentOrder) -> str:
    return f"receipt-{order.id}.pdf"


def holder_names(order: PaymentOrder) -> tuple[str, str]:
    """(English, Telugu) name a receipt is made out to: the bill holder the department's
    record gave (consumer, assessee), else the citizen who paid."""
    holder = (order.meta or {}).get("holder") or {}
    english = str(holder.get("en") or "").strip()
    telugu = str(holder.get("te") or "").strip()
    if not english and not telugu:
        return order.citizen, order.citizen
    return both_scripts(english, telugu)


def _signed_receipt(db: Session, order: PaymentOrder, documents: DocumentIssuer) -> str | None:
    holder_en, holder_te = holder_names(order)
    try:
        issued = documents.issue(
            db,
            doc_type="payment",
            number=new_number("payment"),
            holder_name_en=holder_en,
            holder_name_te=holder_te,
            facts={
                "service_en": order.title.get("en", order.service_id),
                "service_te": order.title.get("te", order.service_id),
                "amount": order.amount_paise,
                "paid_at": order.paid_at or clock.now(),
                "mode": (order.method or "upi").upper(),
                "transaction_id": order.payment_id or "",
                "application": order.id,
            },
            office=Office(code="AP-PAY", name_en="Mana Mitra Payments", name_te="మన మిత్ర చెల్లింపులు"),
            officer=Officer(designation_en="Accounts Officer", designation_te="అకౌంట్స్ అధికారి"),
        )
    except ManamitraError:  # undone in full; a plain receipt still proves the payment
        log.exception("signed receipt failed; issuing a plain one", extra={"order": order.id})
        return None
    return str(issued.media_key)


def _plain_receipt(db: Session, order: PaymentOrder) -> str:
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 12, "Mana Mitra - Payment receipt", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    paid = clock.format_ist(order.paid_at or clock.now())
    for label, value in (
        ("Receipt / order", order.id),
        ("Service", order.title.get("en", order.service_id)),
        ("For", order.subject),
        ("Amount", rupees(order.amount_paise).replace("₹", "Rs. ")),
        ("Paid at (IST)", paid),
        ("Payment id", order.payment_id or "-"),
        ("Mode", (order.method or "upi").upper()),
    ):
        pdf.cell(50, 8, label)
        pdf.cell(0, 8, value, new_x="LMARGIN", new_y="NEXT")
    content = bytes(pdf.output())
    key = f"receipt/{order.id}.pdf"
    db.add(
        MediaBlob(
            key=key,
            mime_type="application/pdf",
            filename=_filename(order),
            sha256=hashlib.sha256(content).hexdigest(),
            size=len(content),
            content=content,
            created_at=clock.now(),
        )
    )
    db.flush()
    return key
