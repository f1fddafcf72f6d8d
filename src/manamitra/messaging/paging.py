"""Showing any number of options within WhatsApp's limits: buttons for ≤3, paged lists beyond."""

from __future__ import annotations

from collections.abc import Sequence

from manamitra.messaging.i18n import t
from manamitra.messaging.limits import (
    MAX_BUTTON_TITLE,
    MAX_BUTTONS,
    MAX_LIST_ROWS,
    MAX_ROW_DESCRIPTION,
    MAX_ROW_TITLE,
    MAX_SECTION_TITLE,
    clip,
)
from manamitra.messaging.reply import (
    Buttons,
    Choice,
    ListMenu,
    Reply,
    Section,
)

PAGE_PREFIX = "page:"


def page_bounds(total: int, page: int) -> tuple[int, int, bool, bool]:
    """(start, end, has_previous, has_next) for `page` of `total` rows, ≤10 rows per message."""
    if total <= MAX_LIST_ROWS:
        return 0, total, False, False
    start = 0
    current = 0
    while True:
        has_prev = current > 0
        room = MAX_LIST_ROWS - (1 if has_prev else 0)
        has_next = start + room < total
        if has_next:
            room -= 1
        if current == page or start + room >= total:
            return start, min(start + room, total), has_prev, has_next
        start += room
        current += 1


def choices_message(
    body: str,
    choices: Sequence[Choice],
    lang: str,
    *,
    page: int = 0,
    button: str | None = None,
    header: str | None = None,
    footer: str | None = None,
    section_title: str | None = None,
    prefer_buttons: bool = True,
) -> Reply:
    """Buttons when the choices fit (≤3, short titles), otherwise a list paged with More/Back."""
    fits_buttons = len(choices) <= MAX_BUTTONS and all(
        len(c.title) <= MAX_BUTTON_TITLE for c in choices
    )
    if prefer_buttons and fits_buttons and choices:
        return Buttons(body=body, choices=tuple(choices), header=header, footer=footer)
    start, end, has_prev, has_next = page_bounds(len(choices), page)
    rows = [
        Choice(
            id=c.id,
            title=clip(c.title, MAX_ROW_TITLE),
            description=clip(c.description, MAX_ROW_DESCRIPTION)
            if c.description
            else (clip(c.title, MAX_ROW_DESCRIPTION) if len(c.title) > MAX_ROW_TITLE else None),
        )
        for c in choices[start:end]
    ]
    if has_prev:
        rows.append(Choice(id=f"{PAGE_PREFIX}{page - 1}", title=t(lang, "back")))
    if has_next:
        rows.append(
            Choice(
                id=f"{PAGE_PREFIX}{page + 1}",
                title=t(lang, "more"),
                description=t(lang, "more_desc"),
            )
        )
    return ListMenu(
        body=body,
        button=clip(button or t(lang, "list_button"), MAX_BUTTON_TITLE),
        sections=(
            Section(
                title=clip(section_title or t(lang, "list_button"), MAX_SECTION_TITLE),
                rows=tuple(rows),
            ),
        ),
        header=header,
        footer=footer,
    )


def page_of(choice_id: str | None) -> int | None:
    if choice_id and choice_id.startswith(PAGE_PREFIX):
        try:
            return max(0, int(choice_id[len(PAGE_PREFIX) :]))
        except ValueError:
            return None
    return None
