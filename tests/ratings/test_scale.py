"""A rating however it is written (stars, digits, "8/10", "4/5", words in Telugu and English),
and how a 1–5 rating from before compares with 1–10 ones."""

from __future__ import annotations

import pytest

from manamitra.ratings.scale import average_on_ten, on_ten, parse_score, shown


@pytest.mark.parametrize(
    ("typed", "rating"),
    [
        ("⭐⭐⭐⭐", 4),
        ("⭐️⭐️⭐️", 3),  # with the emoji presentation selector phones add
        ("★", 1),
        ("⭐ ⭐ ⭐ ⭐ ⭐ ⭐ ⭐ ⭐", 8),
        ("4", 4),
        ("10", 10),
        ("8/10", 8),
        ("8 out of 10", 8),
        ("4/5", 8),  # the citizen's own 1–5 rating, placed on 1–10
        ("1/5", 1),
        ("5 / 5", 10),
        ("7 stars", 7),
        ("నాలుగు", 4),
        ("పది", 10),
        ("ఎనిమిది", 8),
        ("Nine", 9),
        ("padi", 10),
        ("two stars", 2),
    ],
)
def test_a_rating_written_any_common_way_is_read(typed: str, rating: int) -> None:
    assert parse_score(typed) == rating


@pytest.mark.parametrize(
    "typed", ["very nice", "0", "11", "⭐" * 11, "45", "", "6/5", "4/7", "good"]
)
def test_anything_else_is_not_a_rating(typed: str) -> None:
    assert parse_score(typed) is None


def test_a_rating_from_before_keeps_its_scale_and_meets_the_new_one_at_the_ends() -> None:
    assert shown(4, 5) == "4/5"
    assert shown(8, 10) == "8/10"
    assert (on_ten(1, 5), on_ten(3, 5), on_ten(5, 5)) == (1.0, 5.5, 10.0)
    assert on_ten(7, 10) == 7.0
    assert average_on_ten([(5, 5), (4, 10)]) == 7.0
    assert average_on_ten([]) is None
