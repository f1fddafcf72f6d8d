"""The analytics page: charts over the data lake (services used, each form's funnel, deadlines
and escalations by office, satisfaction, payments, grievance categories by mandal), scoped to
the officer's department and district, each downloadable as CSV.

The lake is as fresh as its last export (`MM_LAKE_EXPORT_MINUTES`); the page says when that was.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from manamitra.console import charts
from manamitra.console.page import Context, NotFound
from manamitra.console.wiring import Wiring
from manamitra.formatting import money
from manamitra.grievances.categories import category_label
from manamitra.grievances.places import place_name
from manamitra.lake.dashboards import (
    DASHBOARDS,
    Result,
    Scope,
    answer,
    funnel_services,
    visible,
)
from manamitra.lake.engine import shared
from manamitra.lake.export import watermark_time

PERIODS = (7, 30, 90)


def scope_of(ctx: Context) -> Scope:
    """What this officer may see: their department and district (None: all)."""
    return Scope(department=ctx.officer.department, district=ctx.officer.district)


def _days(request: Request) -> int:
    try:
        days = int(request.query_params.get("days", "30"))
    except ValueError:
        return 30
    return days if days in PERIODS else 30


def _chart(ctx: Context, name: str, result: Result, chosen: str | None) -> dict[str, Any]:
    rows = result.rows
    names = ctx.names
    lang = ctx.lang
    if name == "services_per_day":
        per_day: dict[str, int] = defaultdict(int)
        per_place: dict[str, int] = defaultdict(int)
        for day, district, department, uses in rows:
            per_day[day.strftime("%d-%m")] += uses
            where = place_name(district, lang) if district else ctx.words["no_place"]
            per_place[f"{where} · {names.department(department)}"] += uses
        top = sorted(per_place.items(), key=lambda item: -item[1])[:12]
        places = [(label, float(uses), str(uses)) for label, uses in top]
        return {"svg": charts.columns(list(per_day.items())[-31:]) + charts.labelled_bars(places)}
    if name == "funnel":
        services = list(dict.fromkeys(row[0] for row in rows)) if chosen is None else []
        service = chosen or (services[0] if services else None)
        items = [
            (f"{position}. {_step(ctx, svc, step)}", citizens, abandoned)
            for svc, position, step, citizens, abandoned in rows
            if svc == service
        ]
        return {
            "svg": charts.funnel(items),
            "services": [],
            "service": service,
        }
    if name == "sla_by_office":
        on_time = [
            (_office(ctx, office), 100 * ok / decided, f"{100 * ok / decided:.0f}% · ↑{esc}")
            for office, decided, ok, esc in rows
            if decided
        ]
        return {"svg": charts.labelled_bars(on_time, top=100)}
    if name == "satisfaction":
        items = [
            (names.service(service), float(score), f"{score:.1f}/10 ({count})")
            for service, score, count in rows
        ]
        return {"svg": charts.labelled_bars(items, top=10)}
    if name == "payments":
        items = [
            (day.strftime("%d-%m"), float(collected), money(collected))
            for day, collected, _refunded in rows
        ]
        return {"svg": charts.labelled_bars(items[-31:])}
    categories = [
        (
            f"{_mandal(mandal, lang)} · {category_label(category, lang)}",
            float(count),
            str(count),
        )
        for mandal, category, count in rows
    ]
    return {"svg": charts.labelled_bars(categories)}


def _funnel_service(
    connection: Any, request: Request, scope: Scope, days: int, name: str
) -> str | None:
    """The form whose funnel is drawn: the one asked for, else the most reached (None: all,
    for the CSV when none is asked for)."""
    if name != "funnel" or not visible(name, scope):
        return None
    asked = request.query_params.get("service")
    if asked or request.url.path.endswith(".csv"):
        return asked or None
    found = funnel_services(connection, scope, days)
    return found[0] if found else None


def _office(ctx: Context, office: str) -> str:
    """The office's name; its code when the office is not in this console's hierarchy."""
    named = ctx.names.office(office)
    return office if named == "—" and office else named


def _step(ctx: Context, service: str, step: str) -> str:
    """A question by its label in the reader's language ("Aadhaar number"), else its id."""
    spec = ctx.names.catalog.service(service) if ctx.names.catalog is not None else None
    for candidate in spec.steps if spec is not None else []:
        if candidate.id == step:
            label = candidate.summary_label or candidate.prompt
            return str(label.get(ctx.lang)).splitlines()[0] if label else step
    return step


def _mandal(mandal: str | None, lang: str) -> str:
    """A mandal's own name ("Tenali", not "Tenali, Guntur": the district is the scope's)."""
    return place_name(mandal, lang).split(",")[0] if mandal else "—"


def analytics_router(wiring: Wiring) -> APIRouter:
    router = APIRouter(prefix="/console", include_in_schema=False)

    @router.get("/analytics")
    def analytics(request: Request, ctx: Context = Depends(wiring.signed_in)) -> Response:
        scope = scope_of(ctx)
        days = _days(request)
        lake = wiring.runtime.parts.lake
        connection = shared(lake)
        try:
            sections = []
            for name in DASHBOARDS:
                service = _funnel_service(connection, request, scope, days, name)
                result = answer(connection, name, scope, days, service)
                if result is None:
                    sections.append({"name": name, "hidden": True})
                    continue
                chart = _chart(ctx, name, result, service)
                if name == "funnel":
                    chart["services"] = [
                        (s, ctx.names.service(s)) for s in funnel_services(connection, scope, days)
                    ]
                sections.append({"name": name, "hidden": False, "rows": len(result.rows), **chart})
        finally:
            connection.close()
        return ctx.page(
            "analytics.html",
            sections=sections,
            days=days,
            periods=PERIODS,
            exported_at=watermark_time(lake),
            scope=" · ".join(
                p
                for p in (
                    ctx.names.department(scope.department) if scope.department else "",
                    place_name(scope.district, ctx.lang) if scope.district else "",
                )
                if p
            ),
        )

    @router.get("/analytics/{name}.csv")
    def analytics_csv(
        name: str, request: Request, ctx: Context = Depends(wiring.signed_in)
    ) -> Response:
        scope = scope_of(ctx)
        if name not in DASHBOARDS or not visible(name, scope):
            raise NotFound()
        connection = shared(wiring.runtime.parts.lake)
        try:
            days = _days(request)
            service = _funnel_service(connection, request, scope, days, name)
            result = answer(connection, name, scope, days, service)
        finally:
            connection.close()
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(result.columns if result else [])
        writer.writerows(result.rows if result else [])
        return Response(
            out.getvalue(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )

    return router
