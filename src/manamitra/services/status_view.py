"""Rendering "my applications" and one item's status as replies."""

from __future__ import annotations

from sqlalchemy.orm import Session

from manamitra import clock
from manamitra.catalog.schema import ServiceSpec
from manamitra.messaging.i18n import t
from manamitra.messaging.limits import MAX_TEXT_BODY, clip
from manamitra.messaging.reply import Buttons, Choice, Document, Reply, Text
from manamitra.services.status import StatusItem, items_for

MAX_SHOWN = 10


def _line(item: StatusItem, lang: str) -> str:
    return t(
        lang,
        "status.line",
        reference=item.reference,
        title=item.title.get(lang) or item.title.get("en", ""),
        status=item.status.get(lang) or item.status.get("en", ""),
        updated=clock.format_ist(item.updated_at, "%d-%m-%Y"),
    )


def status_replies(
    db: Session, citizen: str, lang: str, draft: ServiceSpec | None = None
) -> list[Reply]:
    """The citizen's items; with an unfinished form, a button to continue it."""
    items = items_for(db, citizen)
    choices: tuple[Choice, ...] = (Choice(id="nav:menu", title=t(lang, "menu")),)
    body = t(lang, "information.done")
    if draft is not None:
        choices = (Choice(id="nav:draft", title=t(lang, "draft.continue_button")), *choices)
        body = t(lang, "draft.status_offer", service=draft.name.get(lang))
    menu = Buttons(body=body, choices=choices)
    if not items:
        none = t(lang, "status.none")
        return [Buttons(body=f"{none}\n\n{body}" if draft is not None else none, choices=choices)]
    lines = [t(lang, "status.title"), ""]
    lines.extend(_line(item, lang) for item in items[:MAX_SHOWN])
    lines.extend(["", t(lang, "status.more_hint", reference=items[0].reference)])
    return [Text(clip("\n".join(lines), MAX_TEXT_BODY)), menu]


def item_replies(item: StatusItem, lang: str) -> list[Reply]:
    lines = [_line(item, lang)]
    if item.detail:
        lines.append(item.detail.get(lang) or item.detail.get("en", ""))
    replies: list[Reply] = [Text(clip("\n".join(lines), MAX_TEXT_BODY))]
    if item.document_media_key:
        replies.append(
            Document(
                media_key=item.document_media_key,
                filename=item.document_filename or f"{item.reference}.pdf",
                caption=t(
                    lang,
                    "status.document_caption",
                    reference=item.reference,
                    title=item.title.get(lang) or item.title.get("en", ""),
                ),
            )
        )
    return replies
