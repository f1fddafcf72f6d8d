"""After the bill: a confirmed payment settles the hold and issues the ticket (or refunds a
lapsed hold); a cancelled ticket is refunded by its domain's rule."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from manamitra import clock
from manamitra.bookings.inventory import cancel, settle
from manamitra.bookings.ticket import issue_ticket
from manamitra.departments import apsrtc, temples
from manamitra.events import code_of, department_of, record_event
from manamitra.formatting import datetime_words
from manamitra.messaging.reply import Document, Text
from manamitra.parts import Parts
from manamitra.payments.confirm import refund
from manamitra.payments.fulfil import Fulfilment, register_fulfiller
from manamitra.payments.orders import find_order
from manamitra.payments.text import rupees, text
from manamitra.services.booking.hold import places
from manamitra.services.kind import Done, KindResult, ServiceContext
from manamitra.store.models import Booking, PaymentOrder


def cancel_ticket(ctx: ServiceContext) -> KindResult:
    booking = ctx.db.get(Booking, str(ctx.answers["ticket"]))
    if booking is None or booking.citizen != ctx.citizen or booking.status != "confirmed":
        ctx.say(Text(text(ctx.lang, "bookings.not_cancellable")))
        return Done()
    hours = (booking.starts_at - clock.now()).total_seconds() / 3600
    rule = apsrtc.refund_percent if booking.domain == "bus" else temples.refund_percent
    percent = rule(hours) if hours > 0 else 0
    if hours <= 0 or not cancel(ctx.db, booking):
        ctx.say(Text(text(ctx.lang, "bookings.not_cancellable")))
        return Done()
    amount = booking.amount_paise * percent // 100
    order = find_order(ctx.db, booking.order_id or "", lock=True)
    if amount > 0 and order is not None:
        amount = refund(ctx.db, ctx.parts.payments, order, note="cancellation", amount_paise=amount)
        booking.refund_paise = amount
        if amount == order.amount_paise:
            order.status = "refunded"
        order.updated_at = clock.now()
    record_event(
        ctx.db,
        "booking.cancelled",
        citizen=booking.citizen,
        service=code_of(booking.service_id),
        department=department_of(booking.service_id),
        kind=code_of(booking.domain),
        quantity=booking.quantity,
        amount_paise=max(amount, 0),
    )
    ctx.say(
        Text(
            text(
                ctx.lang,
                "bookings.cancelled",
                reference=booking.id,
                percent=percent,
                amount=rupees(amount),
            )
        )
    )
    return Done()


def _fulfil_booking(db: Session, order: PaymentOrder, parts: Parts) -> Fulfilment:
    booking = db.get(Booking, str((order.meta or {}).get("booking")))
    if booking is None:
        return Fulfilment(
            "refund", [Text(text(order.lang, "bookings.expired_refunded", reference=order.id))]
        )
    pick = None
    if booking.domain == "bus" and booking.details.get("class") in apsrtc.CLASSES:
        bus_class = apsrtc.CLASSES[booking.details["class"]]
        genders = list(booking.details.get("genders", []))
        preference = str(booking.details.get("preference", "any"))

        def pick(taken: set[str]) -> list[str] | None:
            return apsrtc.pick_seats(bus_class, genders, preference, taken)

    outcome = settle(db, booking, pick)
    if outcome == "refund":
        return Fulfilment(
            "refund", [Text(text(order.lang, "bookings.expired_refunded", reference=booking.id))]
        )
    key, filename = issue_ticket(db, booking, parts)
    replies: list[Any] = []
    if outcome == "reallocated":
        replies.append(Text(text(order.lang, "bookings.reallocated", reference=booking.id)))
    replies.append(
        Text(
            text(
                order.lang,
                "bookings.confirmed",
                reference=booking.id,
                what=booking.details.get("venue", {}).get(order.lang, ""),
                when=datetime_words(booking.starts_at, order.lang),
                seats=places(booking, order.lang),
                show=text(order.lang, f"bookings.show_{booking.domain}"),
            )
        )
    )
    replies.append(
        Document(
            media_key=key,
            filename=filename,
            caption=text(order.lang, "bookings.ticket_caption", reference=booking.id),
        )
    )
    return Fulfilment(outcome, replies)


def register() -> None:
    """Enter the booking fulfiller in the registry (`services.registry` calls it)."""
    register_fulfiller("booking", _fulfil_booking)
