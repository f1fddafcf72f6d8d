"""Alerts in the console (state and department administrators only): templates with their
status and quality, campaigns with a form to create one, and one campaign's progress,
refreshed while it resolves and sends, with its actions (approve by a second officer, start,
pause, resume, cancel) and why it paused.

Everything runs in the request's own unit of work (`ctx.db`): on SQLite a second one from
the same thread would wait for the write lock this one holds."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from manamitra.alerts import campaigns, templates
from manamitra.alerts.progress import campaign_list_in, progress_in
from manamitra.alerts.topics import topics
from manamitra.console import audit
from manamitra.console.campaign_form import CampaignForm, resolve_in_background
from manamitra.console.page import Context, Forbidden, NotFound, check_csrf, labels
from manamitra.console.wiring import Wiring
from manamitra.errors import ConflictError, ForbiddenError, NotFoundError, SpecError

ADMINS = ("dept_admin", "state_admin")
ACTIONS = ("approve", "start", "pause", "resume", "cancel")


def _admin(ctx: Context) -> None:
    if ctx.officer.role not in ADMINS:
        raise Forbidden(labels()[ctx.lang]["forbidden"])


def alerts_router(wiring: Wiring) -> APIRouter:
    router = APIRouter(prefix="/console/alerts", include_in_schema=False)

    def overview_page(
        ctx: Context, form: CampaignForm, error: str | None = None, status_code: int = 200
    ) -> Response:
        found = campaign_list_in(ctx.db)
        paused = [c for c in found if c.state == "paused" and c.pause_reason != "officer"]
        known = templates.templates_in(ctx.db)
        return ctx.page(
            "alerts.html",
            status_code=status_code,
            campaigns=found,
            paused=paused,
            templates=known,
            template_names=sorted({t.name for t in known if t.category != "authentication"}),
            topics=topics(),
            form=form,
            form_error=error,
        )

    @router.get("")
    def overview(ctx: Context = Depends(wiring.signed_in)) -> Response:
        _admin(ctx)
        return overview_page(ctx, CampaignForm())

    @router.post("/campaigns")
    async def create(request: Request, ctx: Context = Depends(wiring.signed_in)) -> Response:
        """A new campaign from the form; a second officer approves it as from the CLI."""
        _admin(ctx)
        await check_csrf(request, ctx)
        form = CampaignForm.read(await request.form())
        me = ctx.officer.username
        try:
            campaign_id = campaigns.create_in(ctx.db, form.campaign(me))
        except (SpecError, NotFoundError) as refused:
            return overview_page(ctx, form, str(refused), status_code=400)
        audit.append(ctx.db, me, "campaign_create", f"campaign:{campaign_id}")
        resolve_in_background(wiring.runtime.database, campaign_id)
        return RedirectResponse(
            f"/console/alerts/campaigns/{campaign_id}?done=create", status_code=303
        )

    @router.get("/campaigns/{campaign_id}")
    def campaign(campaign_id: int, ctx: Context = Depends(wiring.signed_in)) -> Response:
        _admin(ctx)
        try:
            found = progress_in(ctx.db, campaign_id)
        except NotFoundError:
            raise NotFound() from None
        flash = ctx.request.query_params.get("done")
        error = ctx.request.query_params.get("error")
        return ctx.page(
            "campaign.html",
            p=found,
            live=found.state in ("resolving", "canary", "sending", "approved"),
            flash=ctx.words.campaign_done.get(flash) if flash else None,
            error=ctx.words.campaign_refused.get(error) if error else None,
        )

    @router.post("/campaigns/{campaign_id}/action")
    async def act(
        campaign_id: int, request: Request, ctx: Context = Depends(wiring.signed_in)
    ) -> Response:
        _admin(ctx)
        await check_csrf(request, ctx)
        form = await request.form()
        action = str(form.get("action") or "")
        if action not in ACTIONS:
            raise Forbidden(labels()[ctx.lang]["forbidden"])
        me = ctx.officer.username
        steps = {
            "approve": lambda: campaigns.approve_in(ctx.db, campaign_id, me),
            "start": lambda: campaigns.start_in(ctx.db, campaign_id),
            "pause": lambda: campaigns.pause_in(ctx.db, campaign_id),
            "resume": lambda: campaigns.resume_in(ctx.db, campaign_id),
            "cancel": lambda: campaigns.cancel_in(ctx.db, campaign_id),
        }
        target = f"/console/alerts/campaigns/{campaign_id}"
        try:
            steps[action]()
        except ForbiddenError:
            return RedirectResponse(f"{target}?error=same_officer", status_code=303)
        except ConflictError:
            return RedirectResponse(f"{target}?error=state", status_code=303)
        except NotFoundError:
            raise NotFound() from None
        audit.append(ctx.db, me, f"campaign_{action}", f"campaign:{campaign_id}")
        return RedirectResponse(f"{target}?done={action}", status_code=303)

    return router
