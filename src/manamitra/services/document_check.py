"""A citizen sends a photo or PDF of a certificate, unasked: we tell them if it is genuine.

The check needs the file from the Graph API, which must not happen inside the worker's
transaction, so the handler only queues it (the platform's `document_check` part, see
pipeline/document_check.py) and says it is checking; the verdict follows as its own message.
"""

from __future__ import annotations

from manamitra.messaging.i18n import t
from manamitra.messaging.inbound import Inbound
from manamitra.messaging.reply import Text
from manamitra.services.kind import EventContext, register_unsolicited_handler


def check_sent_document(context: EventContext, inbound: Inbound) -> bool:
    if inbound.kind not in ("image", "document") or inbound.media is None:
        return False
    if context.parts.document_check.submit(context.citizen, inbound.media, context.lang):
        context.say(Text(t(context.lang, "document_check.checking")))
    else:
        context.say(Text(t(context.lang, "document_check.busy")))
    return True


def register() -> None:
    """Enter the handler in the registries (`services.registry` calls it)."""
    register_unsolicited_handler(check_sent_document)
