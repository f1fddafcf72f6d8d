"""The one source of "now": UTC everywhere, IST only for display; tests move it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

IST = timezone(timedelta(hours=5, minutes=30), "IST")

_offset = timedelta(0)


def now() -> datetime:
    """Aware UTC now, shifted by any offset a test or demo set."""
    return datetime.now(UTC) + _offset


def advance(delta: timedelta) -> None:
    """Move the platform's clock forward (tests and the SLA demo only)."""
    global _offset
    _offset += delta


def reset() -> None:
    global _offset
    _offset = timedelta(0)


def to_ist(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(IST)


def format_ist(moment: datetime, fmt: str = "%d-%m-%Y %I:%M %p") -> str:
    return to_ist(moment).strftime(fmt)


def as_utc(moment: datetime) -> datetime:
    """Stores hand back naive datetimes (SQLite); they are UTC by our rule."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
