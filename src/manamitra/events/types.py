"""Every domain event type and the typed dimensions it carries.

One table per event type in the lake (`application.submitted` → `application_submitted`):
its columns are the common ones (`event_id`, `occurred_at`, `citizen`) and the dimensions
declared here, in this order. Adding a dimension to a type is a schema change: raise
`SCHEMA_VERSION` and say so in docs/data-lake.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

SCHEMA_VERSION = 1

Kind = Literal["code", "int", "bool"]

# Every dimension a type may carry, with its type. Codes are identifiers of the platform's own
# vocabulary (service ids, office ids, district codes, outcomes), never anything a person typed.
DIMENSIONS: dict[str, Kind] = {
    "service": "code",
    "department": "code",
    "district": "code",
    "mandal": "code",
    "office": "code",
    "office_to": "code",
    "category": "code",
    "outcome": "code",
    "step": "code",
    "subject": "code",
    "kind": "code",
    "method": "code",
    "reason": "code",
    "amount_paise": "int",
    "quantity": "int",
    "score": "int",
    "position": "int",
    "level": "int",
    "duration_s": "int",
    "within_sla": "bool",
}

COMMON = ("event_id", "occurred_at", "citizen")


@dataclass(frozen=True)
class EventType:
    name: str
    dimensions: tuple[str, ...]
    about: str

    @property
    def table(self) -> str:
        """The lake's table (view) name: dots become underscores."""
        return self.name.replace(".", "_")

    @property
    def columns(self) -> tuple[str, ...]:
        return (*COMMON, *self.dimensions)


_PLACE = ("department", "district", "mandal", "office")

EVENT_TYPES: dict[str, EventType] = {
    e.name: e
    for e in (
        EventType(
            "application.submitted",
            ("service", "department", "district", "mandal", "amount_paise"),
            "a citizen submitted an application (amount_paise: its fee)",
        ),
        EventType(
            "application.decided",
            ("service", *_PLACE, "outcome", "within_sla", "duration_s"),
            "an officer approved, rejected or asked for a document (outcome)",
        ),
        EventType(
            "application.issued",
            ("service", *_PLACE, "kind"),
            "a certificate was issued for an approved application (kind: document type)",
        ),
        EventType(
            "application.escalated",
            ("service", *_PLACE, "office_to", "level", "reason"),
            "a missed deadline moved an application to the office above",
        ),
        EventType(
            "payment.confirmed",
            ("service", "department", "kind", "method", "amount_paise"),
            "the gateway captured a payment (kind: bill, booking, fee …)",
        ),
        EventType(
            "payment.refunded",
            ("service", "department", "kind", "reason", "amount_paise"),
            "money went back to the citizen (reason: duplicate, unfulfilled …)",
        ),
        EventType(
            "booking.made",
            ("service", "department", "district", "kind", "quantity", "amount_paise"),
            "a paid seat or darshan slot was confirmed (kind: bus, temple)",
        ),
        EventType(
            "booking.cancelled",
            ("service", "department", "kind", "quantity", "amount_paise"),
            "a booking was cancelled (amount_paise: refunded)",
        ),
        EventType(
            "grievance.opened",
            ("service", *_PLACE, "category"),
            "a grievance was registered and routed to an office",
        ),
        EventType(
            "grievance.escalated",
            ("service", *_PLACE, "office_to", "category", "level", "reason"),
            "a grievance moved to the office above",
        ),
        EventType(
            "grievance.resolved",
            ("service", *_PLACE, "category", "outcome", "within_sla", "duration_s"),
            "an office resolved or rejected a grievance (outcome)",
        ),
        EventType(
            "grievance.reopened",
            ("service", *_PLACE, "category"),
            "the citizen reopened a resolved grievance",
        ),
        EventType(
            "rating.given",
            ("service", "department", "district", "subject", "score"),
            "a citizen rated a service 1-10 (subject: certificate, payment, booking, grievance)",
        ),
        EventType(
            "message.in",
            ("kind",),
            "a message reached the platform (kind: text, interactive, image …)",
        ),
        EventType(
            "message.out",
            ("kind",),
            "a reply was queued for the citizen (kind: text, buttons, list, document …)",
        ),
        EventType(
            "alert.delivered",
            ("kind", "department", "district"),
            "a proactive alert reached the phone (kind: the alert's topic)",
        ),
        EventType(
            "alert.read",
            ("kind", "department", "district"),
            "the citizen read a proactive alert",
        ),
        EventType(
            "alert.failed",
            ("kind", "department", "district", "reason"),
            "a proactive alert could not be delivered (reason: the error's code)",
        ),
        EventType(
            "step.reached",
            ("service", "department", "step", "position"),
            "a service's form asked a question (position: its number in the form)",
        ),
        EventType(
            "step.abandoned",
            ("service", "department", "step", "position", "reason"),
            "the citizen left a form at this question (reason: menu, cancel, idle …)",
        ),
    )
}


def event_type(name: str) -> EventType:
    try:
        return EVENT_TYPES[name]
    except KeyError:
        raise ValueError(f"unknown event type {name!r}") from None
