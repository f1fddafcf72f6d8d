"""Moving the clock: reminder before a breach, escalation up the hierarchy on a breach (the
overall promise unchanged), reopening within and after the window, templates outside 24 hours."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from manamitra import clock
from manamitra.grievances import cases
from manamitra.grievances.deadlines import run_once
from manamitra.grievances.offices import seed_offices
from manamitra.services.catalog_check import load_checked_catalog
from manamitra.store import Database
from manamitra.store.models import CaseEvent, Conversation, Grievance, OutboundMessage
from tests.support.engine_driver import Chat, make_engine, texts
from tests.support.grievances import street_light_complaint

CITIZEN = "919876511111"


def _new(db: object) -> Grievance:
    return street_light_complaint(
        db,  # type: ignore[arg-type]
        CITIZEN,
        lang="te",
        description="Street light off near the temple",
    )


def _actions(db: object, number: str) -> list[str]:
    rows = db.scalars(  # type: ignore[attr-defined]
        select(CaseEvent.action).where(CaseEvent.reference == number).order_by(CaseEvent.id)
    )
    return list(rows)


def _outbox(db: object) -> list[OutboundMessage]:
    return list(db.scalars(select(OutboundMessage).order_by(OutboundMessage.id)))  # type: ignore[attr-defined]


def _move_to(moment: object) -> None:
    clock.advance(moment - clock.now())  # type: ignore[operator]


def test_breach_escalates_up_the_hierarchy_and_reminds_before_the_next(database: Database) -> None:
    with database.unit_of_work() as db:
        seed_offices(db)
        row = _new(db)
        overall = row.due_at
        first_step = clock.as_utc(row.step_due_at)
        _move_to(first_step - timedelta(hours=3))
        report = run_once(db)
        assert report.reminded == [row.number] and report.escalated == []
        assert run_once(db).reminded == []  # one reminder per step
        _move_to(first_step + timedelta(minutes=1))
        report = run_once(db)
        assert report.escalated == [row.number]
        assert row.office_id == "municipal.guntur" and row.level == 1
        assert row.due_at == overall  # escalation never resets the citizen's clock
        second_step = clock.as_utc(row.step_due_at)
        assert second_step > first_step
        _move_to(second_step - timedelta(hours=2))
        assert run_once(db).reminded == [row.number]
        _move_to(second_step + timedelta(minutes=1))
        report = run_once(db)
        assert report.escalated == [row.number] and row.office_id == "municipal"
        assert row.level == 2 and row.breached and report.breached == [row.number]
        assert _actions(db, row.number) == [
            "submitted",
            "reminder",
            "escalated",
            "reminder",
            "sla_breached",
            "escalated",
        ]
        sent = [m.body for m in _outbox(db)]
        # No message from the citizen for a day: Meta delivers only approved templates.
        assert [b["name"] for b in sent] == ["mm_grievance_escalated", "mm_grievance_escalated"]
        assert sent[0]["language"] == "te" and sent[0]["body_params"][0] == row.number


def test_inside_the_window_a_normal_message_outside_it_a_template(database: Database) -> None:
    with database.unit_of_work() as db:
        seed_offices(db)
        db.add(
            Conversation(
                citizen=CITIZEN, language="te", state={}, last_inbound_at=clock.now(), version=0
            )
        )
        row = _new(db)
        cases.assign(db, row, "officer.guntur", actor="officer.guntur")
        clock.advance(timedelta(hours=25))
        cases.transition(db, row, "start", actor="officer.guntur")
        kinds = [(m.kind, m.body.get("name")) for m in _outbox(db)]
        assert kinds == [("text", None), ("template", "mm_grievance_in_progress")]
        assert "ఫిర్యాదు" in _outbox(db)[0].body["body"]


def test_reopen_within_the_window_and_not_after(database: Database) -> None:
    with database.unit_of_work() as db:
        seed_offices(db)
        row = _new(db)
        cases.assign(db, row, "officer.guntur", actor="officer.guntur")
        cases.transition(db, row, "resolve", actor="officer.guntur", note="Bulb replaced")
        clock.advance(timedelta(days=9))
        assert cases.reopen(db, row, "Light is off again")
        assert row.state == "reopened" and row.reopen_count == 1
        assert row.office_id == "municipal.guntur.tenali"
        cases.assign(db, row, "officer.guntur", actor="officer.guntur")
        cases.transition(db, row, "resolve", actor="officer.guntur", note="Wiring fixed")
        clock.advance(timedelta(days=10, hours=1))
        assert not cases.reopen(db, row, "Still off")
        assert row.state == "resolved"
        report = run_once(db)
        assert report.closed == [row.number] and row.state == "closed"


def test_citizen_rates_and_closes_in_chat(database: Database) -> None:
    catalog = load_checked_catalog()
    with database.unit_of_work() as db:
        seed_offices(db)
        row = _new(db)
        cases.assign(db, row, "officer.guntur", actor="officer.guntur")
        cases.transition(db, row, "resolve", actor="officer.guntur", note="Bulb replaced")
        chat = Chat(make_engine(catalog), db=db, citizen=CITIZEN)
        chat.tap("lang:en")
        chat.tap("svc:grievances.feedback")
        chat.tap(f"opt:{row.number}")
        chat.tap("opt:satisfied")
        chat.tap("opt:4")
        chat.say("Quick work, thank you")
        said = texts(chat.tap("flow:submit"))  # the review before the rating is recorded
        assert row.state == "closed" and row.rating == 4
        assert row.rating_comment == "Quick work, thank you"
        assert any("4/10" in text for text in said)
        assert row.rating_scale == 10


def test_citizen_reopens_in_chat_but_not_after_ten_days(database: Database) -> None:
    catalog = load_checked_catalog()
    with database.unit_of_work() as db:
        seed_offices(db)
        row = _new(db)
        cases.transition(db, row, "reject", actor="officer.guntur", note="Not our street")
        clock.advance(timedelta(days=11))
        chat = Chat(make_engine(catalog), db=db, citizen=CITIZEN)
        chat.tap("lang:en")
        chat.tap("svc:grievances.feedback")
        chat.tap(f"opt:{row.number}")
        chat.tap("opt:reopen")
        chat.say("It is our street, please check")
        said = texts(chat.tap("flow:submit"))  # the review before the reopening
        assert row.state == "rejected"
        assert any("within 10 days" in text for text in said)
