"""A photo or PDF a citizen sends while an officer waits for a missing document: it attaches
to that application's review case, whatever the conversation is doing."""

from __future__ import annotations

from sqlalchemy import select

from manamitra import clock
from manamitra.fields.upload import media_key
from manamitra.grievances import applications, cases, notify
from manamitra.messaging.inbound import Inbound
from manamitra.messaging.reply import Text
from manamitra.services.kind import EventContext, register_unsolicited_handler
from manamitra.store.models.applications import ApplicationStatus
from manamitra.store.models.grievances import ApplicationCase


def attach_document(ctx: EventContext, inbound: Inbound) -> bool:
    """A photo or PDF sent while an officer waits for a document attaches to that application."""
    if inbound.kind not in ("image", "document") or inbound.media is None:
        return False
    case = ctx.db.scalar(
        select(ApplicationCase)
        .where(ApplicationCase.citizen == ctx.citizen, ApplicationCase.state == "needs_document")
        .order_by(ApplicationCase.state_since.desc())
        .limit(1)
    )
    if case is None:
        return False
    item = {
        "media_key": media_key(inbound.media.id),
        "media_id": inbound.media.id,
        "mime_type": inbound.media.mime_type,
        "filename": inbound.media.filename or f"{case.reference}-document",
        "requested": case.requested_document or "",
        "received_at": clock.now().isoformat(),
    }
    case.extra_documents = [*case.extra_documents, item]
    application = applications.find_application(ctx.db, case.reference)
    if application is not None:
        application.documents = [*(application.documents or []), item]
    cases.transition(
        ctx.db,
        case,
        "document_received",
        actor="citizen",
        actor_kind="citizen",
        notify_citizen=False,
    )
    if application is not None:
        application.status = ApplicationStatus.IN_REVIEW.value
        application.updated_at = clock.now()
    reply = notify.render(
        "app_document_received", ctx.lang, window_open=True, number=case.reference
    )
    ctx.say(reply if isinstance(reply, Text) else Text(str(reply)))
    return True


def register() -> None:
    """Enter the handler in the registries (`services.registry` calls it)."""
    register_unsolicited_handler(attach_document)
