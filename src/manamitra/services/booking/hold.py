"""Holding places while the citizen pays, the bill for them, and the lines that name what
was held and what it costs; shared by the bus and temple products."""

from __future__ import annotations

from typing import Any

from manamitra.bookings.inventory import release
from manamitra.errors import DepartmentUnavailableError
from manamitra.formatting import datetime_words, money, time_ist
from manamitra.messaging.reply import Text
from manamitra.payments.orders import bill_replies, create_order
from manamitra.payments.text import rupees, text
from manamitra.services.kind import Done, KindResult, ServiceContext
from manamitra.store.models import Booking


def both(en: str, te: str) -> dict[str, str]:
    return {"en": en, "te": te}


def sum_line(lang: str, label_key: str, amounts: list[int]) -> str:
    """ "Fare: ₹1,250 + ₹625 = *₹1,875*", "Amount: ₹300 × 2 = *₹600*", or just "*₹300*"."""
    total = money(sum(amounts))
    if len(amounts) == 1:
        worked = f"*{total}*"
    elif len(set(amounts)) == 1:
        worked = f"{money(amounts[0])} × {len(amounts)} = *{total}*"
    else:
        worked = " + ".join(money(a) for a in amounts) + f" = *{total}*"
    return f"• {text(lang, label_key)}: {worked}"


def _seats_line(lang: str, seats: list[str] | None) -> str:
    return text(lang, "bookings.seats_line", seats=", ".join(seats)) if seats else ""


def places(booking: Booking, lang: str) -> str:
    """The line naming what was booked: a bus's seat numbers, a temple's number of pilgrims."""
    if booking.domain == "bus":
        return _seats_line(lang, booking.details.get("seats"))
    persons = len(booking.details.get("people") or []) or booking.quantity
    return text(lang, "bookings.persons_line", persons=persons)


def hold_key(ctx: ServiceContext) -> str:
    return f"{ctx.citizen}:{ctx.spec.id}:{ctx.inbound.message_id if ctx.inbound else ''}"


def hold_and_bill(
    ctx: ServiceContext, *, booking: Booking, items: list[dict[str, Any]], title: dict[str, str]
) -> KindResult:
    payments = ctx.parts.payments
    try:
        order = create_order(
            ctx.db,
            payments,
            citizen=ctx.citizen,
            lang=ctx.lang,
            purpose="booking",
            service_id=ctx.spec.id,
            subject=booking.id,
            title=title,
            items=items,
            idempotency_key=f"booking:{booking.id}",
            prefix="MB",
            meta={"booking": booking.id, "expiry_seconds": payments.hold_minutes * 60},
        )
    except DepartmentUnavailableError:
        release(ctx.db, booking)  # no bill, so no hold: the places go back at once
        raise
    booking.order_id = order.id
    ctx.say(
        Text(
            text(
                ctx.lang,
                "bookings.held",
                what=booking.details["venue"][ctx.lang],
                when=datetime_words(booking.starts_at, ctx.lang),
                reference=booking.id,
                amount=rupees(order.amount_paise),
                until=time_ist(booking.expires_at),
                seats=places(booking, ctx.lang),
            )
        )
    )
    ctx.say(*bill_replies(payments, order, ctx.lang))
    return Done(to_menu=False)
