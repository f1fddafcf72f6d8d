"""Typed answers at choice and date steps, matched as a person would (the one place free text
becomes a step's answer; voice transcripts take the same path)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from typer.testing import CliRunner

from manamitra import clock
from manamitra.cli.main import app
from manamitra.understanding.slots import step_options
from manamitra.understanding.step_answer import StepAnswer, answer_step

TODAY = date(2026, 12, 7)  # a Monday


@pytest.fixture(autouse=True)
def _monday() -> None:
    clock.advance(datetime(2026, 12, 7, 6, 0, tzinfo=UTC) - clock.now())


def _step(catalog: Any, service: str, step_id: str) -> Any:
    return next(s for s in catalog.services[service].steps if s.id == step_id)


@pytest.mark.parametrize(
    ("typed", "stop"),
    [
        ("tirupathi", "TPTY"),
        ("తిరుపతి", "TPTY"),
        ("vijaywada", "VJA"),
        ("vizag", "VSKP"),
        ("rendu", "VSKP"),
        ("రెండు", "VSKP"),
        ("two", "VSKP"),
        ("2", "VSKP"),
        ("second", "VSKP"),
    ],
)
def test_a_stop_typed_as_people_type_it(catalog: Any, typed: str, stop: str) -> None:
    step = _step(catalog, "apsrtc.book_ticket", "from_stop")
    assert answer_step(step, step_options(step, {}, "en"), typed, TODAY) == StepAnswer(stop)


@pytest.mark.parametrize(
    ("typed", "days"),
    [
        ("today", 0),
        ("tomorrow", 1),
        ("repu", 1),
        ("రేపు", 1),
        ("ellundi", 2),
        ("friday", 4),
        ("శుక్రవారం", 4),
        ("13th", 6),
        ("13 tariku", 6),
        ("డిసెంబర్ 13", 6),
    ],
)
def test_a_journey_date_in_words(catalog: Any, typed: str, days: int) -> None:
    step = _step(catalog, "apsrtc.book_ticket", "travel_date")
    found = answer_step(step, step_options(step, {}, "en"), typed, TODAY)
    assert found == StepAnswer((TODAY + timedelta(days=days)).isoformat())


def test_a_past_date_step_takes_yesterday_and_refuses_tomorrow(catalog: Any) -> None:
    step = _step(catalog, "police.lost_article", "lost_on")
    assert answer_step(step, None, "ninna", TODAY) == StepAnswer(text="2026-12-06")
    assert answer_step(step, None, "repu", TODAY) is None


@pytest.mark.parametrize(("typed", "option"), [("avunu", "yes"), ("kaadu", "no"), ("ledu", "no")])
def test_yes_and_no_in_telugu_words(catalog: Any, typed: str, option: str) -> None:
    step = _step(catalog, "revenue.income_certificate", "has_land")
    options = [object()]  # a yes/no step's own two options are not needed to read the words
    assert answer_step(step, options, typed, TODAY) == StepAnswer(option)  # type: ignore[arg-type]


def test_nonsense_is_no_answer(catalog: Any) -> None:
    step = _step(catalog, "apsrtc.book_ticket", "from_stop")
    assert answer_step(step, step_options(step, {}, "en"), "banana", TODAY) is None


def test_the_cli_prints_the_contract() -> None:
    result = CliRunner().invoke(
        app, ["understand", "caste certificate ki emi documents kavali?", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert '"intent": "question"' in result.output and '"topic": "documents"' in result.output
    assert '"service": "revenue.caste_certificate"' in result.output
