"""privacy: caste answers sealed at rest, as Aadhaar is

Steps marked `sealed: true` (a caste, a sub-caste) now keep their answer as
`{"enc": …, "sealed": "text"}` (AES-256-GCM with the data key, its own associated data). This
revision seals the ones already stored in clear: in `application.answers` and in every
`answers` of a conversation's state (the form in progress and its saved drafts). The data key
is the platform's (`migrate.upgrade(url, settings=…)`, else the environment's settings), read
only when a row needs it. Downgrade opens them again (the same key is needed).

Revision ID: 0013_caste_sealed
Revises: 0012_profile_corrections
Create Date: 2026-12-07 04:45:00
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from alembic import context, op

from manamitra.privacy import Cipher, is_sealed_text
from manamitra.settings import load_settings

revision = "0013_caste_sealed"
down_revision = "0012_profile_corrections"
branch_labels = None
depends_on = ("0003_applications",)

SEALED_STEPS = ("caste", "sub_caste")


class _Key:
    """The data key, read the first time a row needs it."""

    def __init__(self) -> None:
        self._cipher: Cipher | None = None

    def __call__(self) -> Cipher:
        if self._cipher is None:
            settings = context.config.attributes.get("settings") or load_settings()
            self._cipher = Cipher.from_settings(settings)
        return self._cipher


def _loaded(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str | bytes) else value


def _change_answers(answers: dict[str, Any], change: Callable[[Any], Any]) -> bool:
    changed = False
    for key in SEALED_STEPS:
        if key in answers:
            new = change(answers[key])
            if new is not answers[key]:
                answers[key] = new
                changed = True
    return changed


def _walk_state(node: Any, change: Callable[[Any], Any]) -> bool:
    """Every `answers` dict inside a conversation's state: the live flow and each draft."""
    changed = False
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "answers" and isinstance(value, dict):
                changed |= _change_answers(value, change)
            else:
                changed |= _walk_state(value, change)
    elif isinstance(node, list):
        for item in node:
            changed |= _walk_state(item, change)
    return changed


def _rewrite(change: Callable[[Any], Any]) -> None:
    bind = op.get_bind()
    application = sa.table("application", sa.column("id"), sa.column("answers", sa.JSON))
    for row_id, raw in bind.execute(sa.select(application.c.id, application.c.answers)).all():
        answers = _loaded(raw)
        if isinstance(answers, dict) and _change_answers(answers, change):
            bind.execute(
                application.update().where(application.c.id == row_id).values(answers=answers)
            )
    conversation = sa.table("conversation", sa.column("citizen"), sa.column("state", sa.JSON))
    rows = bind.execute(sa.select(conversation.c.citizen, conversation.c.state)).all()
    for citizen, raw in rows:
        state = _loaded(raw)
        if _walk_state(state, change):
            bind.execute(
                conversation.update().where(conversation.c.citizen == citizen).values(state=state)
            )


def upgrade() -> None:
    key = _Key()

    def seal(value: Any) -> Any:
        if isinstance(value, str) and value.strip():
            return key().seal_text(value)
        return value

    _rewrite(seal)


def downgrade() -> None:
    key = _Key()

    def open_(value: Any) -> Any:
        return key().open_text(value) if is_sealed_text(value) else value

    _rewrite(open_)
