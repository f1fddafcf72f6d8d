"""Department systems and service switches in the console: each declared department's health
(calls, errors, latency, circuit) for supervisors and administrators, and the switches a
dept_admin sets on their department's services (a state_admin on any)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from manamitra import clock, processes
from manamitra.catalog.places import gazetteer
from manamitra.console import audit
from manamitra.console.page import Context, Forbidden, NotFound, check_csrf, labels
from manamitra.console.wiring import Wiring
from manamitra.departments import shared_health
from manamitra.services import department_waits, switches

ADMINS = ("dept_admin", "state_admin")
WATCHERS = ("supervisor", *ADMINS)


def departments_router(wiring: Wiring) -> APIRouter:
    router = APIRouter(prefix="/console", include_in_schema=False)
    runtime = wiring.runtime

    @router.get("/departments")
    def health_page(ctx: Context = Depends(wiring.signed_in)) -> Response:
        if ctx.officer.role not in WATCHERS:
            raise Forbidden(labels()[ctx.lang]["forbidden"])
        wired = runtime.parts.department_health
        stand_ins = runtime.parts.department_stand_ins or {}
        rows: list[dict[str, Any]] = []
        waiting = department_waits.waiting_by_department(ctx.db)
        # this process's latest counts first, then every process's as published
        shared_health.publish(ctx.db, processes.current().id, wired.health)
        platform = shared_health.platform_snapshots(ctx.db, [h.department for h in wired.health])
        for health in wired.health:
            declaration = wired.declarations[health.department]
            snapshot = platform[health.department]
            calls = int(snapshot["calls"])  # type: ignore[call-overload]
            errors = int(snapshot["errors"])  # type: ignore[call-overload]
            rows.append(
                {
                    **snapshot,
                    "name": declaration.name.te if ctx.lang == "te" else declaration.name.en,
                    "auth": declaration.auth.type,
                    "registers": [op.source for op in declaration.operations],
                    "error_rate": f"{100 * errors / calls:.0f} %" if calls else "—",
                    "waiting": waiting.get(health.department, 0),
                    "where": "stand_in"
                    if health.department in stand_ins
                    else "live"
                    if health.department in wired.engines
                    else "embedded",
                }
            )
        return ctx.page("departments.html", rows=rows)

    @router.get("/services")
    def services_page(request: Request, ctx: Context = Depends(wiring.signed_in)) -> Response:
        if ctx.officer.role not in ADMINS:
            raise Forbidden(labels()[ctx.lang]["forbidden"])
        catalog = runtime.parts.catalog
        mine = [
            spec
            for spec in catalog.services.values()
            if ctx.officer.role == "state_admin" or spec.department == ctx.officer.department
        ]
        query = (request.query_params.get("q") or "").strip().lower()
        if query:
            mine = [s for s in mine if query in s.id or query in s.name.get(ctx.lang).lower()]
        now = clock.now()
        rows = [
            {
                "spec": spec,
                "gate": switches.availability(ctx.db, spec.id, now),
                "has_district": any(step.type == "district" for step in spec.steps),
            }
            for spec in sorted(mine, key=lambda s: (s.department, s.name.get(ctx.lang)))
        ]
        return ctx.page(
            "services.html",
            rows=rows[:300],
            more=max(0, len(rows) - 300),
            q=query,
            districts=gazetteer().districts,
            district_names={d.id: d.name(ctx.lang) for d in gazetteer().districts},
            flash=labels()[ctx.lang]["done_ok"] if request.query_params.get("saved") else None,
        )

    @router.post("/services/{service_id}/switch")
    async def switch(
        service_id: str, request: Request, ctx: Context = Depends(wiring.signed_in)
    ) -> Response:
        await check_csrf(request, ctx)
        spec = runtime.parts.catalog.services.get(service_id)
        if spec is None:
            raise NotFound()
        if ctx.officer.role != "state_admin" and not (
            ctx.officer.role == "dept_admin" and spec.department == ctx.officer.department
        ):
            audit.append(ctx.db, ctx.officer.username, "denied", f"service:{service_id}")
            raise Forbidden(labels()[ctx.lang]["forbidden"])
        form = await request.form()
        state = str(form.get("state") or "on")
        try:
            row = switches.set_switch(
                ctx.db,
                service_id,
                state,
                actor=ctx.officer.username,
                starts_at=_ist(form.get("starts_at")),
                until=_ist(form.get("until")),
                districts=tuple(str(d) for d in form.getlist("districts")),
            )
        except ValueError as exc:
            raise Forbidden(str(exc)) from exc
        audit.append(
            ctx.db,
            ctx.officer.username,
            "service_switch",
            f"service:{service_id}",
            state=row.state,
            starts_at=row.starts_at.isoformat() if row.starts_at else None,
            until=row.until.isoformat() if row.until else None,
            districts=",".join(row.districts) or None,
        )
        # returned, not raised: the unit of work commits on the way out
        return RedirectResponse(f"/console/services?saved=1#{service_id}", status_code=303)

    return router


def _ist(value: Any) -> datetime | None:
    """A datetime-local field, read as India time."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise Forbidden("date and time: use the picker") from exc
    return clock.as_utc(moment.replace(tzinfo=clock.IST) if moment.tzinfo is None else moment)
