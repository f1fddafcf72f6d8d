"""The bus product: APSRTC stops, services and seats to choose from, the fare on the review,
and holding the seats."""

from __future__ import annotations

from datetime import date
from typing import Any

from manamitra import clock
from manamitra.bookings.inventory import (
    HoldRequest,
    available,
    booking_id_for,
    ensure_pool,
    find_pool,
    hold,
    taken_seats,
)
from manamitra.departments import apsrtc
from manamitra.fields.base import AskContext, Option, register_option_provider
from manamitra.formatting import date_words
from manamitra.messaging.reply import Text
from manamitra.payments.text import rupees, text
from manamitra.services.booking.hold import both, hold_and_bill, hold_key, sum_line
from manamitra.services.kind import Done, KindResult, ServiceContext

BUS_STEPS = {"from_stop", "to_stop", "travel_date", "bus_service", "passengers"}


def _ages(passengers: list[dict[str, Any]]) -> list[int]:
    return [int(p.get("age", 30)) for p in passengers]


def bus_fare_lines(answers: dict[str, Any], lang: str) -> list[str]:
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
        sum_line(lang, "bookings.summary_fare", fares),
        text(lang, "bookings.summary_pay_next"),
    ]


def book_bus(ctx: ServiceContext) -> KindResult:
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
    payments = ctx.parts.payments
    preference = str(a.get("seat_preference") or "any")
    first_seat = str(a["seat_number"]) if a.get("seat_number") else None
    booking = hold(
        ctx.db,
        pool,
        HoldRequest(
            booking_id=booking_id_for("APT", hold_key(ctx)),
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
                "origin": both(
                    apsrtc.stop_name(service.origin, "en"), apsrtc.stop_name(service.origin, "te")
                ),
                "destination": both(
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
    return hold_and_bill(
        ctx,
        booking=booking,
        items=items,
        title={
            "en": f"APSRTC {venue['en']}, {date_words(day, 'en')}",
            "te": f"ఏపీఎస్‌ఆర్టీసీ {venue['te']}, {date_words(day, 'te')}",
        },
    )


def _stops(ctx: AskContext, step: Any) -> list[Option]:
    origin = ctx.answers.get("from_stop") if step.id != "from_stop" else None
    return [Option(id=k, label=both(v[0], v[1])) for k, v in apsrtc.STOPS.items() if k != origin]


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
                label=both(f"Seat {seat.number}", f"సీటు {seat.number}"),
                description=both(en, te),
            )
        )
    return out


def register() -> None:
    """Enter the bus choices in the registries (`services.registry` calls it)."""
    register_option_provider("apsrtc_stops", _stops)
    register_option_provider("apsrtc_services", _services)
    register_option_provider("apsrtc_seats", _seats)
