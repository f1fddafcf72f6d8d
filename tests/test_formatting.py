from datetime import UTC, date, datetime

import pytest

from manamitra import formatting


@pytest.mark.parametrize(
    ("paise", "shown"),
    [
        (0, "₹0"),
        (4500, "₹45"),
        (4550, "₹45.50"),
        (12_000_000, "₹1,20,000"),
        (1_234_567_800, "₹1,23,45,678"),
        (-250_000, "-₹2,500"),
    ],
)
def test_money_in_indian_grouping(paise: int, shown: str) -> None:
    assert formatting.money(paise) == shown


def test_money_exact_keeps_paise() -> None:
    assert formatting.money_exact(12_000_000) == "₹1,20,000.00"


def test_dates_numeric_and_in_words() -> None:
    assert formatting.date_numeric(date(2026, 3, 14)) == "14-03-2026"
    assert formatting.date_words("2026-03-14", "en") == "14 March 2026"
    assert formatting.date_words("2026-12-13", "te") == "13 డిసెంబరు 2026"


def test_datetimes_are_shown_in_ist() -> None:
    late_evening_utc = datetime(2026, 3, 14, 20, 0, tzinfo=UTC)  # 01:30 on the 15th in IST
    assert formatting.date_numeric(late_evening_utc) == "15-03-2026"
    assert formatting.datetime_words(late_evening_utc, "en") == "15 March 2026, 01:30 AM"
