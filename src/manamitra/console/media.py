"""Media in a case (a citizen's photo, an uploaded document, an issued certificate), served
only to an officer who may see a case naming it; fetched from the Graph API when not yet held."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from manamitra.console import audit, auth, queries
from manamitra.console.page import SESSION_COOKIE, Context, NotFound, labels
from manamitra.console.wiring import Wiring
from manamitra.errors import ManamitraError
from manamitra.grievances.applications import find_application
from manamitra.messaging.inbound import Media
from manamitra.pipeline.media import fetch_media
from manamitra.store.models.grievances import ApplicationCase, Grievance
from manamitra.store.models.pipeline import MediaBlob

log = logging.getLogger(__name__)


def media_router(wiring: Wiring) -> APIRouter:
    router = APIRouter(prefix="/console", include_in_schema=False)
    runtime = wiring.runtime
    database = runtime.database

    @router.get("/media/{key:path}")
    async def media(request: Request, key: str) -> Response:
        # Its own short transactions: a citizen's photo not fetched yet is downloaded from
        # the Graph API here, and no store lock may be held while that happens.
        looked = await asyncio.to_thread(_look_up_media, database, request, key)
        if isinstance(looked, Response):
            return looked
        blob, reference = looked
        if blob is None and reference.get("media_id"):
            try:
                blob = await fetch_media(
                    runtime.parts.graph,
                    database,
                    Media(id=str(reference["media_id"]), mime_type=str(reference["mime_type"])),
                )
            except ManamitraError as exc:
                log.warning("media not fetched", extra={"key": key, "error": str(exc)})
                blob = None
        if blob is None or blob.content is None:
            raise NotFound()
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
