"""Moving cases (grievances and applications under review) through their workflows.

Every change writes a timeline event and enqueues the citizen's notification in the caller's
transaction; nothing here commits. Officer roles are checked by the console; here only the
workflow's own rules (state, actor, required note) are enforced.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from manamitra import clock, ratings
from manamitra.errors import ConflictError, ValidationError
from manamitra.formatting import date_words
from manamitra.grievances import domain_events, notify, sla
from manamitra.grievances.offices import office_name, route
from manamitra.grievances.workflow import Actor, load_workflow
from manamitra.store.models.grievances import ApplicationCase, CaseEvent, Grievance, Office

Case = Grievance | ApplicationCase
GRIEVANCE = "grievance"
APPLICATION = "application"


def reopen_window() -> timedelta:
    return timedelta(days=int(sla._config().get("reopen_window_days", 10)))


def case_kind(case: Case) -> str:
    return GRIEVANCE if isinstance(case, Grievance) else APPLICATION


def reference(case: Case) -> str:
    return case.number if isinstance(case, Grievance) else case.reference


def case_policy(case: Case) -> sla.SlaPolicy:
    if isinstance(case, Grievance):
        return sla.policy(case.category)
    return sla.policy("application")


def record(
    db: Session,
    case: Case,
    actor: str,
    action: str,
    *,
    from_state: str | None = None,
    to_state: str | None = None,
    note: str | None = None,
    **data: Any,
) -> CaseEvent:
    event = CaseEvent(
        case_kind=case_kind(case),
        reference=reference(case),
        at=clock.now(),
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=to_state,
        note=note,
        data={k: str(v) for k, v in data.items()},
    )
    db.add(event)
    return event


def timeline(db: Session, kind: str, ref: str) -> list[CaseEvent]:
    return list(
        db.scalars(
            select(CaseEvent)
            .where(CaseEvent.case_kind == kind, CaseEvent.reference == ref)
            .order_by(CaseEvent.id)
        )
    )


def _due_text(moment: datetime | None, lang: str) -> str:
    return date_words(moment, lang) if moment else "-"


def _params(db: Session, case: Case, note: str | None = None) -> dict[str, Any]:
    return {
        "number": reference(case),
        "office": office_name(db, case.office_id, case.lang),
        "due": _due_text(case.due_at, case.lang),
        "note": note or "-",
        "window": reopen_window().days,
    }


@dataclass(frozen=True)
class NewGrievance:
    citizen: str
    lang: str
    service_id: str
    department: str
    category: str
    description: str | None
    attachments: list[dict[str, Any]]
    district: str | None
    mandal: str | None
    village: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    address: str | None = None
    sla_days: int | None = None


def register_grievance(db: Session, new: NewGrievance) -> Grievance:
    """A new grievance, routed to its office, with its overall and first-step deadlines."""
    now = clock.now()
    office = route(
        db, new.department, new.district, new.mandal, village=new.village, category=new.category
    )
    policy = sla.policy(new.category, new.sla_days)
    due = policy.overall_due(now)
    row = Grievance(
        number=f"tmp-{uuid.uuid4().hex[:24]}",  # replaced by the real number after flush
        citizen=new.citizen,
        lang=new.lang,
        service_id=new.service_id,
        department=office.department if office else new.department,
        category=new.category,
        description=new.description,
        attachments=new.attachments,
        district=new.district,
        mandal=new.mandal,
        village=new.village,
        latitude=new.latitude,
        longitude=new.longitude,
        address=new.address,
        office_id=office.id if office else None,
        state="submitted",
        level=0,
        created_at=now,
        updated_at=now,
        state_since=now,
        due_at=due,
        step_due_at=policy.step_due("submitted", now, due),
    )
    db.add(row)
    db.flush()
    row.number = f"GRV-{clock.to_ist(now).year}-{row.id:06d}"
    record(db, row, "citizen", "submitted", to_state="submitted", office=row.office_id or "-")
    domain_events.opened(db, row)
    return row


def transition(
    db: Session,
    case: Case,
    name: str,
    *,
    actor: str,
    actor_kind: Actor = "officer",
    note: str | None = None,
    notify_citizen: bool = True,
) -> None:
    """Fire the workflow transition `name`; ConflictError if the state does not allow it."""
    flow = load_workflow(case_kind(case))
    step = flow.transition(name)
    if case.state not in step.from_:
        raise ConflictError(f"{reference(case)}: cannot {name} from {case.state}")
    if actor_kind not in step.by:
        raise ConflictError(f"{reference(case)}: {actor_kind} may not {name}")
    if step.needs and not (note and note.strip()):
        raise ValidationError(f"grievances.needs_{step.needs}")
    now = clock.now()
    before = case.state
    case.state = step.to
    case.state_since = now
    case.updated_at = now
    case.reminded_at = None
    case.step_due_at = case_policy(case).step_due(step.to, now, case.due_at)
    if step.to in flow.open_states and case.step_due_at is None:
        case.step_due_at = case.due_at
    if step.to in flow.final_states:
        case.finished_at = now
    _apply_side(case, step.to, note, now)
    record(db, case, actor, name, from_state=before, to_state=step.to, note=note)
    domain_events.transitioned(db, case, step.to)
    if notify_citizen and step.notify:
        notify.notify(db, case.citizen, case.lang, step.notify, **_params(db, case, note))


def _apply_side(case: Case, state: str, note: str | None, now: datetime) -> None:
    if isinstance(case, Grievance):
        if state == "resolved":
            case.resolved_at = now
            case.resolution_note = note
        elif state == "rejected":
            case.resolved_at = now
            case.rejection_reason = note
        elif state == "reopened":
            case.reopen_count += 1
            case.finished_at = None
            case.assigned_to = None
    else:
        if state == "needs_document":
            case.requested_document = note
        elif state in ("approved", "rejected"):
            case.decision_note = note


def assign(db: Session, case: Case, officer: str, *, actor: str) -> None:
    """Give the case to an officer; a new or reopened grievance moves to `assigned`."""
    previous = case.assigned_to
    case.assigned_to = officer
    case.updated_at = clock.now()
    if isinstance(case, Grievance) and case.state in ("submitted", "reopened"):
        transition(db, case, "assign", actor=actor, note=None)
        db.flush()
        return
    record(db, case, actor, "reassigned", note=None, previous=previous or "-", to=officer)


def reopen(db: Session, grievance: Grievance, reason: str | None) -> bool:
    """The citizen reopens within the window; False when the window has passed."""
    if grievance.state not in ("resolved", "rejected") or grievance.resolved_at is None:
        return False
    if clock.now() - clock.as_utc(grievance.resolved_at) > reopen_window():
        return False
    transition(db, grievance, "reopen", actor="citizen", actor_kind="citizen", note=reason)
    return True


def rate(db: Session, grievance: Grievance, rating: int, comment: str | None) -> None:
    """The citizen's 1–10 rating closes the grievance (stored once, with every other rating)."""
    if not 1 <= rating <= ratings.SCALE:
        raise ValidationError("grievances.rating_range")
    grievance.rating = rating
    grievance.rating_scale = ratings.SCALE
    grievance.rating_comment = comment
    ratings.record_rating(
        db,
        subject_kind="grievance",
        subject_ref=grievance.number,
        citizen=grievance.citizen,
        score=rating,
        lang=grievance.lang,
        service_id=grievance.service_id,
        department=grievance.department,
        comment=comment,
        district=grievance.district,
    )
    # the citizen is in the chat and is thanked there: a "closed" notice would thank twice
    transition(
        db,
        grievance,
        "close",
        actor="citizen",
        actor_kind="citizen",
        note=comment,
        notify_citizen=False,
    )


def escalate(db: Session, case: Case, *, actor: str = "system", reason: str = "sla") -> bool:
    """Move the case to the parent office; the overall deadline stays as promised."""
    office = db.get(Office, case.office_id) if case.office_id else None
    if office is None or office.parent_id is None:
        return False
    now = clock.now()
    before = case.office_id
    case.office_id = office.parent_id
    case.level += 1
    case.assigned_to = None
    case.reminded_at = None
    case.updated_at = now
    case.step_due_at = case_policy(case).escalated_due(now)
    record(db, case, actor, "escalated", note=reason, office_from=before, office_to=case.office_id)
    domain_events.escalated(db, case, before, reason)
    event = "escalated" if isinstance(case, Grievance) else "app_escalated"
    notify.notify(db, case.citizen, case.lang, event, **_params(db, case))
    return True


def find_grievance(db: Session, number: str) -> Grievance | None:
    return db.scalar(select(Grievance).where(Grievance.number == number.strip().upper()))
