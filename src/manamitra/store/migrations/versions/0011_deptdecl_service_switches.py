"""services: switches a department administrator sets from the console, without a deploy

One row per switched service: on, off (until a time, or until switched back), scheduled to
start at a time, or piloted in some districts. No row means the service is on.

Revision ID: 0011_deptdecl_switches
Revises: 0006_grievances
Create Date: 2026-12-07 01:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from manamitra.store.base import UtcDateTime

revision = "0011_deptdecl_switches"
down_revision = "0006_grievances"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "service_switch",
        sa.Column("service_id", sa.String(128), primary_key=True),
        sa.Column("state", sa.String(8), nullable=False),
        sa.Column("starts_at", UtcDateTime(), nullable=True),
        sa.Column("until", UtcDateTime(), nullable=True),
        sa.Column("districts", sa.JSON(), nullable=False),
        sa.Column("changed_by", sa.String(64), nullable=False),
        sa.Column("changed_at", UtcDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("service_switch")
