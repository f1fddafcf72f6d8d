"""Evaluating deadlines: escalate breached cases, remind before a breach, close cases whose
reopen window has passed. `run_once` is what `manamitra sla run-once` and the serve job call."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from manamitra import clock, ratings
from manamitra.grievances import cases, notify
from manamitra.grievances.workflow import load_workflow
from manamitra.messaging.outbox import enqueue
from manamitra.store.models.grievances import ApplicationCase, Grievance

BATCH = 500
log = logging.getLogger(__name__)


@dataclass
class SlaReport:
    escalated: list[str] = field(default_factory=list)
    reminded: list[str] = field(default_factory=list)
    breached: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"escalated {len(self.escalated)}, reminded {len(self.reminded)}, "
            f"breached {len(self.breached)}, auto-closed {len(self.closed)}"
        )


def run_once(db: Session) -> SlaReport:
    """One pass over every open case; idempotent (a second pass at the same time does nothing)."""
    report = SlaReport()
    now = clock.now()
    for model, kind in ((Grievance, "grievance"), (ApplicationCase, "application")):
        open_states = load_workflow(kind).open_states
        rows = db.scalars(
            select(model)
            .where(model.state.in_(open_states), model.step_due_at.is_not(None))
            .order_by(model.step_due_at)
            .limit(BATCH)
            # Several server processes may run the clock: each case is evaluated by one.
            .with_for_update(skip_locked=True)
        ).all()
        for case in rows:
            _evaluate(db, cast(cases.Case, case), now, report)
    _auto_close(db, now, report)
    return report


def _evaluate(db: Session, case: cases.Case, now: datetime, report: SlaReport) -> None:
    ref = cases.reference(case)
    if not case.breached and now > clock.as_utc(case.due_at):
        case.breached = True
        cases.record(db, case, "system", "sla_breached", due=clock.format_ist(case.due_at))
        report.breached.append(ref)
    step_due = clock.as_utc(case.step_due_at) if case.step_due_at else None
    if step_due is None:
        return
    if now > step_due:
        if cases.escalate(db, case):
            report.escalated.append(ref)
        elif case.reminded_at is None or clock.as_utc(case.reminded_at) < step_due:
            # The top of the hierarchy has nobody to escalate to: keep reminding it daily.
            case.reminded_at = now
            case.step_due_at = now + cases.case_policy(case).remind_before
            cases.record(db, case, "system", "overdue_at_top", office=case.office_id or "-")
            report.reminded.append(ref)
        return
    policy = cases.case_policy(case)
    if case.reminded_at is None and now >= step_due - policy.remind_before:
        case.reminded_at = now
        cases.record(
            db,
            case,
            "system",
            "reminder",
            due=clock.format_ist(step_due),
            office=case.office_id or "-",
            officer=case.assigned_to or "-",
        )
        report.reminded.append(ref)


def _auto_close(db: Session, now: datetime, report: SlaReport) -> None:
    cutoff = now - cases.reopen_window()
    rows = db.scalars(
        select(Grievance)
        .where(
            Grievance.state.in_(("resolved", "rejected")),
            or_(Grievance.resolved_at.is_(None), Grievance.resolved_at < cutoff),
        )
        .limit(BATCH)
    ).all()
    for grievance in rows:
        cases.transition(db, grievance, "close", actor="system", actor_kind="system")
        report.closed.append(grievance.number)
        if notify.in_window(db, grievance.citizen):
            # closed without the citizen's verdict: ask for the rating (a free-form list, so
            # only inside WhatsApp's 24-hour window)
            rating = ratings.ask_rating(db, "grievance", grievance.number, grievance.lang)
            if rating:
                enqueue(db, grievance.citizen, rating)


def run_in(database: Any, services: dict[str, Any] | None = None) -> SlaReport:
    """One pass in its own transaction, then wake the sender for the notifications."""
    with database.unit_of_work() as db:
        report = run_once(db)
    if services is not None:
        notify.wake_sender(services)
    return report


def sla_job(
    database: Any, services: dict[str, Any], interval_seconds: float = 300.0
) -> Callable[[asyncio.Event], Awaitable[None]]:
    """The background job `serve` runs: a pass every few minutes until stopped."""

    async def run(stop: asyncio.Event) -> None:
        while not stop.is_set():
            report = await asyncio.to_thread(run_in, database, services)
            if report.escalated or report.reminded or report.closed:
                log.info("sla pass", extra={"summary": report.summary()})
            try:
                await asyncio.wait_for(stop.wait(), timeout=interval_seconds)
            except TimeoutError:
                continue

    return run
