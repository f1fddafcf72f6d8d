"""`record_event`: the one way a domain event is written, in the caller's transaction.

Every value is checked against the type's declared dimensions before the row is added: codes
are lower-case identifiers of the platform's vocabulary (no spaces, nothing longer than a code,
no run of five or more digits, so no phone, Aadhaar or case number fits), numbers are integers.
A caller that passes anything else gets a ValueError in its tests, not a leak in the lake.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from manamitra import clock
from manamitra.events.pseudonym import pseudonym
from manamitra.events.types import DIMENSIONS, event_type
from manamitra.store.models.events import DomainEvent

CODE = re.compile(r"[a-z0-9][a-z0-9_.:/-]{0,95}")
DIGIT_RUN = re.compile(r"\d{5}")
# The store's column widths: a code longer than its column is refused here, not by the INSERT.
_CODE_LIMITS: dict[str, int | None] = {
    column.name: getattr(column.type, "length", None)
    for column in DomainEvent.__table__.columns
    if column.name in DIMENSIONS
}


def _checked(name: str, dimension: str, value: Any) -> Any:
    kind = DIMENSIONS[dimension]
    if value is None:
        return None
    if kind == "code":
        if not isinstance(value, str) or not CODE.fullmatch(value) or DIGIT_RUN.search(value):
            raise ValueError(f"{name}.{dimension}: {value!r} is not a code")
        limit = _CODE_LIMITS.get(dimension)
        if limit is not None and len(value) > limit:
            raise ValueError(f"{name}.{dimension}: longer than {limit}")
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise ValueError(f"{name}.{dimension}: {value!r} is not a bool")
        return value
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name}.{dimension}: {value!r} is not an integer")
    return value


def event_row(
    name: str,
    *,
    citizen: str | None = None,
    at: datetime | None = None,
    dimensions: Mapping[str, Any],
) -> dict[str, Any]:
    """The row for one event, checked (for bulk inserts; `record_event` adds one)."""
    declared = event_type(name)
    unknown = set(dimensions) - set(declared.dimensions)
    if unknown:
        raise ValueError(f"{name}: no dimension {sorted(unknown)[0]!r}")
    row: dict[str, Any] = {
        "type": name,
        "occurred_at": at or clock.now(),
        "citizen": pseudonym(citizen) if citizen else None,
    }
    for dimension, value in dimensions.items():
        row[dimension] = _checked(name, dimension, value)
    return row


def record_event(
    db: Session,
    name: str,
    *,
    citizen: str | None = None,
    at: datetime | None = None,
    **dimensions: Any,
) -> None:
    """Add one event to `db`'s transaction: it commits with the change, or neither does.

    `citizen` is the WhatsApp id; only its pseudonym is stored::

        record_event(db, "application.submitted", citizen=wa_id,
                     service="revenue.income_certificate", department="revenue",
                     district="guntur", mandal="tenali", amount_paise=0)
    """
    row = event_row(name, citizen=citizen, at=at, dimensions=dimensions)
    db.add(DomainEvent(**row))


def record_events(db: Session, rows: list[dict[str, Any]]) -> None:
    """Insert rows made by `event_row` in one statement (the outbox's replies, a batch)."""
    if rows:
        db.execute(DomainEvent.__table__.insert(), rows)  # type: ignore[attr-defined]


def code_of(value: object) -> str | None:
    """A free-form platform value as a code, or None when it is not one (an office id with
    capitals, a place name typed by hand): events drop what they cannot trust to be a code."""
    if not isinstance(value, str):
        return None
    lowered = value.strip().lower()
    if CODE.fullmatch(lowered) and not DIGIT_RUN.search(lowered):
        return lowered
    return None


def department_of(service_id: str | None) -> str | None:
    """A service's department is the prefix of its id ("apsrtc.book_ticket" → "apsrtc")."""
    return code_of(service_id.split(".", 1)[0]) if service_id else None
