"""Working days: Sundays, second Saturdays and AP general holidays do not count."""

from __future__ import annotations

from datetime import UTC, date, datetime

from manamitra.clock import IST
from manamitra.grievances.calendar import add_working_days, is_working_day
from manamitra.grievances.sla import policy


def test_sundays_second_saturdays_and_holidays_are_off() -> None:
    assert not is_working_day(date(2026, 11, 29))  # Sunday
    assert not is_working_day(date(2026, 12, 12))  # second Saturday
    assert is_working_day(date(2026, 12, 5))  # first Saturday
    assert not is_working_day(date(2026, 12, 25))  # Christmas
    assert is_working_day(date(2026, 12, 24))


def test_deadline_skips_the_weekend_and_christmas() -> None:
    # Thursday 24 Dec 2026, 11:00 IST + 2 working days: Fri 25 is Christmas, Sun 27 is off.
    start = datetime(2026, 12, 24, 11, 0, tzinfo=IST)
    due = add_working_days(start, 2)
    assert due.astimezone(IST).date() == date(2026, 12, 28)
    assert (due.hour, due.minute) == (17, 30)


def test_step_deadline_never_passes_the_overall_promise() -> None:
    start = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
    rules = policy("power_supply")
    overall = rules.overall_due(start)
    assert rules.step_due("in_progress", start, overall) <= overall
    assert rules.step_due("submitted", start, overall).astimezone(IST).date() == date(2026, 12, 1)
    assert policy("roads").total == 15 and policy("roads", sla_days=20).total == 20
