"""The inbox: the cases an officer may see, filtered and searched (whole page, or the rows
alone for an htmx swap), and the same list as CSV."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from manamitra.console import audit, queries
from manamitra.console.page import Context, labels
from manamitra.console.wiring import Wiring
from manamitra.grievances.categories import categories, category_label
from manamitra.grievances.workflow import load_workflow


def read_filters(request: Request, **extra: Any) -> queries.Filters:
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


def case_list(ctx: Context, filters: queries.Filters, heading: str, action_url: str) -> Response:
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


def inbox_router(wiring: Wiring) -> APIRouter:
    router = APIRouter(prefix="/console", include_in_schema=False)

    @router.get("")
    @router.get("/")
    def home() -> Response:
        return RedirectResponse("/console/inbox", status_code=303)

    @router.get("/inbox")
    def inbox(request: Request, ctx: Context = Depends(wiring.signed_in)) -> Response:
        return case_list(ctx, read_filters(request), labels()[ctx.lang]["inbox"], "/console/inbox")

    @router.get("/export.csv")
    def export(request: Request, ctx: Context = Depends(wiring.signed_in)) -> Response:
        audit.append(ctx.db, ctx.officer.username, "export_csv")
        body = queries.export_csv(ctx.db, ctx.officer, read_filters(request), ctx.names)
        return Response(
            body,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="cases.csv"'},
        )

    return router
