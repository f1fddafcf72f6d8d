"""A rating however it is written: stars, digits, "4/5", words in Telugu and English."""

from __future__ import annotations

import pytest

from manamitra.grievances.rating import parse_rating


@pytest.mark.parametrize(
    ("typed", "rating"),
    [
        ("⭐⭐⭐⭐", 4),
        ("⭐️⭐️⭐️", 3),  # with the emoji presentation selector phones add
        ("★", 1),
        ("⭐ ⭐ ⭐ ⭐ ⭐", 5),
        ("4", 4),
        ("4/5", 4),
        ("4 / 5", 4),
        ("5 stars", 5),
        ("నాలుగు", 4),
        ("ఐదు", 5),
        ("Four", 4),
        ("naalugu", 4),
        ("two stars", 2),
    ],
)
def test_a_rating_written_any_common_way_is_read(typed: str, rating: int) -> None:
    assert parse_rating(typed) == rating


@pytest.mark.parametrize("typed", ["very nice", "0", "6", "⭐⭐⭐⭐⭐⭐", "45", "", "4/10", "good"])
def test_anything_else_is_not_a_rating(typed: str) -> None:
    assert parse_rating(typed) is None
