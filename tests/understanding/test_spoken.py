"""Spoken answers: numbers and yes/no in Telugu, its romanisation and English."""

from __future__ import annotations

import pytest

from manamitra.understanding.spoken import answer_from_speech


@pytest.mark.parametrize(
    ("said", "meant"),
    [
        ("rendu", "2"),
        ("రెండు", "2"),
        ("Two", "2"),
        ("option two", "2"),
        ("నంబర్ మూడు", "3"),
        ("ఒకటి.", "1"),
        ("4", "4"),
        ("rendava", "2"),
        ("ఐదవ", "5"),
        ("mudu andi", "3"),
        ("yeah", "yes"),
        ("avunu", "yes"),
        ("అవును", "yes"),
        ("Yes.", "yes"),
        ("kaadu", "no"),
        ("కాదు", "no"),
        ("no", "no"),
    ],
)
def test_a_spoken_number_or_yes_no_is_the_answer_it_means(said: str, meant: str) -> None:
    assert answer_from_speech(said) == meant


@pytest.mark.parametrize("said", ["ఆదాయ ధృవీకరణ పత్రం", "two wheeler licence", "లక్ష్మి దేవి"])
def test_anything_else_is_left_as_it_was_said(said: str) -> None:
    assert answer_from_speech(said) == said
