"""One case, a grievance or an application: its page (facts, attachments, timeline) and the
officer's actions on it, one at a time or in bulk.

Decisions run in one transaction with their timeline event, audit entry and the citizen's
notification; the outbox sender is woken after commit.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from manamitra import clock, ratings
from manamitra.console import audit, display, queries
from manamitra.console.page import Context, Forbidden, NotFound, check_csrf, labels
from manamitra.console.wiring import Wiring
from manamitra.errors import ConflictError, ValidationError
from manamitra.grievances import cases
from manamitra.grievances.applications import decide, find_application
from manamitra.grievances.categories import category_label
from manamitra.grievances.notify import wake_sender
from manamitra.grievances.places import place_name
from manamitra.grievances.workflow import load_workflow
from manamitra.parts import Parts
from manamitra.runtime import Runtime
from manamitra.store.models.console import Officer
from manamitra.store.models.grievances import ApplicationCase, Grievance

DECIDING = ("officer", "supervisor")


def case_router(wiring: Wiring) -> APIRouter:
    router = APIRouter(prefix="/console", include_in_schema=False)
    runtime = wiring.runtime

    @router.get("/cases/{kind}/{ref}")
    def case_page(kind: str, ref: str, ctx: Context = Depends(wiring.signed_in)) -> Response:
        case = _case_or_deny(ctx, kind, ref)
        flow = load_workflow(kind)
        now = clock.now()
        supervising = ctx.officer.role in queries.SUPERVISING
        facts, attachments, title = _case_facts(ctx, case, runtime.parts)
        colleagues = queries.officers_in_scope(ctx.db, ctx.officer) if supervising else []
        transitions = [
            t
            for t in flow.available(case.state, "officer")
            if not (kind == "grievance" and t.name == "assign")
        ]
        return ctx.page(
            "case.html",
            case=case,
            kind=kind,
            ref=ref,
            title=title,
            state_label=flow.label(case.state, ctx.lang),
            sla=queries.sla_status(case, now),
            office=ctx.names.office(case.office_id),
            facts=facts,
            attachments=attachments,
            events=cases.timeline(ctx.db, kind, ref),
            transitions=transitions,
            can_assign_me=case.state in flow.open_states
            and case.assigned_to != ctx.officer.username,
            supervising=supervising,
            colleagues=[o for o in colleagues if queries.can_see(o, case)],
            flash=labels()[ctx.lang]["done_ok"] if ctx.request.query_params.get("ok") else None,
        )

    @router.post("/cases/{kind}/{ref}/action")
    async def case_action(
        request: Request, kind: str, ref: str, ctx: Context = Depends(wiring.signed_in)
    ) -> Response:
        await check_csrf(request, ctx)
        form = await request.form()
        case = _case_or_deny(ctx, kind, ref)
        action = str(form.get("action") or "")
        note = str(form.get("note") or "").strip()[:2000] or None
        try:
            with ctx.db.begin_nested():
                _act(ctx, case, kind, action, note, str(form.get("assignee") or ""), runtime)
        except (ConflictError, ValidationError) as exc:
            return HTMLResponse(f"<p>{_explain(exc, ctx.lang)}</p>", status_code=409)
        return after_commit(f"/console/cases/{kind}/{ref}?ok=1", runtime)

    @router.post("/bulk")
    async def bulk(request: Request, ctx: Context = Depends(wiring.signed_in)) -> Response:
        await check_csrf(request, ctx)
        if ctx.officer.role not in queries.SUPERVISING:
            raise Forbidden(labels()[ctx.lang]["forbidden"])
        form = await request.form()
        action = str(form.get("action") or "")
        assignee = str(form.get("assignee") or "")
        for item in form.getlist("refs")[:200]:
            kind, _, ref = str(item).partition(":")
            case = _case_or_deny(ctx, kind, ref)
            try:
                with ctx.db.begin_nested():
                    _act(ctx, case, kind, action, None, assignee, runtime)
            except (ConflictError, ValidationError):
                continue
        return after_commit("/console/inbox", runtime)

    return router


def _case_or_deny(ctx: Context, kind: str, ref: str) -> cases.Case:
    case = queries.load_case(ctx.db, kind, ref)
    if case is None:
        raise NotFound()
    if not queries.can_see(ctx.officer, case):
        audit.append(ctx.db, ctx.officer.username, "denied", f"{kind}:{ref}")
        raise Forbidden(labels()[ctx.lang]["forbidden"])
    return case


def decides(officer: Officer) -> bool:
    """Who reads sealed answers (a caste) opened: the officers who decide cases in their
    jurisdiction; administrators overseeing see them masked."""
    return officer.role in DECIDING


def _case_facts(
    ctx: Context, case: cases.Case, parts: Parts
) -> tuple[list[tuple[str, str]], list[dict[str, Any]], str]:
    words = ctx.words
    if isinstance(case, Grievance):
        facts = [
            (words["category"], category_label(case.category, ctx.lang)),
            (words["description"], case.description or "—"),
            (words["location"], _where(case, ctx.lang)),
        ]
        if case.rating:
            scale = case.rating_scale or 5
            rated = f"{ratings.shown(case.rating, scale)} {case.rating_comment or ''}"
            facts.append((words["rating"], rated.strip()))
        return facts, list(case.attachments or []), category_label(case.category, ctx.lang)
    application = find_application(ctx.db, case.reference)
    facts = []
    attachments: list[dict[str, Any]] = []
    title = ctx.names.service(case.service_id)
    if application is not None:
        spec = parts.catalog.service(application.service_id)
        answers = dict(application.answers or {})
        if decides(ctx.officer):
            answers = parts.privacy.open_answers(answers)
        if "applicant_name" not in answers:
            facts.append((words["applicant"], application.applicant_name or "—"))
        shown = display.application_answers(spec, answers, ctx.lang)
        facts.extend(shown.facts)
        attachments.extend(shown.attachments)
        attachments.extend(d for d in application.documents or [] if isinstance(d, dict))
    attachments.extend(case.extra_documents or [])
    if case.requested_document:
        facts.append((words["documents"], case.requested_document))
    seen: set[str] = set()
    unique = []
    for item in attachments:
        key = str(item.get("media_key"))
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return facts, unique, title


def _where(case: Grievance, lang: str) -> str:
    parts = [place_name(case.village or case.mandal or case.district, lang)]
    if case.latitude is not None:
        parts.append(f"({case.latitude:.5f}, {case.longitude:.5f})")
    if case.address:
        parts.append(case.address)
    return " ".join(p for p in parts if p) or "—"


def _act(
    ctx: Context,
    case: cases.Case,
    kind: str,
    action: str,
    note: str | None,
    assignee: str,
    runtime: Runtime,
) -> None:
    """One officer action on one case, with its audit entry."""
    officer = ctx.officer
    ref = cases.reference(case)
    supervising = officer.role in queries.SUPERVISING
    if action == "assign_me":
        cases.assign(ctx.db, case, officer.username, actor=officer.username)
    elif action == "reassign":
        if not supervising:
            raise Forbidden(labels()[ctx.lang]["forbidden"])
        target = ctx.db.scalar(select(Officer).where(Officer.username == assignee))
        if (
            target is None
            or target not in queries.officers_in_scope(ctx.db, officer)
            or not queries.can_see(target, case)
        ):
            raise ConflictError("no such officer in your jurisdiction")
        cases.assign(ctx.db, case, target.username, actor=officer.username)
    elif action == "escalate":
        if not supervising or not cases.escalate(
            ctx.db, case, actor=officer.username, reason="manual"
        ):
            raise ConflictError("cannot escalate")
    elif isinstance(case, ApplicationCase):
        decide(
            ctx.db,
            case,
            action,
            actor=officer.username,
            note=note,  # type: ignore[arg-type]
            parts=runtime.parts,
        )
    else:
        if case.assigned_to is None and action in ("start", "resolve"):
            case.assigned_to = officer.username
        cases.transition(ctx.db, case, action, actor=officer.username, note=note)
    audit.append(
        ctx.db, officer.username, action, f"{kind}:{ref}", note=note, assignee=assignee or None
    )


def _explain(exc: Exception, lang: str) -> str:
    if isinstance(exc, ValidationError):
        key = exc.message_key.split(".")[-1]
        return {"needs_note": labels()[lang]["note"], "needs_reason": labels()[lang]["note"]}.get(
            key, str(exc)
        )
    return str(exc)


def after_commit(url: str, runtime: Runtime) -> Response:
    response = RedirectResponse(url, status_code=303)
    response.background = _Wake(runtime)  # type: ignore[assignment]
    return response


class _Wake:
    """Runs after the response (and so after the unit of work committed): wake the sender."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    async def __call__(self) -> None:
        wake_sender(self.runtime.parts)
