"""Telling the citizen about a case event (data/templates.yaml), window-aware.

Inside WhatsApp's 24-hour customer-service window the notification is an ordinary message
(with buttons where the event has them); outside it Meta delivers only approved templates, so
the same event goes out as its Template. Rows are enqueued in the caller's transaction.
"""

from __future__ import annotations

from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from manamitra import clock
from manamitra.messaging.outbox import enqueue
from manamitra.messaging.reply import Buttons, Choice, Reply, Template, Text
from manamitra.parts import Parts
from manamitra.store.models import Conversation
from manamitra.yamlio import load_yaml

TEMPLATES_FILE = Path(__file__).parent / "data" / "templates.yaml"
WINDOW = timedelta(hours=24)
TEMPLATE_LANGUAGE = {"te": "te", "en": "en"}


@cache
def templates() -> dict[str, Any]:
    data = load_yaml(TEMPLATES_FILE.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or "events" not in data:
        raise ValueError(f"{TEMPLATES_FILE.name}: needs `events`")
    return data


def in_window(db: Session, citizen: str) -> bool:
    convo = db.get(Conversation, citizen)
    if convo is None or convo.last_inbound_at is None:
        return False
    return clock.now() - clock.as_utc(convo.last_inbound_at) < WINDOW


def render(event: str, lang: str, *, window_open: bool, **params: Any) -> Reply:
    """The reply for `event`: text (with buttons) inside the window, the template outside."""
    data = templates()
    spec = data["events"][event]
    lang = lang if lang in ("te", "en") else "te"
    values = {k: str(v) for k, v in params.items()}
    if not window_open:
        template = spec["template"]
        return Template(
            name=template["name"],
            language=TEMPLATE_LANGUAGE[lang],
            body_params=tuple(values.get(p, "-") or "-" for p in template["params"]),
        )
    body = spec["text"][lang].format_map(_Missing(values))
    buttons = spec.get("buttons") or []
    if not buttons:
        return Text(body)
    choices = tuple(
        Choice(id=data["buttons"][b]["id"], title=data["buttons"][b]["title"][lang])
        for b in buttons
    )
    return Buttons(body=body[:1024], choices=choices)


def notify(db: Session, citizen: str, lang: str, event: str, **params: Any) -> Reply:
    """Enqueue the event's notification in this transaction; returns what was queued."""
    reply = render(event, lang, window_open=in_window(db, citizen), **params)
    enqueue(db, citizen, [reply])
    return reply


def wake_sender(parts: Parts) -> None:
    """After commit: ask the outbox sender to send now rather than at its next poll."""
    parts.sender.notify()


class _Missing(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "-"
