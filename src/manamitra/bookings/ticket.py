"""The e-ticket PDF for a confirmed booking: the document engine's signed `booking` ticket
(QR verifiable like certificates) when it is wired, else a plain ticket, stored as media."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from fpdf import FPDF
from sqlalchemy.orm import Session

from manamitra import clock
from manamitra.store.models import Booking, MediaBlob

log = logging.getLogger(__name__)


def issue_ticket(db: Session, booking: Booking, services: dict[str, Any]) -> tuple[str, str]:
    filename = f"ticket-{booking.id}.pdf"
    if booking.ticket_media_key:
        return booking.ticket_media_key, filename
    key = None
    documents = services.get("documents")
    if documents is not None:
        key = _signed(db, booking, documents)
    if key is None:
        key = _plain(db, booking, filename)
    booking.ticket_media_key = key
    return key, filename


def _signed(db: Session, booking: Booking, documents: Any) -> str | None:
    from manamitra.documents.issue import new_number
    from manamitra.documents.render import Office, Officer

    venue = booking.details.get("venue", {"en": booking.service_id, "te": booking.service_id})
    holder = booking.details.get("holder", booking.citizen)
    try:
        issued = documents.issue(
            db,
            doc_type="booking",
            number=new_number("booking"),
            holder_name_en=holder,
            holder_name_te=holder,
            facts={
                "venue_en": venue["en"],
                "venue_te": venue["te"],
                "slot": booking.starts_at,
                "persons": booking.quantity,
                "amount": booking.amount_paise,
            },
            office=Office(code="AP-BKG", name_en="Mana Mitra Bookings", name_te="మన మిత్ర బుకింగ్‌లు"),
            officer=Officer(designation_en="Booking Officer", designation_te="బుకింగ్ అధికారి"),
        )
    except Exception:  # a plain ticket still lets the citizen travel or enter
        log.exception("signed ticket failed; issuing a plain one", extra={"booking": booking.id})
        return None
    return str(issued.media_key)


def _plain(db: Session, booking: Booking, filename: str) -> str:
    pdf = FPDF(format=(148, 210))  # A5, given as millimetres
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 10, "Mana Mitra - e-Ticket", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    venue = booking.details.get("venue", {}).get("en", booking.service_id)
    rows = [
        ("Ticket", booking.id),
        ("For", venue),
        ("When (IST)", clock.format_ist(booking.starts_at)),
        ("Persons", str(booking.quantity)),
        ("Amount", f"Rs. {booking.amount_paise / 100:,.2f}"),
    ]
    if booking.details.get("seats"):
        rows.append(("Seats", ", ".join(booking.details["seats"])))
    for person in booking.details.get("people", []):
        rows.append(("Name", str(person)))
    for label, value in rows:
        pdf.cell(35, 7, label)
        pdf.cell(
            0,
            7,
            value.encode("latin-1", "replace").decode("latin-1"),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    content = bytes(pdf.output())
    key = f"ticket/{booking.id}.pdf"
    db.add(
        MediaBlob(
            key=key,
            mime_type="application/pdf",
            filename=filename,
            sha256=hashlib.sha256(content).hexdigest(),
            size=len(content),
            content=content,
            created_at=clock.now(),
        )
    )
    db.flush()
    return key
