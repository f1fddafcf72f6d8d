"""services: the spec versions conversations started on, kept so they finish on them

Revision ID: 0011_deptdecl_spec_versions
Revises: 0011_deptdecl_switches
Create Date: 2026-12-07 01:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from manamitra.store.base import UtcDateTime

revision = "0011_deptdecl_spec_versions"
down_revision = "0011_deptdecl_switches"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "service_spec_version",
        sa.Column("service_id", sa.String(128), primary_key=True),
        sa.Column("digest", sa.String(16), primary_key=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("service_spec_version")
