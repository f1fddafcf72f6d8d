"""The `booking` kind: APSRTC bus seats and temple darshan, seva and rooms, held while the
citizen pays, sold on confirmed payment, cancelled with the refund rule; "my tickets".

Example::

    kind: booking
    steps:
      - {id: temple, type: choice, options_from: temples, prompt: {en: "Temple?", te: "ఆలయం?"}}
      - {id: offering, type: choice, options_from: temple_offerings, offering_kind: darshan,
         prompt: {en: "Darshan?", te: "దర్శనం?"}}
      - {id: visit_date, type: choice, options_from: booking_dates, prompt: {en: "Date?", te: "తేదీ?"}}
      - {id: slot, type: choice, options_from: temple_slots, prompt: {en: "Time?", te: "సమయం?"}}
      - id: pilgrims
        type: group
        repeat: {min: 1, max: 6}
        steps:
          - {id: pilgrim_name, type: name, prompt: {en: "Name?", te: "పేరు?"}}
          - {id: id_type, type: choice, options_from: photo_id_types, prompt: {en: "ID?", te: "గుర్తింపు కార్డు?"}}
          - {id: id_last4, type: text, prompt: {en: "Last 4 digits?", te: "చివరి 4 అంకెలు?"}}
    booking: {domain: temple}

`booking: {domain: bus}` books a bus (steps from_stop, to_stop, travel_date, bus_service,
seat_preference, passengers[name, age, gender], concession); `booking: {action: cancel}`
cancels one of the citizen's tickets (step `ticket`, options_from: my_tickets).
"""

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
    cancel,
    ensure_pool,
    find_pool,
    hold,
    release,
    settle,
    taken_seats,
)
from manamitra.bookings.ticket import issue_ticket
from manamitra.catalog.schema import ServiceSpec
from manamitra.departments import apsrtc, temples
from manamitra.errors import DepartmentUnavailableError, SpecError
from manamitra.fields.base import AskContext, Option, register_option_provider
from manamitra.formatting import date_words, datetime_words, money, time_ist
from manamitra.messaging.reply import Document, Text
from manamitra.payments.confirm import refund
from manamitra.payments.fulfil import Fulfilment, register_fulfiller
from manamitra.payments.orders import bill_replies, create_order, find_order
from manamitra.payments.service import payments_from
from manamitra.payments.text import rupees, text
from manamitra.services.kind import Done, KindResult, ServiceContext, ServiceKind, register_kind
from manamitra.services.status import StatusItem, number_lookup, status_source
from manamitra.store.models import Booking, BookingPool, PaymentOrder

WEEKDAYS_TE = ("సోమవారం", "మంగళవారం", "బుధవారం", "గురువారం", "శుక్రవారం", "శనివారం", "ఆదివారం")
BUS_STEPS = {"from_stop", "to_stop", "travel_date", "bus_service", "passengers"}
TEMPLE_STEPS = {"temple", "offering", "visit_date", "slot", "pilgrims"}


class BookingKind(ServiceKind):
    name = "booking"
    confirm = True

    def check(self, spec: ServiceSpec) -> None:
        config = spec.booking or {}
        ids = {s.id for s in spec.steps}
        if config.get("action") == "cancel":
            if "ticket" not in ids:
                raise SpecError("booking: a cancel service needs a `ticket` step")
            return
        need = {"bus": BUS_STEPS, "temple": TEMPLE_STEPS}.get(str(config.get("domain")))
        if need is None:
            raise SpecError("booking.domain: must be bus or temple (or action: cancel)")
        if not need <= ids:
            raise SpecError(f"booking: steps {sorted(need - ids)} are missing")

    def summary_extra(self, spec: ServiceSpec, answers: dict[str, Any], lang: str) -> list[str]:
        config = spec.booking or {}
        if config.get("domain") == "bus":
            return _bus_fare_lines(answers, lang)
        if config.get("domain") == "temple":
            return _temple_amount_lines(answers, lang)
        return []

    def complete(self, ctx: ServiceContext) -> KindResult:
        config = ctx.spec.booking or {}
        if config.get("action") == "cancel":
            return _cancel(ctx)
        if config["domain"] == "bus":
            return _book_bus(ctx)
        return _book_temple(ctx)


def _ages(passengers: list[dict[str, Any]]) -> list[int]:
    return [int(p.get("age", 30)) for p in passengers]


def _sum_line(lang: str, label_key: str, amounts: list[int]) -> str:
    """ "Fare: ₹1,250 + ₹625 = *₹1,875*", "Amount: ₹300 × 2 = *₹600*", or just "*₹300*"."""
    total = money(sum(amounts))
    if len(amounts) == 1:
        worked = f"*{total}*"
    elif len(set(amounts)) == 1:
        worked = f"{money(amounts[0])} × {len(amounts)} = *{total}*"
    else:
        worked = " + ".join(money(a) for a in amounts) + f" = *{total}*"
    return f"• {text(lang, label_key)}: {worked}"


def _bus_fare_lines(answers: dict[str, Any], lang: str) -> list[str]:
    day, chosen = answers.get("travel_date"), answers.get("bus_service")
    passengers = list(answers.get("passengers") or [])
    if not day or not chosen or not passengers:
        return []
    service = apsrtc.service_by_id(str(chosen), date.fromisoformat(str(day)))
    if service is None:
        return []
    concession = str(answers.get("concession") or "none")
    fares = apsrtc.passenger_fares(service, _ages(passengers), concession)
    return [
        f"• {text(lang, 'bookings.summary_journey')}: {apsrtc.route_name(service, lang)}, "
        f"{date_words(service.day, lang)}",
        _sum_line(lang, "bookings.summary_fare", fares),
        text(lang, "bookings.summary_pay_next"),
    ]


def _temple_amount_lines(answers: dict[str, Any], lang: str) -> list[str]:
    temple = temples.TEMPLES.get(str(answers.get("temple")))
    offering = temple.offering(str(answers.get("offering"))) if temple else None
    pilgrims = list(answers.get("pilgrims") or [])
    if temple is None or offering is None or not pilgrims:
        return []
    count = temples.tickets(offering, len(pilgrims))
    return [
        _sum_line(lang, "bookings.summary_amount", [offering.price_paise] * count),
        text(lang, "bookings.summary_pay_next"),
    ]


def _seats_line(lang: str, seats: list[str] | None) -> str:
    return text(lang, "bookings.seats_line", seats=", ".join(seats)) if seats else ""


def _key(ctx: ServiceContext) -> str:
    return f"{ctx.citizen}:{ctx.spec.id}:{ctx.inbound.message_id if ctx.inbound else ''}"


def _hold_and_bill(
    ctx: ServiceContext, *, booking: Booking, items: list[dict[str, Any]], title: dict[str, str]
) -> KindResult:
    payments = payments_from(ctx.services)
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
                seats=_places(booking, ctx.lang),
            )
        )
    )
    ctx.say(*bill_replies(payments, order, ctx.lang))
    return Done(to_menu=False)


def _book_bus(ctx: ServiceContext) -> KindResult:
    a = ctx.answers
    day = date.fromisoformat(str(a["travel_date"]))
    service = apsrtc.service_by_id(str(a["bus_service"]), day)
    if service is None or service.departs_at <= clock.now():
        ctx.say(Text(text(ctx.lang, "bookings.service_gone")))
        return Done()
    concession = str(a.get("concession") or "none")
    passengers = list(a["passengers"])
    genders = [str(p.get("gender", "male")) for p in passengers]
    fares = apsrtc.passenger_fares(service, _ages(passengers), concession)
    pool = ensure_pool(
        ctx.db,
        key=service.pool_key,
        domain="bus",
        capacity=service.seats,
        starts_at=service.departs_at,
        meta={"class": service.bus_class.id},
    )
    venue = {lang: apsrtc.route_name(service, lang) for lang in ("en", "te")}
    payments = payments_from(ctx.services)
    preference = str(a.get("seat_preference") or "any")
    first_seat = str(a["seat_number"]) if a.get("seat_number") else None
    booking = hold(
        ctx.db,
        pool,
        HoldRequest(
            booking_id=booking_id_for("APT", _key(ctx)),
            citizen=ctx.citizen,
            domain="bus",
            service_id=ctx.spec.id,
            quantity=len(passengers),
            amount_paise=sum(fares),
            minutes=payments.hold_minutes,
            details={
                "venue": venue,
                "service": service.id,
                "day": day.isoformat(),
                "class": service.bus_class.id,
                "genders": genders,
                "preference": preference,
                "first_seat": first_seat,
                "people": [
                    f"{p.get('name')} ({p.get('age')}, {p.get('gender')})" for p in passengers
                ],
                "holder": str(passengers[0].get("name", ctx.citizen)),
                # what the ticket prints: names a passenger reads, never ids
                "origin": _both(
                    apsrtc.stop_name(service.origin, "en"), apsrtc.stop_name(service.origin, "te")
                ),
                "destination": _both(
                    apsrtc.stop_name(service.destination, "en"),
                    apsrtc.stop_name(service.destination, "te"),
                ),
                "bus_service": dict(service.bus_class.name),
                "passengers": [
                    {"name": str(p.get("name", "")), "age": p.get("age")} for p in passengers
                ],
            },
            pick_seats=lambda taken: apsrtc.pick_seats(
                service.bus_class, genders, preference, taken, first_seat
            ),
        ),
    )
    if booking is None:
        ctx.say(Text(text(ctx.lang, "bookings.sold_out")))
        return Done()
    items = [
        {
            "id": str(i + 1),
            "name": f"{p.get('name')} · {venue[ctx.lang]}"[:60],
            "amount_paise": fare,
            "quantity": 1,
        }
        for i, (p, fare) in enumerate(zip(passengers, fares, strict=True))
    ]
    return _hold_and_bill(
        ctx,
        booking=booking,
        items=items,
        title={
            "en": f"APSRTC {venue['en']}, {date_words(day, 'en')}",
            "te": f"ఏపీఎస్‌ఆర్టీసీ {venue['te']}, {date_words(day, 'te')}",
        },
    )


def _book_temple(ctx: ServiceContext) -> KindResult:
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
    payments = payments_from(ctx.services)
    booking = hold(
        ctx.db,
        pool,
        HoldRequest(
            booking_id=booking_id_for("TMP", _key(ctx)),
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
    return _hold_and_bill(
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


def _cancel(ctx: ServiceContext) -> KindResult:
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
        amount = refund(
            ctx.db, payments_from(ctx.services), order, note="cancellation", amount_paise=amount
        )
        booking.refund_paise = amount
        if amount == order.amount_paise:
            order.status = "refunded"
        order.updated_at = clock.now()
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


def _fulfil_booking(db: Session, order: PaymentOrder, services: dict[str, Any]) -> Fulfilment:
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
    key, filename = issue_ticket(db, booking, services)
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
                seats=_places(booking, order.lang),
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


def _places(booking: Booking, lang: str) -> str:
    """The line naming what was booked: a bus's seat numbers, a temple's number of pilgrims."""
    if booking.domain == "bus":
        return _seats_line(lang, booking.details.get("seats"))
    persons = len(booking.details.get("people") or []) or booking.quantity
    return text(lang, "bookings.persons_line", persons=persons)


# ---- option providers ----------------------------------------------------------------------
def _both(en: str, te: str) -> dict[str, str]:
    return {"en": en, "te": te}


def _stops(ctx: AskContext, step: Any) -> list[Option]:
    origin = ctx.answers.get("from_stop") if step.id != "from_stop" else None
    return [Option(id=k, label=_both(v[0], v[1])) for k, v in apsrtc.STOPS.items() if k != origin]


def _dates(ctx: AskContext, step: Any) -> list[Option]:
    days = int(step.params.get("days", 7)) if hasattr(step, "params") else 7
    out = []
    for index, day in enumerate(apsrtc.upcoming_days(days)):
        when = (
            _both("Today", "ఈరోజు")
            if index == 0
            else _both("Tomorrow", "రేపు")
            if index == 1
            else _both(day.strftime("%A"), WEEKDAYS_TE[day.weekday()])
        )
        words = _both(date_words(day, "en"), date_words(day, "te"))
        out.append(Option(id=day.isoformat(), label=words, description=when))
    return out


def _services(ctx: AskContext, step: Any) -> list[Option]:
    origin, destination = ctx.answers.get("from_stop"), ctx.answers.get("to_stop")
    day = ctx.answers.get("travel_date")
    if not origin or not destination or not day:
        return []
    out = []
    for service in apsrtc.services(str(origin), str(destination), date.fromisoformat(str(day))):
        if service.departs_at <= clock.now():
            continue
        pool = find_pool(ctx.db, service.pool_key) if ctx.db is not None else None
        left = service.seats if pool is None else available(ctx.db, pool)
        fare = rupees(service.fare(30, "none"))
        out.append(
            Option(
                id=service.id,
                label={
                    lang: f"{service.departs} {service.bus_class.name[lang]}"[:24]
                    for lang in ("en", "te")
                },
                description={
                    "en": f"{fare} · {left} seats left · {service.km} km",
                    "te": f"{fare} · {left} సీట్లు ఖాళీ · {service.km} కి.మీ.",
                },
            )
        )
    return out


def _seats(ctx: AskContext, step: Any) -> list[Option]:
    """Free seats of the chosen bus; ladies' seats only when the first passenger is a woman."""
    day = ctx.answers.get("travel_date")
    service = (
        apsrtc.service_by_id(str(ctx.answers.get("bus_service")), date.fromisoformat(str(day)))
        if day and ctx.answers.get("bus_service")
        else None
    )
    if service is None:
        return []
    passengers = ctx.answers.get("passengers") or [{}]
    woman = str(passengers[0].get("gender")) == "female"
    pool = find_pool(ctx.db, service.pool_key) if ctx.db is not None else None
    taken = taken_seats(ctx.db, pool.id) if pool is not None else set()
    out = []
    for seat in apsrtc.layout(service.bus_class):
        if seat.number in taken or (seat.ladies and not woman):
            continue
        en = ("Window" if seat.window else "Aisle") + (" · ladies" if seat.ladies else "")
        te = ("కిటికీ" if seat.window else "నడవ") + (" · మహిళలు" if seat.ladies else "")
        out.append(
            Option(
                id=seat.number,
                label=_both(f"Seat {seat.number}", f"సీటు {seat.number}"),
                description=_both(en, te),
            )
        )
    return out


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
            Option(
                id=slot, label=_both(slot, slot), description=_both(f"{left} left", f"{left} ఖాళీ")
            )
        )
    return out


def _id_types(ctx: AskContext, step: Any) -> list[Option]:
    return [Option(id=k, label=dict(v)) for k, v in temples.ID_TYPES.items()]


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
            label=_both(b.id, b.id),
            description={
                lang: f"{b.details.get('venue', {}).get(lang, '')[:45]} "
                f"{clock.format_ist(b.starts_at, '%d-%m %H:%M')}"[:72]
                for lang in ("en", "te")
            },
        )
        for b in rows
    ]


# ---- "my tickets" --------------------------------------------------------------------------
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
    """Enter what this module provides in the registries (`services.registry` calls it)."""
    register_kind(BookingKind)
    register_fulfiller("booking", _fulfil_booking)
    register_option_provider("apsrtc_stops", _stops)
    register_option_provider("booking_dates", _dates)
    register_option_provider("apsrtc_services", _services)
    register_option_provider("apsrtc_seats", _seats)
    register_option_provider("temples", _temples)
    register_option_provider("temple_offerings", _offerings)
    register_option_provider("temple_slots", _slots)
    register_option_provider("photo_id_types", _id_types)
    register_option_provider("my_tickets", _my_tickets)
