"""Working days of Andhra Pradesh government offices: Sundays, second Saturdays and the
general holidays in data/holidays.yaml are off; deadlines fall at the close of a working day."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path

from manamitra.clock import IST
from manamitra.yamlio import load_yaml

HOLIDAYS_FILE = Path(__file__).parent / "data" / "holidays.yaml"
CLOSE_OF_DAY = time(17, 30)


@cache
def holidays() -> dict[date, dict[str, str]]:
    data = load_yaml(HOLIDAYS_FILE.read_text(encoding="utf-8"))
    return {date.fromisoformat(str(day)): names for day, names in data["holidays"].items()}


def is_working_day(day: date) -> bool:
    if day.weekday() == 6:
        return False
    if day.weekday() == 5 and 8 <= day.day <= 14:
        return False  # the second Saturday of the month
    return day not in holidays()


def add_working_days(start: datetime, days: int) -> datetime:
    """The close of the `days`-th working day after `start`'s IST date (aware, UTC-comparable).

    Zero days means the close of today if today is a working day, else of the next one.
    """
    day = start.astimezone(IST).date()
    counted = 0
    if days <= 0:
        while not is_working_day(day):
            day += timedelta(days=1)
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return datetime.combine(day, CLOSE_OF_DAY, tzinfo=IST)


def working_hours_between(start: datetime, end: datetime) -> float:
    """Calendar hours between two moments, for dashboards (resolution time)."""
    return max(0.0, (end - start).total_seconds() / 3600)
