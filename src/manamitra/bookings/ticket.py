"""The e-ticket PDF for a confirmed booking: the document engine's signed `booking` ticket
(QR verifiable like certificates; the platform's `documents` part), or a plain ticket when
signing fails, stored as media."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from fpdf import FPDF
from sqlalchemy.orm import Session

from manamitra import clock
from manamitra.documents.issue import new_number
from manamitra.documents.render import Office, Officer
from manamitra.errors import ManamitraError
from manamitra.names import in_script
from manamitra.parts import DocumentIssuer, Parts
from manamitra.store.models import Booking, MediaBlob

log = logging.getLogger(__name__)

BUS_OFFICE = Office(
    code="APSRTC-RES",
    name_en="APSRTC Reservations, Mana Mitra",
    name_te="ఏపీఎస్‌ఆర్టీసీ రిజర్వేషన్లు, మన మిత్ర",
)
BUS_OFFICER = Officer(designation_en="Reservation Officer", designation_te="రిజర్వేషన్ అధికారి")
TEMPLE_OFFICER = Officer(designation_en="Executive Officer", designation_te="కార్యనిర్వహణ అధికారి")
BOOKINGS_OFFICE = Office(code="AP-BKG", name_en="Mana Mitra Bookings", name_te="మన మిత్ర బుకింగ్‌లు")
BOOKINGS_OFFICER = Officer(designation_en="Booking Officer", designation_te="బుకింగ్ అధికారి")


def issue_ticket(db: Session, booking: Booking, parts: Parts) -> tuple[str, str]:
    filename = f"ticket-{booking.id}.pdf"
    if booking.ticket_media_key:
        return booking.ticket_media_key, filename
    key = _signed(db, booking, parts.documents)
    if key is None:
        key = _plain(db, booking, filename)
    booking.ticket_media_key = key
    return key, filename


def _signed(db: Session, booking: Booking, documents: DocumentIssuer) -> str | None:
    doc_type, facts, office, officer = _ticket_of(booking)
    holder = " ".join(str(booking.details.get("holder") or booking.citizen).split())
    try:
        issued = documents.issue(
            db,
            doc_type=doc_type,
            number=new_number(doc_type),
            holder_name_en=in_script(holder, "en"),
            holder_name_te=in_script(holder, "te"),
            facts=facts,
            office=office,
            officer=officer,
        )
    except ManamitraError:  # undone in full; a plain ticket still lets them travel or enter
        log.exception("signed ticket failed; issuing a plain one", extra={"booking": booking.id})
        return None
    return str(issued.media_key)


def _ticket_of(booking: Booking) -> tuple[str, dict[str, Any], Office, Officer]:
    """The document type, facts and issuing office of a booking's ticket: a bus ticket or a
    temple ticket from what the booking recorded, else (bookings made before those were
    recorded) the generic entry ticket."""
    details = booking.details
    if booking.domain == "bus" and {"origin", "destination", "bus_service"} <= details.keys():
        passengers = list(details.get("passengers", []))
        return (
            "bus_ticket",
            {
                "origin_en": details["origin"]["en"],
                "origin_te": details["origin"]["te"],
                "destination_en": details["destination"]["en"],
                "destination_te": details["destination"]["te"],
                "departure": booking.starts_at,
                "bus_service_en": details["bus_service"]["en"],
                "bus_service_te": details["bus_service"]["te"],
                "seats": ", ".join(details.get("seats") or []) or "-",
                "passengers_en": _people(passengers, "en"),
                "passengers_te": _people(passengers, "te"),
                "fare": booking.amount_paise,
            },
            BUS_OFFICE,
            BUS_OFFICER,
        )
    if booking.domain == "temple" and {"temple_name", "offering_name"} <= details.keys():
        temple = details["temple_name"]
        pilgrims = [{"name": name} for name in details.get("people", [])]
        return (
            "temple_ticket",
            {
                "temple_en": temple["en"],
                "temple_te": temple["te"],
                "darshan_en": details["offering_name"]["en"],
                "darshan_te": details["offering_name"]["te"],
                "slot": booking.starts_at,
                "persons": len(pilgrims) or booking.quantity,
                "pilgrims_en": _people(pilgrims, "en"),
                "pilgrims_te": _people(pilgrims, "te"),
                "amount": booking.amount_paise,
            },
            Office(
                code=f"END-{details.get('temple', 'TEMPLE')}".upper()[:24],
                name_en=f"{temple['en']} Devasthanam",
                name_te=f"{temple['te']} దేవస్థానం",
            ),
            TEMPLE_OFFICER,
        )
    venue = details.get("venue", {"en": booking.service_id, "te": booking.service_id})
    return (
        "booking",
        {
            "venue_en": venue["en"],
            "venue_te": venue["te"],
            "slot": booking.starts_at,
            "persons": booking.quantity,
            "amount": booking.amount_paise,
        },
        BOOKINGS_OFFICE,
        BOOKINGS_OFFICER,
    )


def _people(people: list[dict[str, Any]], lang: str) -> str:
    """ "Ravi Kumar (34), Sita (30)": each name in the half's script, with the age if known."""
    shown = []
    for person in people:
        name = in_script(" ".join(str(person.get("name", "")).split()), lang)
        shown.append(f"{name} ({person['age']})" if person.get("age") else name)
    return ", ".join(shown) or "-"


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
