"""The console's routers put together: sign-in (`signin`), inbox and search (`inbox`), a case
and its actions (`case`), citizens' correction requests (`corrections`), escalations,
dashboard and audit (`oversight`), media (`media`), and department health and service
switches (`departments`).

Every POST carries the session's CSRF token; every case page checks jurisdiction (403).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from manamitra.console.alerts import alerts_router
from manamitra.console.analytics import analytics_router
from manamitra.console.case import case_router
from manamitra.console.corrections import corrections_router
from manamitra.console.departments import departments_router
from manamitra.console.inbox import inbox_router
from manamitra.console.media import media_router
from manamitra.console.oversight import oversight_router
from manamitra.console.page import HERE, Forbidden, NotFound, Redirect
from manamitra.console.signin import signin_router
from manamitra.console.wiring import wire
from manamitra.documents.shaping import FONTS
from manamitra.runtime import Runtime


def console_router(runtime: Runtime) -> APIRouter:
    wiring = wire(runtime)
    router = APIRouter(include_in_schema=False)
    for part in (
        signin_router,
        inbox_router,
        case_router,
        corrections_router,
        oversight_router,
        media_router,
        departments_router,
        analytics_router,
        media_router,
        alerts_router,
    ):
        router.include_router(part(wiring))
    return router


def install(app: Any, runtime: Runtime) -> None:
    """Mount the console on the app: router, static files, and its error pages."""
    app.include_router(console_router(runtime))
    app.mount("/console/static", StaticFiles(directory=str(HERE / "static")), name="console-static")
    app.mount("/console/fonts", StaticFiles(directory=str(FONTS)), name="console-fonts")

    @app.exception_handler(Redirect)
    async def _redirect(_request: Request, exc: Redirect) -> Response:
        return RedirectResponse(exc.url, status_code=303)

    @app.exception_handler(Forbidden)
    async def _forbidden(_request: Request, exc: Forbidden) -> Response:
        return HTMLResponse(
            f"<!doctype html><title>403</title><h1>403</h1><p>{exc.message}</p>", status_code=403
        )

    @app.exception_handler(NotFound)
    async def _not_found(_request: Request, _exc: NotFound) -> Response:
        return HTMLResponse("<!doctype html><title>404</title><h1>404</h1>", status_code=404)
