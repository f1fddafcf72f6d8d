"""The demo's seeded console is coherent: each application carries exactly the answers its own
service asks, and each case is worked by an officer whose jurisdiction it is."""

from __future__ import annotations

from sqlalchemy import select

from manamitra.console.queries import can_see
from manamitra.store.models import Application, ApplicationCase, Grievance
from manamitra.store.models.console import Officer
from manamitra.store.models.grievances import CaseEvent
from tests.console.conftest import Demo


def test_seeded_applications_answer_their_own_services_questions(demo: Demo) -> None:
    with demo.console.database.unit_of_work() as db:
        applications = list(db.scalars(select(Application)))
        assert len({a.service_id for a in applications}) == 3
        for application in applications:
            spec = demo.catalog.service(application.service_id)
            answers = application.answers
            asked = {
                step.id for step in spec.steps if step.when is None or step.when.holds(answers)
            }
            assert set(answers) == asked, application.number
            assert application.mandal == answers["mandal"]
            assert set(answers["aadhaar"]) == {"enc", "last4"}  # sealed, never in clear


def test_seeded_cases_are_worked_by_officers_of_their_office(demo: Demo) -> None:
    with demo.console.database.unit_of_work() as db:
        officers = {o.username: o for o in db.scalars(select(Officer))}
        cases = [*db.scalars(select(Grievance)), *db.scalars(select(ApplicationCase))]
        worked = [c for c in cases if c.assigned_to]
        assert worked
        for case in worked:
            assert can_see(officers[case.assigned_to], case), case.assigned_to
        actors = set(db.scalars(select(CaseEvent.actor)))
        assert actors - {"citizen", "system"} <= set(officers)
        tenali = officers["tahsildar.guntur"]
        assert tenali.office_id == "revenue.guntur.tenali" and tenali.lang is None
