"""The console's pages: sign-in, inbox (with partial swaps), case page and decisions, bulk
actions, escalations, dashboard, CSV export, media and the audit trail.

Every POST carries the session's CSRF token; every case page checks jurisdiction (403).
Decisions run in one transaction with their timeline event, audit entry and the citizen's
notification; the outbox sender is woken after commit.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import select
from sqlalchemy.orm import Session

from manamitra import clock, formatting
from manamitra.console import audit, auth, charts, display, language, queries, signin_throttle
from manamitra.documents.shaping import FONTS
from manamitra.errors import ConflictError, ManamitraError, ValidationError
from manamitra.grievances import cases
from manamitra.grievances.applications import decide, find_application
from manamitra.grievances.categories import categories, category_label
from manamitra.grievances.notify import wake_sender
from manamitra.grievances.places import place_name
from manamitra.grievances.workflow import load_workflow
from manamitra.messaging.inbound import Media
from manamitra.pipeline.media import fetch_media
from manamitra.runtime import Runtime
from manamitra.store.models.console import AuditEntry, ConsoleSession, Officer
from manamitra.store.models.grievances import ApplicationCase, Grievance
from manamitra.store.models.pipeline import MediaBlob
from manamitra.yamlio import load_yaml

HERE = Path(__file__).parent
log = logging.getLogger(__name__)
SESSION_COOKIE = "mm_console"
LOGIN_CSRF_COOKIE = "mm_console_csrf"
LANG_COOKIE = "mm_console_lang"
LANG_COOKIE_AGE = 365 * 24 * 3600
templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.globals["ist"] = lambda moment: formatting.datetime_numeric(moment) if moment else "—"
templates.env.globals["when"] = lambda moment, lang: (
    formatting.datetime_words(moment, lang) if moment else "—"
)
templates.env.globals["phone"] = display.phone


@cache
def labels() -> dict[str, dict[str, Any]]:
    return load_yaml((HERE / "labels.yaml").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


class _Labels(dict[str, Any]):
    def __getattr__(self, name: str) -> Any:
        return self.get(name, name)

    def __missing__(self, key: str) -> str:
        return key


def _lang(request: Request, officer: Officer | None = None) -> str:
    """Signed in, the officer's own choice counts, never a cookie another officer may have
    left on a shared office computer; the cookie serves the sign-in page."""
    return language.choose(
        asked=request.query_params.get("lang"),
        officer=officer.lang if officer is not None else None,
        cookie=request.cookies.get(LANG_COOKIE) if officer is None else None,
        accept_language=request.headers.get("accept-language"),
    )


def _switch_url(request: Request, lang: str) -> str:
    """This page in the other language, its filters kept."""
    query = {k: v for k, v in request.query_params.multi_items() if k not in ("lang", "ok")}
    other = "en" if lang == "te" else "te"
    return f"{request.url.path}?{urlencode([*query.items(), ('lang', other)])}"


def _remember_lang(request: Request, response: Response, lang: str) -> None:
    if request.query_params.get("lang") in language.LANGUAGES:
        response.set_cookie(
            LANG_COOKIE,
            lang,
            samesite="lax",
            httponly=True,
            max_age=LANG_COOKIE_AGE,
            secure=request.url.scheme == "https",
        )


class Context:
    """The signed-in officer of one request, with the open transaction."""

    def __init__(
        self,
        request: Request,
        db: Session,
        officer: Officer,
        session: ConsoleSession,
        catalog: Any = None,
    ):
        self.request = request
        self.db = db
        self.officer = officer
        self.session = session
        asked = request.query_params.get("lang")
        if asked in language.LANGUAGES and officer.lang != asked:
            officer.lang = asked  # the officer's choice, kept for every browser they use
        self.lang = _lang(request, officer)
        self.words = _Labels(labels()[self.lang])
        self.names = display.Names(db, catalog, self.lang, self.words)

    def page(self, name: str, status_code: int = 200, **values: Any) -> HTMLResponse:
        officer = self.officer
        where = self.names.office(officer.office_id) if officer.office_id else ""
        who = " · ".join(
            p
            for p in (
                officer.name,
                self.names.role(officer.role),
                self.names.department(officer.department) if officer.department else "",
                where or (place_name(officer.district, self.lang) if officer.district else ""),
            )
            if p
        )
        response = templates.TemplateResponse(
            self.request,
            name,
            {
                "officer": officer,
                "who": who,
                "csrf": self.session.csrf_token,
                "lang": self.lang,
                "switch_url": _switch_url(self.request, self.lang),
                "L": self.words,
                "names": self.names,
                **values,
            },
            status_code=status_code,
        )
        _remember_lang(self.request, response, self.lang)
        return response


def _served_over_https(request: Request, public_url: str) -> bool:
    """Cookies are `Secure` whenever the browser reached us over HTTPS: directly, behind a
    proxy that says so (uvicorn applies `X-Forwarded-Proto` from trusted proxies to the
    scheme), or when the platform's public address is HTTPS."""
    return request.url.scheme == "https" or public_url.startswith("https://")


def _login_page(
    request: Request,
    lang: str,
    *,
    lang_chosen: str | None,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The sign-in form with a fresh form token (also after a refusal, with its reason)."""
    token = secrets.token_urlsafe(24)
    page = templates.TemplateResponse(
        request,
        "login.html",
        {
            "officer": None,
            "csrf": token,
            "lang": lang,
            "lang_chosen": lang_chosen,
            "switch_url": _switch_url(request, lang),
            "L": _Labels(labels()[lang]),
            "error": error,
        },
        status_code=status_code,
    )
    page.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        path="/console",
        secure=request.url.scheme == "https",
    )
    return page


def console_router(runtime: Runtime) -> APIRouter:
    router = APIRouter(prefix="/console", include_in_schema=False)
    database = runtime.database

    def db_session() -> Any:
        with database.unit_of_work() as db:
            yield db

    def signed_in(request: Request, db: Session = Depends(db_session)) -> Context:
        found = auth.load_session(db, request.cookies.get(SESSION_COOKIE))
        if found is None:
            raise _Redirect("/console/login")
        return Context(request, db, *found, catalog=runtime.services.get("catalog"))

    async def check_csrf(request: Request, ctx: Context) -> None:
        form = await request.form()
        if not auth.csrf_ok(ctx.session.csrf_token, str(form.get("csrf_token") or "")):
            raise _Forbidden(labels()[ctx.lang]["csrf"])

    # ---- sign-in -----------------------------------------------------------------------
    @router.get("/login")
    def login_page(request: Request) -> HTMLResponse:
        lang = _lang(request)
        response = _login_page(request, lang, lang_chosen=request.query_params.get("lang"))
        _remember_lang(request, response, lang)
        return response

    @router.post("/login")
    def login(
        request: Request,
        username: str = Form(...),
        password: str = Form(...),
        csrf_token: str = Form(""),
        lang_chosen: str = Form("", alias="lang"),
        db: Session = Depends(db_session),
    ) -> Response:
        lang = _lang(request)
        words = _Labels(labels()[lang])
        expected = request.cookies.get(LOGIN_CSRF_COOKIE) or ""
        if not expected or not auth.csrf_ok(expected, csrf_token):
            return HTMLResponse(words.csrf, status_code=403)
        address = request.client.host if request.client else "unknown"
        refusal = signin_throttle.check(db, username, address)
        if refusal is not None:
            audit.append(db, username[:64] or "-", "login_throttled", None, address=address)
            wait = (
                words.wait_seconds.format(n=refusal.retry_after)
                if refusal.retry_after < 120
                else words.wait_minutes.format(n=-(-refusal.retry_after // 60))
            )
            refused = _login_page(
                request,
                lang,
                lang_chosen=lang_chosen,
                error=words.throttled.format(wait=wait),
                status_code=429,
            )
            refused.headers["Retry-After"] = str(refusal.retry_after)
            return refused
        result = auth.authenticate(db, username, password)
        if result.officer is None:
            signin_throttle.record_failure(db, username, address)
            audit.append(db, username[:64] or "-", f"login_{result.reason}", None, address=address)
            return _login_page(
                request, lang, lang_chosen=lang_chosen, error=words[result.reason], status_code=401
            )
        signin_throttle.record_success(db, username, address)
        if result.officer.lang is None and lang_chosen in language.LANGUAGES:
            result.officer.lang = lang_chosen  # chosen with the switch on the sign-in page
        token, _row = auth.start_session(db, result.officer)
        audit.append(db, result.officer.username, "login")
        response = RedirectResponse("/console/inbox", status_code=303)
        response.set_cookie(
            SESSION_COOKIE,
            token,
            httponly=True,
            samesite="strict",
            path="/console",
            max_age=int(auth.SESSION_LIFETIME.total_seconds()),
            secure=_served_over_https(request, runtime.settings.public_url),
        )
        response.delete_cookie(LOGIN_CSRF_COOKIE, path="/console")
        return response

    @router.post("/logout")
    async def logout(request: Request, ctx: Context = Depends(signed_in)) -> Response:
        await check_csrf(request, ctx)
        auth.end_session(ctx.db, request.cookies.get(SESSION_COOKIE))
        audit.append(ctx.db, ctx.officer.username, "logout")
        response = RedirectResponse("/console/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/console")
        response.delete_cookie(LANG_COOKIE)  # the next officer at this computer chooses anew
        return response

    # ---- inbox -------------------------------------------------------------------------
    def _filters(request: Request, **extra: Any) -> queries.Filters:
        q = request.query_params
        return queries.Filters(
            kind=q.get("kind") or "all",
            state=q.get("state") or "",
            sla=q.get("sla") or "",
            category=q.get("category") or "",
            mine=q.get("mine") == "1",
            q=(q.get("q") or "")[:40],
            **extra,
        )

    def _list(ctx: Context, filters: queries.Filters, heading: str, action_url: str) -> Response:
        rows = queries.inbox(ctx.db, ctx.officer, filters, ctx.names)
        supervising = ctx.officer.role in queries.SUPERVISING
        states = sorted(
            {
                (s, load_workflow(k).label(s, ctx.lang))
                for k in ("grievance", "application")
                for s in load_workflow(k).states
            }
        )
        values: dict[str, Any] = {
            "rows": rows,
            "f": filters,
            "heading": heading,
            "action_url": action_url,
            "supervising": supervising,
            "states": states,
            "categories": [(c, category_label(c, ctx.lang)) for c in categories()],
            "colleagues": queries.officers_in_scope(ctx.db, ctx.officer) if supervising else [],
        }
        if ctx.request.headers.get("X-Partial"):
            return ctx.page("rows.html", **values)
        return ctx.page("inbox.html", **values)

    @router.get("")
    @router.get("/")
    def home() -> Response:
        return RedirectResponse("/console/inbox", status_code=303)

    @router.get("/inbox")
    def inbox(request: Request, ctx: Context = Depends(signed_in)) -> Response:
        return _list(ctx, _filters(request), labels()[ctx.lang]["inbox"], "/console/inbox")

    @router.get("/escalations")
    def escalations(request: Request, ctx: Context = Depends(signed_in)) -> Response:
        if ctx.officer.role not in queries.SUPERVISING:
            raise _Forbidden(labels()[ctx.lang]["forbidden"])
        return _list(
            ctx,
            _filters(request, escalated=True),
            labels()[ctx.lang]["escalations"],
            "/console/escalations",
        )

    @router.get("/export.csv")
    def export(request: Request, ctx: Context = Depends(signed_in)) -> Response:
        audit.append(ctx.db, ctx.officer.username, "export_csv")
        body = queries.export_csv(ctx.db, ctx.officer, _filters(request), ctx.names)
        return Response(
            body,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="cases.csv"'},
        )

    # ---- one case ----------------------------------------------------------------------
    def _case_or_deny(ctx: Context, kind: str, ref: str) -> cases.Case:
        case = queries.load_case(ctx.db, kind, ref)
        if case is None:
            raise _NotFound()
        if not queries.can_see(ctx.officer, case):
            audit.append(ctx.db, ctx.officer.username, "denied", f"{kind}:{ref}")
            raise _Forbidden(labels()[ctx.lang]["forbidden"])
        return case

    @router.get("/cases/{kind}/{ref}")
    def case_page(kind: str, ref: str, ctx: Context = Depends(signed_in)) -> Response:
        case = _case_or_deny(ctx, kind, ref)
        flow = load_workflow(kind)
        now = clock.now()
        supervising = ctx.officer.role in queries.SUPERVISING
        facts, attachments, title = _case_facts(ctx, case, runtime.services.get("catalog"))
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
        request: Request, kind: str, ref: str, ctx: Context = Depends(signed_in)
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
        return _after_commit(f"/console/cases/{kind}/{ref}?ok=1", runtime)

    @router.post("/bulk")
    async def bulk(request: Request, ctx: Context = Depends(signed_in)) -> Response:
        await check_csrf(request, ctx)
        if ctx.officer.role not in queries.SUPERVISING:
            raise _Forbidden(labels()[ctx.lang]["forbidden"])
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
        return _after_commit("/console/inbox", runtime)

    # ---- dashboard, audit, media -------------------------------------------------------
    @router.get("/dashboard")
    def dashboard(request: Request, ctx: Context = Depends(signed_in)) -> Response:
        offices = queries.offices_in_scope(ctx.db, ctx.officer)
        chosen = request.query_params.get("office") or None
        if chosen is not None and chosen not in {o.id for o in offices}:
            chosen = None
        numbers = queries.dashboard(ctx.db, ctx.officer, ctx.lang, chosen)
        scope = " · ".join(
            p
            for p in (
                ctx.names.department(ctx.officer.department),
                ctx.names.office(ctx.officer.office_id)
                if ctx.officer.office_id and ctx.officer.role == "officer"
                else place_name(ctx.officer.district, ctx.lang)
                if ctx.officer.district
                else "",
            )
            if p
        )
        return ctx.page(
            "dashboard.html",
            d=numbers,
            scope=scope,
            offices=offices,
            chosen=chosen,
            week_chart=charts.columns(numbers.by_week),
            state_chart=charts.bars(numbers.by_state),
            category_chart=charts.bars(numbers.by_category),
        )

    @router.get("/audit")
    def audit_page(ctx: Context = Depends(signed_in)) -> Response:
        if ctx.officer.role not in ("dept_admin", "state_admin"):
            raise _Forbidden(labels()[ctx.lang]["forbidden"])
        entries = list(ctx.db.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(300)))
        return ctx.page("audit.html", entries=entries, broken=audit.verify_chain(ctx.db))

    @router.get("/media/{key:path}")
    async def media(request: Request, key: str) -> Response:
        # Its own short transactions: a citizen's photo not fetched yet is downloaded from
        # the Graph API here, and no store lock may be held while that happens.
        looked = await asyncio.to_thread(_look_up_media, database, request, key)
        if isinstance(looked, Response):
            return looked
        blob, reference = looked
        if blob is None and reference.get("media_id") and runtime.services.get("graph"):
            try:
                blob = await fetch_media(
                    runtime.services["graph"],
                    database,
                    Media(id=str(reference["media_id"]), mime_type=str(reference["mime_type"])),
                )
            except ManamitraError as exc:
                log.warning("media not fetched", extra={"key": key, "error": str(exc)})
                blob = None
        if blob is None or blob.content is None:
            raise _NotFound()
        return Response(
            blob.content,
            media_type=blob.mime_type,
            headers={"Cache-Control": "private, max-age=300"},
        )

    return router


def _look_up_media(
    database: Any, request: Request, key: str
) -> Response | tuple[MediaBlob | None, dict[str, Any]]:
    with database.unit_of_work() as db:
        found = auth.load_session(db, request.cookies.get(SESSION_COOKIE))
        if found is None:
            return RedirectResponse("/console/login", status_code=303)
        ctx = Context(request, db, *found)
        reference = _media_reference(ctx, key)
        if reference is None:
            audit.append(db, ctx.officer.username, "denied", f"media:{key}"[:96])
            return HTMLResponse(
                f"<!doctype html><title>403</title><h1>403</h1><p>{labels()[ctx.lang]['forbidden']}</p>",
                status_code=403,
            )
        blob = db.get(MediaBlob, key)
        if blob is not None:
            db.expunge(blob)
        return blob, reference


def _media_reference(ctx: Context, key: str) -> dict[str, Any] | None:
    """The attachment naming `key` in a case the officer may see; None when there is none."""

    def holds(items: list[Any]) -> dict[str, Any] | None:
        return next((i for i in items if isinstance(i, dict) and i.get("media_key") == key), None)

    for row in ctx.db.scalars(
        queries._scoped(select(Grievance), Grievance, ctx.officer).limit(5000)
    ):
        found = holds(list(row.attachments or []))
        if found is not None:
            return found
    for case in ctx.db.scalars(
        queries._scoped(select(ApplicationCase), ApplicationCase, ctx.officer).limit(5000)
    ):
        if case.certificate_media_key == key:
            return {"media_key": key}
        application = find_application(ctx.db, case.reference)
        found = holds(
            [
                *(case.extra_documents or []),
                *((application.documents or []) if application else []),
                *((application.answers or {}).values() if application else []),
            ]
        )
        if found is not None:
            return found
    if ctx.officer.role == "state_admin":
        return {"media_key": key}
    return None


def _case_facts(
    ctx: Context, case: cases.Case, catalog: Any = None
) -> tuple[list[tuple[str, str]], list[dict[str, Any]], str]:
    words = ctx.words
    if isinstance(case, Grievance):
        facts = [
            (words["category"], category_label(case.category, ctx.lang)),
            (words["description"], case.description or "—"),
            (words["location"], _where(case, ctx.lang)),
        ]
        if case.rating:
            facts.append((words["rating"], f"{case.rating} ★ {case.rating_comment or ''}"))
        return facts, list(case.attachments or []), category_label(case.category, ctx.lang)
    application = find_application(ctx.db, case.reference)
    facts = []
    attachments: list[dict[str, Any]] = []
    title = ctx.names.service(case.service_id)
    if application is not None:
        spec = catalog.service(application.service_id) if catalog is not None else None
        answers = dict(application.answers or {})
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
            raise _Forbidden(labels()[ctx.lang]["forbidden"])
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
            services=runtime.services,
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


def _after_commit(url: str, runtime: Runtime) -> Response:
    response = RedirectResponse(url, status_code=303)
    response.background = _Wake(runtime)  # type: ignore[assignment]
    return response


class _Wake:
    """Runs after the response (and so after the unit of work committed): wake the sender."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    async def __call__(self) -> None:
        wake_sender(self.runtime.services)


class _Redirect(Exception):
    def __init__(self, url: str) -> None:
        self.url = url


class _Forbidden(Exception):
    def __init__(self, message: str) -> None:
        self.message = message


class _NotFound(Exception):
    pass


def install(app: Any, runtime: Runtime) -> None:
    """Mount the console on the app: router, static files, and its error pages."""
    app.include_router(console_router(runtime))
    app.mount("/console/static", StaticFiles(directory=str(HERE / "static")), name="console-static")
    app.mount("/console/fonts", StaticFiles(directory=str(FONTS)), name="console-fonts")

    @app.exception_handler(_Redirect)
    async def _redirect(_request: Request, exc: _Redirect) -> Response:
        return RedirectResponse(exc.url, status_code=303)

    @app.exception_handler(_Forbidden)
    async def _forbidden(_request: Request, exc: _Forbidden) -> Response:
        return HTMLResponse(
            f"<!doctype html><title>403</title><h1>403</h1><p>{exc.message}</p>", status_code=403
        )

    @app.exception_handler(_NotFound)
    async def _not_found(_request: Request, _exc: _NotFound) -> Response:
        return HTMLResponse("<!doctype html><title>404</title><h1>404</h1>", status_code=404)
