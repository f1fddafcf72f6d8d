"""Domain events: one typed row per thing that happened, written in the same transaction as
the change (`record_event`), the citizen as a keyed HMAC; the lake exports them."""

from manamitra.events.pseudonym import pseudonym
from manamitra.events.record import (
    code_of,
    department_of,
    event_row,
    record_event,
    record_events,
)
from manamitra.events.types import EVENT_TYPES, SCHEMA_VERSION, EventType, event_type

__all__ = [
    "EVENT_TYPES",
    "SCHEMA_VERSION",
    "EventType",
    "code_of",
    "department_of",
    "event_row",
    "event_type",
    "pseudonym",
    "record_event",
    "record_events",
]
