"""Signing in and out: the sign-in form with its own form token, the throttle on repeated
failures, the session cookie, and signing out."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from manamitra.console import audit, auth, language, signin_throttle
from manamitra.console.page import (
    LANG_COOKIE,
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    Context,
    Labels,
    check_csrf,
    labels,
    page_lang,
    remember_lang,
    served_over_https,
    switch_url,
    templates,
)
from manamitra.console.wiring import Wiring


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
            "switch_url": switch_url(request, lang),
            "L": Labels(labels()[lang]),
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
        secure=served_over_https(request),
    )
    return page


def signin_router(wiring: Wiring) -> APIRouter:
    router = APIRouter(prefix="/console", include_in_schema=False)

    @router.get("/login")
    def login_page(request: Request) -> HTMLResponse:
        lang = page_lang(request)
        response = _login_page(request, lang, lang_chosen=request.query_params.get("lang"))
        remember_lang(request, response, lang)
        return response

    @router.post("/login")
    def login(
        request: Request,
        username: str = Form(...),
        password: str = Form(...),
        csrf_token: str = Form(""),
        lang_chosen: str = Form("", alias="lang"),
        db: Session = Depends(wiring.db_session),
    ) -> Response:
        lang = page_lang(request)
        words = Labels(labels()[lang])
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
            secure=served_over_https(request),
        )
        response.delete_cookie(LOGIN_CSRF_COOKIE, path="/console")
        return response

    @router.post("/logout")
    async def logout(request: Request, ctx: Context = Depends(wiring.signed_in)) -> Response:
        await check_csrf(request, ctx)
        auth.end_session(ctx.db, request.cookies.get(SESSION_COOKIE))
        audit.append(ctx.db, ctx.officer.username, "logout")
        response = RedirectResponse("/console/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/console")
        response.delete_cookie(LANG_COOKIE)  # the next officer at this computer chooses anew
        return response

    return router
