"""The citizen's tickets: "my tickets" in the status list, a ticket found by its number, and
the choice of ticket to cancel."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from manamitra import clock
from manamitra.fields.base import AskContext, Option, register_option_provider
from manamitra.formatting import datetime_words
from manamitra.payments.text import text
from manamitra.services.booking.hold import both
from manamitra.services.status import StatusItem, number_lookup, status_source
from manamitra.store.models import Booking


def _my_tickets(ctx: AskContext, step: Any) -> list[Option]:
    if ctx.db is None:
        return []
    rows = ctx.db.scalars(
        select(Booking)
        .where(
            Booking.citizen == ctx.citizen,
            Booking.status == "confirmed",
            Booking.starts_at > clock.now(),
        )
        .order_by(Booking.starts_at)
        .limit(30)
    )
    return [
        Option(
            id=b.id,
            label=both(b.id, b.id),
            description={
                lang: f"{b.details.get('venue', {}).get(lang, '')[:45]} "
                f"{clock.format_ist(b.starts_at, '%d-%m %H:%M')}"[:72]
                for lang in ("en", "te")
            },
        )
        for b in rows
    ]


def _ticket_item(b: Booking) -> StatusItem:
    return StatusItem(
        reference=b.id,
        title={lang: b.details.get("venue", {}).get(lang, b.service_id) for lang in ("en", "te")},
        status={lang: text(lang, f"bookings.status_{b.status}") for lang in ("en", "te")},
        updated_at=b.updated_at,
        detail={lang: datetime_words(b.starts_at, lang) for lang in ("en", "te")},
        document_media_key=b.ticket_media_key if b.status == "confirmed" else None,
        document_filename=f"ticket-{b.id}.pdf" if b.ticket_media_key else None,
    )


@status_source("tickets")
def my_tickets(db: Session, citizen: str) -> list[StatusItem]:
    rows = db.scalars(
        select(Booking)
        .where(Booking.citizen == citizen)
        .order_by(Booking.updated_at.desc())
        .limit(10)
    )
    return [_ticket_item(b) for b in rows]


@number_lookup("tickets")
def ticket_by_number(db: Session, citizen: str, typed: str) -> StatusItem | None:
    typed = typed.strip().upper()
    if not typed.startswith(("APT", "TMP")) or len(typed) > 24:
        return None
    booking = db.get(Booking, typed)
    return _ticket_item(booking) if booking is not None and booking.citizen == citizen else None


def register() -> None:
    """Enter the choice of ticket in the registry (`services.registry` calls it); the status
    sources above are entered when this module is imported."""
    register_option_provider("my_tickets", _my_tickets)
