"""Applications under review: the case row beside each `Application`, the officer's decisions
mirrored onto it, and the certificate on approval (`services/case_document.py` attaches the
missing document the citizen sends back).
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from manamitra import clock, ratings
from manamitra.documents.certificate_facts import certificate_request
from manamitra.documents.issue import new_number
from manamitra.documents.render import Office as PrintedOffice
from manamitra.documents.render import Officer as PrintedOfficer
from manamitra.errors import ManamitraError
from manamitra.grievances import cases, domain_events, notify, sla
from manamitra.grievances.offices import route
from manamitra.messaging.i18n import t
from manamitra.messaging.outbox import enqueue
from manamitra.messaging.reply import Document
from manamitra.parts import Parts
from manamitra.store.models.applications import Application, ApplicationStatus
from manamitra.store.models.grievances import ApplicationCase, Office

log = logging.getLogger(__name__)
STATE_OF_STATUS = {
    "submitted": "submitted",
    "in_review": "in_review",
    "needs_document": "needs_document",
    "approved": "approved",
    "issued": "approved",
    "rejected": "rejected",
}
STATUS_OF_STATE = {
    "submitted": ApplicationStatus.SUBMITTED,
    "in_review": ApplicationStatus.IN_REVIEW,
    "needs_document": ApplicationStatus.NEEDS_DOCUMENT,
    "approved": ApplicationStatus.APPROVED,
    "rejected": ApplicationStatus.REJECTED,
}


def case_for(db: Session, application: Application) -> ApplicationCase | None:
    """The review case of an application, created on first sight (None when withdrawn)."""
    found = db.get(ApplicationCase, application.number)
    if found is not None:
        return found
    state = STATE_OF_STATUS.get(application.status)
    if state is None:
        return None
    created = clock.as_utc(application.submitted_at)
    policy = sla.policy("application", None)
    due = clock.as_utc(application.sla_due_at) if application.sla_due_at else None
    due = due or policy.overall_due(created)
    office = route(db, application.department, application.district, application.mandal)
    case = ApplicationCase(
        reference=application.number,
        citizen=application.citizen,
        lang=application.language or "te",
        service_id=application.service_id,
        department=application.department,
        district=application.district,
        office_id=office.id if office else None,
        state=state,
        level=0,
        created_at=created,
        updated_at=clock.as_utc(application.updated_at),
        state_since=created,
        due_at=due,
        step_due_at=policy.step_due(state, created, due) if state in policy.steps else None,
        breached=False,
        extra_documents=[],
        finished_at=clock.as_utc(application.decided_at) if application.decided_at else None,
    )
    db.add(case)
    db.flush()
    return case


def sync_cases(db: Session, limit: int = 1000) -> int:
    """Open a review case for every application that has none yet; returns how many."""
    known = select(ApplicationCase.reference)
    rows = db.scalars(
        select(Application).where(Application.number.not_in(known)).limit(limit)
    ).all()
    made = sum(1 for row in rows if case_for(db, row) is not None)
    return made


def find_application(db: Session, number: str) -> Application | None:
    return db.scalar(select(Application).where(Application.number == number))


def decide(
    db: Session,
    case: ApplicationCase,
    action: str,
    *,
    actor: str,
    note: str | None,
    parts: Parts,
) -> None:
    """An officer's transition on an application, mirrored onto the `Application` row."""
    application = find_application(db, case.reference)
    cases.transition(db, case, action, actor=actor, note=note)
    if application is None:
        return
    now = clock.now()
    application.status = STATUS_OF_STATE[case.state].value
    application.updated_at = now
    if case.state in ("approved", "rejected"):
        application.decided_at = now
        application.decided_by = actor
        application.decision_reason = note
    if case.state == "approved":
        _issue_certificate(db, case, application, parts)


def _issue_certificate(
    db: Session, case: ApplicationCase, application: Application, parts: Parts
) -> None:
    office = db.get(Office, case.office_id) if case.office_id else None
    # the certificate prints what the citizen stated: sealed answers (a caste) opened for it
    answers = parts.privacy.open_answers(dict(application.answers or {}))
    spec = parts.catalog.service(application.service_id)
    request = certificate_request(spec, answers, application.applicant_name) if spec else None
    if request is None:
        return
    try:
        issued = parts.documents.issue(
            db,
            doc_type=request.doc_type,
            number=new_number(request.doc_type),
            holder_name_en=request.holder_en,
            holder_name_te=request.holder_te,
            facts=request.facts,
            office=PrintedOffice(
                code=case.office_id or application.department,
                name_en=office.name_en if office else application.department,
                name_te=office.name_te if office else application.department,
            ),
            officer=PrintedOfficer(designation_en="Tahsildar", designation_te="తహసీల్దార్"),
        )
    except (ManamitraError, ValueError, KeyError) as exc:
        log.warning(
            "certificate not issued", extra={"application": case.reference, "error": str(exc)}
        )
        cases.record(db, case, "system", "certificate_failed", note=str(exc)[:300])
        return
    application.status = ApplicationStatus.ISSUED.value
    application.certificate_number = issued.number
    application.certificate_media_key = issued.media_key
    case.certificate_number = issued.number
    case.certificate_media_key = issued.media_key
    cases.record(db, case, "system", "certificate_issued", number=issued.number)
    domain_events.issued(db, case, request.doc_type)
    if notify.in_window(db, case.citizen):
        lang = "te" if application.language == "te" else "en"
        title = (application.title or {}).get(lang) or (application.title or {}).get("en", "")
        caption = t(lang, "status.document_caption", title=title, reference=issued.number)
        delivered = Document(media_key=issued.media_key, filename=issued.filename, caption=caption)
        # the certificate is delivered: the citizen may rate the service, once
        rating = ratings.ask_rating(db, "certificate", application.number, lang)
        enqueue(db, case.citizen, [delivered, *rating])
