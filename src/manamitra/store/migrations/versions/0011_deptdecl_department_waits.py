"""departments: citizens waiting on a department that was down, finished when it answers again

Revision ID: 0011_deptdecl_department_waits
Revises: 0011_deptdecl_spec_versions
Create Date: 2026-12-07 01:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from manamitra.store.base import UtcDateTime

revision = "0011_deptdecl_department_waits"
down_revision = "0011_deptdecl_spec_versions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "department_wait",
        sa.Column("citizen", sa.String(32), primary_key=True),
        sa.Column("service_id", sa.String(128), nullable=False),
        sa.Column("department", sa.String(64), nullable=False),
        sa.Column("since", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_department_wait_department", "department_wait", ["department"])


def downgrade() -> None:
    op.drop_index("ix_department_wait_department", "department_wait")
    op.drop_table("department_wait")
