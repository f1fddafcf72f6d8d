"""Every case notification can be sent: its buttons' titles fit WhatsApp's limit in both
languages (a longer title makes the Graph API refuse the whole message)."""

from __future__ import annotations

from manamitra.grievances.notify import render, templates
from manamitra.messaging.limits import MAX_BUTTON_TITLE
from manamitra.messaging.reply import Buttons


def test_every_notification_button_title_fits_in_telugu_and_english() -> None:
    for event in templates()["events"]:
        for lang in ("te", "en"):
            reply = render(event, lang, window_open=True, number="GRV-2026-000001")
            if isinstance(reply, Buttons):
                for choice in reply.choices:
                    assert len(choice.title) <= MAX_BUTTON_TITLE, (event, lang, choice.title)
