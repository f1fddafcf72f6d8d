"""Correction requests: a citizen says a verified fact is wrong, and an officer of the
department that verified it approves the corrected value or rejects it with a reason.

An officer sees a correction when they would see the case of the application that verified
the fact (its department, district and office: `queries.can_see`); a fact with no such case
(a department's own records) is decided by the department's administrators. The decision,
its audit entry and the citizen's message in their language are one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from manamitra import profile
from manamitra.console import audit, queries
from manamitra.console.case import after_commit
from manamitra.console.page import Context, Forbidden, NotFound, check_csrf, labels
from manamitra.console.wiring import Wiring
from manamitra.errors import ConflictError, ValidationError
from manamitra.fields import display_answer
from manamitra.grievances.applications import find_application
from manamitra.grievances.notify import notify
from manamitra.parts import Parts
from manamitra.privacy import mask_aadhaar
from manamitra.profile.facts import asking_step
from manamitra.profile.show import t as profile_text
from manamitra.store.models.console import Officer
from manamitra.store.models.grievances import ApplicationCase
from manamitra.store.models.pipeline import Conversation
from manamitra.store.models.profile import ProfileCorrection

SHOWN = 200


@dataclass(frozen=True)
class Listed:
    correction: ProfileCorrection
    case: ApplicationCase | None


def corrections_in_scope(db: Session, officer: Officer, waiting: bool) -> list[Listed]:
    """Waiting requests oldest first, or decided ones newest first, in the officer's scope."""
    query = select(ProfileCorrection, ApplicationCase).outerjoin(
        ApplicationCase, ApplicationCase.reference == ProfileCorrection.source_ref
    )
    if officer.role != "state_admin":
        query = query.where(ProfileCorrection.department == officer.department)
    if officer.role not in ("state_admin", "dept_admin"):
        query = query.where(ApplicationCase.district == officer.district)
        if officer.role == "officer" and officer.office_id:
            office = officer.office_id
            query = query.where(
                or_(
                    ApplicationCase.office_id == office,
                    ApplicationCase.office_id.startswith(f"{office}."),
                )
            )
    if waiting:
        query = query.where(ProfileCorrection.status == "requested").order_by(
            ProfileCorrection.requested_at, ProfileCorrection.id
        )
    else:
        query = query.where(ProfileCorrection.status != "requested").order_by(
            ProfileCorrection.decided_at.desc(), ProfileCorrection.id.desc()
        )
    return [Listed(row, case) for row, case in db.execute(query.limit(SHOWN)).all()]


def may_decide(
    officer: Officer, correction: ProfileCorrection, case: ApplicationCase | None
) -> bool:
    if officer.role == "state_admin":
        return True
    if officer.department != correction.department:
        return False
    if officer.role == "dept_admin":
        return True
    return case is not None and queries.can_see(officer, case)


def _source_case(db: Session, correction: ProfileCorrection) -> ApplicationCase | None:
    if not correction.source_ref:
        return None
    return db.scalar(
        select(ApplicationCase).where(ApplicationCase.reference == correction.source_ref)
    )


def shown_value(parts: Parts, key: str, value: Any, lang: str) -> str:
    """A fact as the deciding officer reads it: Aadhaar masked, a choice by its label."""
    if value in (None, ""):
        return "—"
    if key == "aadhaar":
        return mask_aadhaar(value)
    value = parts.privacy.open_answers({key: value})[key]  # the deciding officer reads a caste
    step = asking_step(parts.catalog, key)
    return display_answer(step, value, lang) if step is not None else str(value)


def _verified_before(db: Session, correction: ProfileCorrection) -> Any:
    """The value the citizen says is wrong, where it was verified."""
    ref = correction.source_ref or ""
    application = find_application(db, ref)
    if application is not None:
        return (application.answers or {}).get(correction.fact)
    earlier = profile.find_correction(db, ref)
    return earlier.corrected if earlier is not None else None


def _citizen_lang(db: Session, correction: ProfileCorrection) -> str:
    """The language the citizen chats in now, else the one they applied in."""
    convo = db.get(Conversation, correction.citizen)
    lang = convo.language if convo is not None else None
    if lang is None:
        application = find_application(db, correction.source_ref or "")
        lang = application.language if application is not None else None
    return "en" if lang == "en" else "te"


def decide_and_tell(
    db: Session, parts: Parts, correction: ProfileCorrection, approve: bool, actor: str, reason: str
) -> None:
    """The decision, its audit entry and the citizen's message, in this transaction."""
    profile.decide_correction(
        db, parts, correction, approve=approve, actor=actor, reason=reason or None
    )
    lang = _citizen_lang(db, correction)
    department = parts.catalog.departments.get(correction.department or "")
    notify(
        db,
        correction.citizen,
        lang,
        "correction_approved" if approve else "correction_rejected",
        number=correction.number,
        department=department.name.get(lang) if department else correction.department or "-",
        fact=profile_text(lang, f"fact.{correction.fact}"),
        note=correction.decision_reason or "",
    )
    audit.append(
        db,
        actor,
        "correction_approved" if approve else "correction_rejected",
        f"correction:{correction.number}",
        note=correction.decision_reason,
    )


def corrections_router(wiring: Wiring) -> APIRouter:
    router = APIRouter(prefix="/console", include_in_schema=False)
    parts = wiring.runtime.parts

    @router.get("/corrections")
    def corrections(request: Request, ctx: Context = Depends(wiring.signed_in)) -> Response:
        decided = request.query_params.get("decided") == "1"
        rows = corrections_in_scope(ctx.db, ctx.officer, waiting=not decided)
        return ctx.page(
            "corrections.html",
            rows=rows,
            decided=decided,
            fact_label=lambda key: profile_text(ctx.lang, f"fact.{key}"),
        )

    @router.get("/corrections/{number}")
    def correction_page(number: str, ctx: Context = Depends(wiring.signed_in)) -> Response:
        return _page(ctx, parts, _correction_or_deny(ctx, number))

    @router.post("/corrections/{number}/decide")
    async def decide(
        request: Request, number: str, ctx: Context = Depends(wiring.signed_in)
    ) -> Response:
        await check_csrf(request, ctx)
        form = await request.form()
        found = _correction_or_deny(ctx, number)
        action = str(form.get("action") or "")
        reason = str(form.get("reason") or "").strip()
        if action not in ("approve", "reject"):
            return HTMLResponse("<p>unknown action</p>", status_code=400)
        try:
            with ctx.db.begin_nested():
                decide_and_tell(
                    ctx.db,
                    parts,
                    found.correction,
                    action == "approve",
                    ctx.officer.username,
                    reason,
                )
        except ValidationError as exc:
            key = exc.message_key.split(".")[-1]
            error = ctx.words["correction_errors"].get(key, key)
            ctx.db.refresh(found.correction)
            return _page(ctx, parts, found, error=error, reason=reason, status_code=422)
        except ConflictError:
            ctx.db.refresh(found.correction)
            error = ctx.words["correction_errors"]["decided"]
            return _page(ctx, parts, found, error=error, status_code=409)
        return after_commit(f"/console/corrections/{number}?ok=1", wiring.runtime)

    return router


def _correction_or_deny(ctx: Context, number: str) -> Listed:
    correction = profile.find_correction(ctx.db, number)
    if correction is None:
        raise NotFound()
    case = _source_case(ctx.db, correction)
    if not may_decide(ctx.officer, correction, case):
        audit.append(ctx.db, ctx.officer.username, "denied", f"correction:{number}")
        raise Forbidden(labels()[ctx.lang]["forbidden"])
    return Listed(correction, case)


def _page(
    ctx: Context, parts: Parts, found: Listed, status_code: int = 200, **values: Any
) -> Response:
    correction = found.correction
    key = correction.fact
    requested = profile.requested_value(parts.privacy, correction)
    if key == "aadhaar":
        requested = mask_aadhaar(requested.replace(" ", ""))
    return ctx.page(
        "correction.html",
        status_code=status_code,
        c=correction,
        case=found.case,
        fact_label=profile_text(ctx.lang, f"fact.{key}"),
        before=shown_value(parts, key, _verified_before(ctx.db, correction), ctx.lang),
        requested=requested,
        approved=shown_value(parts, key, correction.corrected, ctx.lang),
        flash=ctx.words["done_ok"] if ctx.request.query_params.get("ok") else None,
        **values,
    )
