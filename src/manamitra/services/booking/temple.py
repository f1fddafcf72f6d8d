"""The temple product: temples, darshan/seva/room offerings, slots and photo-ID types to
choose from, the amount on the review, the per-mobile and per-pilgrim daily limits, and holding
the places."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from manamitra import clock
from manamitra.bookings.inventory import (
    HoldRequest,
    available,
    booking_id_for,
    ensure_pool,
    find_pool,
    hold,
)
from manamitra.departments import temples
from manamitra.fields.base import AskContext, Option, register_option_provider
from manamitra.formatting import date_words
from manamitra.messaging.reply import Text
from manamitra.payments.text import rupees, text
from manamitra.services.booking.hold import both, hold_and_bill, hold_key, sum_line
from manamitra.services.kind import Done, KindResult, ServiceContext
from manamitra.store.models import Booking, BookingPool

TEMPLE_STEPS = {"temple", "offering", "visit_date", "slot", "pilgrims"}


def temple_amount_lines(answers: dict[str, Any], lang: str) -> list[str]:
    temple = temples.TEMPLES.get(str(answers.get("temple")))
    offering = temple.offering(str(answers.get("offering"))) if temple else None
    pilgrims = list(answers.get("pilgrims") or [])
    if temple is None or offering is None or not pilgrims:
        return []
    count = temples.tickets(offering, len(pilgrims))
    return [
        sum_line(lang, "bookings.summary_amount", [offering.price_paise] * count),
        text(lang, "bookings.summary_pay_next"),
    ]


def book_temple(ctx: ServiceContext) -> KindResult:
    a = ctx.answers
    temple = temples.TEMPLES[str(a["temple"])]
    offering = temple.offering(str(a["offering"]))
    day = date.fromisoformat(str(a["visit_date"]))
    slot = str(a["slot"])
    if offering is None or slot not in offering.slots:
        ctx.say(Text(text(ctx.lang, "bookings.service_gone")))
        return Done()
    starts = temples.slot_start(day, slot)
    if starts <= clock.now():
        ctx.say(Text(text(ctx.lang, "bookings.service_gone")))
        return Done()
    pilgrims = list(a["pilgrims"])[: offering.max_per_booking]
    persons = len(pilgrims)
    if (
        _persons_today(ctx.db, ctx.citizen, temple.id, day) + persons
        > temples.MAX_PERSONS_PER_MOBILE_PER_DAY
    ):
        ctx.say(
            Text(
                text(
                    ctx.lang, "bookings.limit_reached", limit=temples.MAX_PERSONS_PER_MOBILE_PER_DAY
                )
            )
        )
        return Done()
    ids = {f"{p.get('id_type')}:{p.get('id_last4')}" for p in pilgrims}
    if ids & _ids_today(ctx.db, temple.id, day) or len(ids) < persons:
        ctx.say(Text(text(ctx.lang, "bookings.pilgrim_already_booked")))
        return Done()
    quantity = temples.tickets(offering, persons)
    pool = ensure_pool(
        ctx.db,
        key=temples.pool_key(temple.id, offering.id, day, slot),
        domain="temple",
        capacity=offering.quota,
        starts_at=starts,
        meta={"temple": temple.id, "offering": offering.id},
    )
    venue = {lang: f"{temple.name[lang]} — {offering.name[lang]}" for lang in ("en", "te")}
    payments = ctx.parts.payments
    booking = hold(
        ctx.db,
        pool,
        HoldRequest(
            booking_id=booking_id_for("TMP", hold_key(ctx)),
            citizen=ctx.citizen,
            domain="temple",
            service_id=ctx.spec.id,
            quantity=quantity,
            amount_paise=offering.price_paise * quantity,
            minutes=payments.hold_minutes,
            details={
                "venue": venue,
                "temple": temple.id,
                "offering": offering.id,
                "kind": offering.kind,
                "day": day.isoformat(),
                "slot": slot,
                "ids": sorted(ids),
                "people": [str(p.get("pilgrim_name")) for p in pilgrims],
                "holder": str(pilgrims[0].get("pilgrim_name", ctx.citizen)),
                "temple_name": dict(temple.name),
                "offering_name": dict(offering.name),
            },
        ),
    )
    if booking is None:
        ctx.say(Text(text(ctx.lang, "bookings.sold_out")))
        return Done()
    items = [
        {
            "id": "1",
            "name": venue[ctx.lang][:60],
            "amount_paise": offering.price_paise,
            "quantity": quantity,
        }
    ]
    return hold_and_bill(
        ctx,
        booking=booking,
        items=items,
        title={lang: f"{venue[lang]}, {date_words(day, lang)} {slot}" for lang in ("en", "te")},
    )


def _active_temple_bookings(db: Session, temple: str, day: date) -> list[Booking]:
    rows = db.scalars(
        select(Booking)
        .join(BookingPool, BookingPool.id == Booking.pool_id)
        .where(
            BookingPool.key.like(f"temple:{temple}:%:{day.isoformat()}:%"),
            Booking.status.in_(("held", "confirmed")),
        )
    )
    return [
        b
        for b in rows
        if b.details.get("temple") == temple
        and b.details.get("day") == day.isoformat()
        and (b.status == "confirmed" or b.expires_at > clock.now())
    ]


def _persons_today(db: Session, citizen: str, temple: str, day: date) -> int:
    return sum(
        len(b.details.get("people", []))
        for b in _active_temple_bookings(db, temple, day)
        if b.citizen == citizen
    )


def _ids_today(db: Session, temple: str, day: date) -> set[str]:
    return {i for b in _active_temple_bookings(db, temple, day) for i in b.details.get("ids", [])}


def _temples(ctx: AskContext, step: Any) -> list[Option]:
    return [
        Option(id=t.id, label=dict(t.name), description=dict(t.town))
        for t in temples.TEMPLES.values()
    ]


def _offerings(ctx: AskContext, step: Any) -> list[Option]:
    temple = temples.TEMPLES.get(str(ctx.answers.get("temple")))
    kind = step.params.get("offering_kind")
    if temple is None:
        return []
    return [
        Option(
            id=o.id,
            label=dict(o.name),
            description={"en": rupees(o.price_paise), "te": rupees(o.price_paise)},
        )
        for o in temple.offerings
        if kind is None or o.kind == kind
    ]


def _slots(ctx: AskContext, step: Any) -> list[Option]:
    temple = temples.TEMPLES.get(str(ctx.answers.get("temple")))
    offering = temple.offering(str(ctx.answers.get("offering"))) if temple else None
    day = ctx.answers.get("visit_date")
    if temple is None or offering is None or not day:
        return []
    out = []
    for slot in offering.slots:
        start = temples.slot_start(date.fromisoformat(str(day)), slot)
        if start <= clock.now():
            continue
        pool = (
            find_pool(
                ctx.db, temples.pool_key(temple.id, offering.id, date.fromisoformat(str(day)), slot)
            )
            if ctx.db is not None
            else None
        )
        left = offering.quota if pool is None else available(ctx.db, pool)
        out.append(
            Option(id=slot, label=both(slot, slot), description=both(f"{left} left", f"{left} ఖాళీ"))
        )
    return out


def _id_types(ctx: AskContext, step: Any) -> list[Option]:
    return [Option(id=k, label=dict(v)) for k, v in temples.ID_TYPES.items()]


def register() -> None:
    """Enter the temple choices in the registries (`services.registry` calls it)."""
    register_option_provider("temples", _temples)
    register_option_provider("temple_offerings", _offerings)
    register_option_provider("temple_slots", _slots)
    register_option_provider("photo_id_types", _id_types)
