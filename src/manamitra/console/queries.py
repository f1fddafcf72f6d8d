"""What an officer may see and the lists the console shows: jurisdiction, inbox, dashboard."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, false, not_, or_, select
from sqlalchemy.orm import Session

from manamitra import clock, formatting, ratings
from manamitra.console.display import Names
from manamitra.grievances import cases
from manamitra.grievances.applications import case_for, find_application, sync_cases
from manamitra.grievances.categories import category_label
from manamitra.grievances.workflow import load_workflow
from manamitra.store.models.console import Officer
from manamitra.store.models.grievances import ApplicationCase, Grievance, Office

SUPERVISING = ("supervisor", "dept_admin", "state_admin")
PAGE = 50


def can_see(officer: Officer, case: cases.Case) -> bool:
    """An officer's jurisdiction: their department, their district unless an admin, and for
    an officer with an office (a tahsildar), that office and the offices under it only."""
    if officer.role == "state_admin":
        return True
    if officer.department and case.department != officer.department:
        return False
    if officer.role == "dept_admin":
        return True
    if not officer.district or case.district != officer.district:
        return False
    office = _own_office(officer)
    return office is None or in_office(case.office_id, office)


def _own_office(officer: Officer) -> str | None:
    """The office an officer is confined to; supervisors keep their whole district."""
    return officer.office_id if officer.role == "officer" and officer.office_id else None


def in_office(case_office: str | None, office: str) -> bool:
    return case_office == office or (case_office or "").startswith(f"{office}.")


def _scoped(query: Select[Any], model: Any, officer: Officer) -> Select[Any]:
    if officer.role == "state_admin":
        return query
    query = query.where(model.department == officer.department)
    if officer.role != "dept_admin":
        query = query.where(model.district == officer.district)
    return _in_office(query, model, _own_office(officer))


DONE_STATES = ("resolved", "rejected", "closed", "approved")
DUE_SOON = timedelta(hours=24)


def sla_status(case: cases.Case, now: datetime) -> str:
    """on_time | due_soon | breached | done — what the inbox colours."""
    if case.finished_at is not None or case.state in DONE_STATES:
        return "done"
    if case.breached or now > clock.as_utc(case.due_at):
        return "breached"
    step = clock.as_utc(case.step_due_at) if case.step_due_at else None
    if step is not None and now > step:
        return "breached"
    if step is not None and now > step - DUE_SOON:
        return "due_soon"
    return "on_time"


def _sla_condition(model: Any, sla: str, now: datetime) -> Any:
    """`sla_status(case, now) == sla` as SQL, so the filter applies before the page limit."""
    done = or_(model.finished_at.is_not(None), model.state.in_(DONE_STATES))
    late = or_(
        model.breached.is_(True),
        model.due_at < now,
        and_(model.step_due_at.is_not(None), model.step_due_at < now),
    )
    soon = and_(model.step_due_at.is_not(None), model.step_due_at < now + DUE_SOON)
    conditions = {
        "done": done,
        "breached": and_(not_(done), late),
        "due_soon": and_(not_(done), not_(late), soon),
        "on_time": and_(not_(done), not_(late), not_(soon)),
    }
    return conditions.get(sla, false())


@dataclass(frozen=True)
class Filters:
    kind: str = "all"  # all | grievance | application
    state: str = ""
    sla: str = ""
    category: str = ""
    mine: bool = False
    q: str = ""
    escalated: bool = False


@dataclass(frozen=True)
class Row:
    kind: str
    reference: str
    title: str
    state: str
    state_label: str
    citizen: str
    office_id: str | None
    office: str
    assigned_to: str | None
    assigned: str
    created_at: datetime
    due_at: datetime
    sla: str
    level: int


def _row(case: cases.Case, names: Names, now: datetime) -> Row:
    kind = cases.case_kind(case)
    title = (
        category_label(case.category, names.lang)
        if isinstance(case, Grievance)
        else names.service(case.service_id)
    )
    return Row(
        kind=kind,
        reference=cases.reference(case),
        title=title,
        state=case.state,
        state_label=load_workflow(kind).label(case.state, names.lang),
        citizen=case.citizen,
        office_id=case.office_id,
        office=names.office(case.office_id),
        assigned_to=case.assigned_to,
        assigned=names.officer(case.assigned_to),
        created_at=clock.as_utc(case.created_at),
        due_at=clock.as_utc(case.due_at),
        sla=sla_status(case, now),
        level=case.level,
    )


def inbox(
    db: Session, officer: Officer, filters: Filters, names: Names, limit: int = PAGE
) -> list[Row]:
    sync_cases(db)
    now = clock.now()
    rows: list[Row] = []
    models: list[Any] = []
    if filters.kind in ("all", "grievance"):
        models.append(Grievance)
    if filters.kind in ("all", "application") and not filters.category:
        models.append(ApplicationCase)
    for model in models:
        query = _scoped(select(model), model, officer)
        if filters.state:
            query = query.where(model.state == filters.state)
        if filters.category and model is Grievance:
            query = query.where(Grievance.category == filters.category)
        if filters.mine:
            query = query.where(model.assigned_to == officer.username)
        if filters.escalated:
            query = query.where(model.level > 0)
        if filters.sla:
            query = query.where(_sla_condition(model, filters.sla, now))
        if filters.q:
            text = filters.q.strip()
            digits = "".join(ch for ch in text if ch.isdigit())
            ref = Grievance.number if model is Grievance else ApplicationCase.reference
            conditions = [ref == text.upper()]
            if len(digits) >= 6:
                conditions.append(model.citizen.contains(digits[-10:]))
            query = query.where(or_(*conditions))
        query = query.order_by(model.step_due_at.is_(None), model.step_due_at, model.created_at)
        rows.extend(_row(case, names, now) for case in db.scalars(query.limit(limit * 4)))
    rank = {"breached": 0, "due_soon": 1, "on_time": 2, "done": 3}
    rows.sort(key=lambda r: (rank[r.sla], r.due_at))
    return rows[:limit]


def load_case(db: Session, kind: str, reference: str) -> cases.Case | None:
    if kind == "grievance":
        return cases.find_grievance(db, reference)
    if kind == "application":
        found = db.get(ApplicationCase, reference)
        if found is None:
            application = find_application(db, reference)
            return case_for(db, application) if application is not None else None
        return found
    return None


def officers_in_scope(db: Session, officer: Officer) -> list[Officer]:
    query = select(Officer).where(Officer.active.is_(True))
    if officer.role != "state_admin":
        query = query.where(Officer.department == officer.department)
    if officer.role in ("officer", "supervisor"):
        query = query.where(Officer.district == officer.district)
    return list(db.scalars(query.order_by(Officer.name)))


@dataclass(frozen=True)
class Dashboard:
    open_cases: int
    closed_cases: int
    breach_rate: float
    average_resolution_hours: float | None
    satisfaction: float | None
    ratings: int
    by_category: list[tuple[str, int]]
    by_state: list[tuple[str, int]]
    by_week: list[tuple[str, int]]


def offices_in_scope(db: Session, officer: Officer) -> list[Office]:
    """The offices a dashboard can be narrowed to: down to mandals for district officers."""
    query = select(Office)
    if officer.role == "state_admin":
        query = query.where(Office.level == "state")
    elif officer.role == "dept_admin":
        query = query.where(Office.department == officer.department, Office.level != "mandal")
    else:
        query = query.where(
            Office.department == officer.department, Office.district == officer.district
        )
        own = _own_office(officer)
        if own is not None:
            query = query.where(or_(Office.id == own, Office.id.startswith(f"{own}.")))
    return list(db.scalars(query.order_by(Office.level, Office.id)))


def _in_office(query: Select[Any], model: Any, office: str | None) -> Select[Any]:
    if not office:
        return query
    return query.where(or_(model.office_id == office, model.office_id.startswith(f"{office}.")))


def dashboard(db: Session, officer: Officer, lang: str, office: str | None = None) -> Dashboard:
    """Numbers for the officer's jurisdiction, or one office (and the offices under it)."""
    grievances = list(
        db.scalars(_in_office(_scoped(select(Grievance), Grievance, officer), Grievance, office))
    )
    applications = list(
        db.scalars(
            _in_office(
                _scoped(select(ApplicationCase), ApplicationCase, officer), ApplicationCase, office
            )
        )
    )
    everything: list[cases.Case] = [*grievances, *applications]
    open_states = load_workflow("grievance").open_states | load_workflow("application").open_states
    open_cases = sum(1 for c in everything if c.state in open_states)
    breached = sum(1 for c in everything if c.breached)
    resolved = [g for g in grievances if g.resolved_at is not None]
    hours = [
        (clock.as_utc(g.resolved_at) - clock.as_utc(g.created_at)).total_seconds() / 3600
        for g in resolved
        if g.resolved_at is not None
    ]
    rated = [(g.rating, g.rating_scale or 5) for g in grievances if g.rating]
    categories: dict[str, int] = {}
    for g in grievances:
        if g.state in open_states:
            label = category_label(g.category, lang)
            categories[label] = categories.get(label, 0) + 1
    states: dict[str, int] = {}
    flow = load_workflow("grievance")
    for g in grievances:
        label = flow.label(g.state, lang)
        states[label] = states.get(label, 0) + 1
    now = clock.now()
    weeks: list[tuple[str, int]] = []
    for back in range(7, -1, -1):
        start = now - timedelta(days=7 * (back + 1))
        end = now - timedelta(days=7 * back)
        count = sum(1 for c in everything if start <= clock.as_utc(c.created_at) < end)
        # Day and month only ("19-10"): eight columns share one narrow chart, in either language.
        weeks.append((formatting.date_numeric(end).rsplit("-", 1)[0], count))
    return Dashboard(
        open_cases=open_cases,
        closed_cases=len(everything) - open_cases,
        breach_rate=(breached / len(everything)) if everything else 0.0,
        average_resolution_hours=(sum(hours) / len(hours)) if hours else None,
        satisfaction=ratings.average_on_ten(rated),
        ratings=len(rated),
        by_category=sorted(categories.items(), key=lambda kv: -kv[1])[:8],
        by_state=sorted(states.items(), key=lambda kv: -kv[1]),
        by_week=weeks,
    )


def export_csv(db: Session, officer: Officer, filters: Filters, names: Names) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "kind",
            "reference",
            "title",
            "state",
            "citizen",
            "office",
            "assigned_to",
            "created_ist",
            "due_ist",
            "sla",
            "escalation_level",
        ]
    )
    for row in inbox(db, officer, filters, names, limit=10_000):
        writer.writerow(
            [
                row.kind,
                row.reference,
                row.title,
                row.state,
                row.citizen,
                row.office,
                row.assigned,
                clock.format_ist(row.created_at, "%Y-%m-%d %H:%M"),
                clock.format_ist(row.due_at, "%Y-%m-%d %H:%M"),
                row.sla,
                row.level,
            ]
        )
    return out.getvalue()
