"""What supervisors watch: escalated cases, the dashboard with its charts, and the audit
trail (administrators only)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import select

from manamitra.console import audit, charts, queries
from manamitra.console.inbox import case_list, read_filters
from manamitra.console.page import Context, Forbidden, labels
from manamitra.console.wiring import Wiring
from manamitra.grievances.places import place_name
from manamitra.store.models.console import AuditEntry


def oversight_router(wiring: Wiring) -> APIRouter:
    router = APIRouter(prefix="/console", include_in_schema=False)

    @router.get("/escalations")
    def escalations(request: Request, ctx: Context = Depends(wiring.signed_in)) -> Response:
        if ctx.officer.role not in queries.SUPERVISING:
            raise Forbidden(labels()[ctx.lang]["forbidden"])
        return case_list(
            ctx,
            read_filters(request, escalated=True),
            labels()[ctx.lang]["escalations"],
            "/console/escalations",
        )

    @router.get("/dashboard")
    def dashboard(request: Request, ctx: Context = Depends(wiring.signed_in)) -> Response:
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
    def audit_page(ctx: Context = Depends(wiring.signed_in)) -> Response:
        if ctx.officer.role not in ("dept_admin", "state_admin"):
            raise Forbidden(labels()[ctx.lang]["forbidden"])
        entries = list(ctx.db.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(300)))
        return ctx.page("audit.html", entries=entries, broken=audit.verify_chain(ctx.db))

    return router
