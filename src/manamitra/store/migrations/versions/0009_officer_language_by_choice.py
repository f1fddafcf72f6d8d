"""console: an officer's language is their own choice, unset until they make it

`console_officer.lang` becomes nullable. Every "en" in it was the column's default, never an
officer's choice, so it is cleared: the console then follows the browser's Accept-Language
until the officer picks a language with the switch on every page.

Revision ID: 0009_officer_language
Revises: 0009_signin_throttle
Create Date: 2026-12-06 22:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_officer_language"
down_revision = "0009_signin_throttle"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("console_officer") as batch:
        batch.alter_column("lang", existing_type=sa.String(8), nullable=True)
    op.execute(sa.text("UPDATE console_officer SET lang = NULL WHERE lang = 'en'"))


def downgrade() -> None:
    op.execute(sa.text("UPDATE console_officer SET lang = 'en' WHERE lang IS NULL"))
    with op.batch_alter_table("console_officer") as batch:
        batch.alter_column("lang", existing_type=sa.String(8), nullable=False)
