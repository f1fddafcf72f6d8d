"""console: sign-in throttled per username-and-address and per address, not by locking accounts

Failed sign-ins are counted under hashed keys (a username from one address; an address), so
a stranger's wrong passwords slow only the stranger: the officer signing in from elsewhere is
never locked out. The account lock columns go.

Revision ID: 0009_signin_throttle
Revises: 0006_grievances
Create Date: 2026-12-06 22:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from manamitra.store.base import UtcDateTime

revision = "0009_signin_throttle"
down_revision = "0006_grievances"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "console_signin_failures",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_started_at", UtcDateTime(), nullable=False),
        sa.Column("blocked_until", UtcDateTime(), nullable=True),
    )
    with op.batch_alter_table("console_officer") as table:
        table.drop_column("failed_logins")
        table.drop_column("locked_until")


def downgrade() -> None:
    with op.batch_alter_table("console_officer") as table:
        table.add_column(sa.Column("locked_until", UtcDateTime(), nullable=True))
        table.add_column(
            sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0")
        )
    op.drop_table("console_signin_failures")
