"""The `booking` kind: checks a booking spec, adds the amount to the review, and hands the
answers to the bus or temple product, or to cancellation.

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

from typing import Any

from manamitra.catalog.schema import ServiceSpec
from manamitra.departments import apsrtc
from manamitra.errors import SpecError
from manamitra.fields.base import AskContext, Option, register_option_provider
from manamitra.formatting import date_words
from manamitra.services.booking.bus import BUS_STEPS, book_bus, bus_fare_lines
from manamitra.services.booking.fulfilment import cancel_ticket
from manamitra.services.booking.hold import both
from manamitra.services.booking.temple import TEMPLE_STEPS, book_temple, temple_amount_lines
from manamitra.services.kind import KindResult, ServiceContext, ServiceKind, register_kind

WEEKDAYS_TE = ("సోమవారం", "మంగళవారం", "బుధవారం", "గురువారం", "శుక్రవారం", "శనివారం", "ఆదివారం")


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
            return bus_fare_lines(answers, lang)
        if config.get("domain") == "temple":
            return temple_amount_lines(answers, lang)
        return []

    def complete(self, ctx: ServiceContext) -> KindResult:
        config = ctx.spec.booking or {}
        if config.get("action") == "cancel":
            return cancel_ticket(ctx)
        if config["domain"] == "bus":
            return book_bus(ctx)
        return book_temple(ctx)


def _dates(ctx: AskContext, step: Any) -> list[Option]:
    days = int(step.params.get("days", 7)) if hasattr(step, "params") else 7
    out = []
    for index, day in enumerate(apsrtc.upcoming_days(days)):
        when = (
            both("Today", "ఈరోజు")
            if index == 0
            else both("Tomorrow", "రేపు")
            if index == 1
            else both(day.strftime("%A"), WEEKDAYS_TE[day.weekday()])
        )
        words = both(date_words(day, "en"), date_words(day, "te"))
        out.append(Option(id=day.isoformat(), label=words, description=when))
    return out


def register() -> None:
    """Enter the kind and its date choice in the registries (`services.registry` calls it)."""
    register_kind(BookingKind)
    register_option_provider("booking_dates", _dates)
