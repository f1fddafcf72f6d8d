"""record_event: typed dimensions only, the citizen as a keyed HMAC, written in the caller's
transaction (a rolled-back change leaves no event)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from manamitra.events import pseudonym, record_event
from manamitra.events.pseudonym import configure, current_key
from manamitra.store import Database
from manamitra.store.models import DomainEvent

KEY = b"k" * 32


@pytest.fixture(autouse=True)
def _key() -> Iterator[None]:
    saved = current_key()
    configure(KEY)
    yield
    configure(saved)


def test_an_event_commits_with_its_change_and_keeps_only_codes_and_a_pseudonym(
    database: Database,
) -> None:
    with database.unit_of_work() as db:
        record_event(
            db,
            "application.submitted",
            citizen="919849012345",
            service="revenue.income_certificate",
            department="revenue",
            district="guntur",
            mandal="guntur.tenali",
            amount_paise=4500,
        )
    with database.unit_of_work() as db:
        row = db.scalars(select(DomainEvent)).one()
    assert row.type == "application.submitted"
    assert row.citizen == pseudonym("919849012345", KEY)
    assert len(row.citizen) == 32 and "9849012345" not in row.citizen
    assert (row.service, row.district, row.amount_paise) == (
        "revenue.income_certificate",
        "guntur",
        4500,
    )
    assert row.occurred_at.tzinfo is not None


def test_a_rolled_back_change_leaves_no_event(database: Database) -> None:
    with pytest.raises(RuntimeError), database.unit_of_work() as db:
        record_event(db, "grievance.opened", citizen="919849012345", category="roads")
        raise RuntimeError("the change failed")
    with database.unit_of_work() as db:
        assert db.scalars(select(DomainEvent)).all() == []


@pytest.mark.parametrize(
    ("dimensions", "problem"),
    [
        ({"category": "Ravi Kumar"}, "not a code"),
        ({"category": "no water in our street"}, "not a code"),
        ({"category": "9849012345"}, "not a code"),
        ({"category": "561280370957"}, "not a code"),
        ({"category": "grv-2026-000123"}, "not a code"),
        ({"category": "లక్ష్మి"}, "not a code"),
        ({"description": "roads"}, "no dimension"),
        ({"level": "2"}, "not an integer"),
        ({"level": True}, "not an integer"),
        ({"category": "x" * 65}, "longer than 64"),
    ],
)
def test_anything_but_a_code_or_a_number_is_refused(
    dimensions: dict[str, object], problem: str
) -> None:
    with pytest.raises(ValueError, match=problem):
        record_event(None, "grievance.escalated", **dimensions)  # type: ignore[arg-type]


def test_an_unknown_event_type_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown event type"):
        record_event(None, "application.teleported")  # type: ignore[arg-type]


def test_the_pseudonym_is_stable_per_citizen_and_changes_with_the_key() -> None:
    assert pseudonym("919849012345", KEY) == pseudonym("919849012345", KEY)
    assert pseudonym("919849012345", KEY) != pseudonym("919849012346", KEY)
    assert pseudonym("919849012345", KEY) != pseudonym("919849012345", b"o" * 32)
