"""What every console page shares: templates, labels, the page language, the signed-in
request's `Context`, the CSRF check and the refusals the app turns into 303/403/404 pages."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from manamitra import formatting
from manamitra.console import auth, display, language
from manamitra.grievances.places import place_name
from manamitra.store.models.console import ConsoleSession, Officer
from manamitra.yamlio import load_yaml

HERE = Path(__file__).parent
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


class Labels(dict[str, Any]):
    def __getattr__(self, name: str) -> Any:
        return self.get(name, name)

    def __missing__(self, key: str) -> str:
        return key


def page_lang(request: Request, officer: Officer | None = None) -> str:
    """Signed in, the officer's own choice counts, never a cookie another officer may have
    left on a shared office computer; the cookie serves the sign-in page."""
    return language.choose(
        asked=request.query_params.get("lang"),
        officer=officer.lang if officer is not None else None,
        cookie=request.cookies.get(LANG_COOKIE) if officer is None else None,
        accept_language=request.headers.get("accept-language"),
    )


def switch_url(request: Request, lang: str) -> str:
    """This page in the other language, its filters kept."""
    query = {k: v for k, v in request.query_params.multi_items() if k not in ("lang", "ok")}
    other = "en" if lang == "te" else "te"
    return f"{request.url.path}?{urlencode([*query.items(), ('lang', other)])}"


def served_over_https(request: Request) -> bool:
    """Whether the console's cookies must be `Secure`: the browser reached us over HTTPS,
    directly or behind a proxy that says so (uvicorn applies a trusted proxy's
    `X-Forwarded-Proto` to the scheme), or the platform's public address is HTTPS."""
    runtime = getattr(request.app.state, "runtime", None)
    public_url = runtime.settings.public_url if runtime is not None else ""
    return request.url.scheme == "https" or public_url.startswith("https://")


def remember_lang(request: Request, response: Response, lang: str) -> None:
    if request.query_params.get("lang") in language.LANGUAGES:
        response.set_cookie(
            LANG_COOKIE,
            lang,
            samesite="lax",
            httponly=True,
            max_age=LANG_COOKIE_AGE,
            secure=served_over_https(request),
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
        self.lang = page_lang(request, officer)
        self.words = Labels(labels()[self.lang])
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
                "switch_url": switch_url(self.request, self.lang),
                "L": self.words,
                "names": self.names,
                **values,
            },
            status_code=status_code,
        )
        remember_lang(self.request, response, self.lang)
        return response


async def check_csrf(request: Request, ctx: Context) -> None:
    form = await request.form()
    if not auth.csrf_ok(ctx.session.csrf_token, str(form.get("csrf_token") or "")):
        raise Forbidden(labels()[ctx.lang]["csrf"])


class Redirect(Exception):
    def __init__(self, url: str) -> None:
        self.url = url


class Forbidden(Exception):
    def __init__(self, message: str) -> None:
        self.message = message


class NotFound(Exception):
    pass
