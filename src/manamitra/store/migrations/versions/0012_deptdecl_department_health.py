"""departments: each process's health counters per declared department, shared in the database

Revision ID: 0012_deptdecl_department_health
Revises: 0011_deptdecl_department_waits
Create Date: 2026-12-07 04:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from manamitra.store.base import UtcDateTime

revision = "0012_deptdecl_department_health"
down_revision = "0011_deptdecl_department_waits"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "department_health",
        sa.Column("process", sa.String(32), primary_key=True),
        sa.Column("department", sa.String(64), primary_key=True),
        sa.Column("calls", sa.Integer(), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.Column("not_found", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("opened_at", UtcDateTime(), nullable=True),
        sa.Column("last_error", sa.String(200), nullable=True),
        sa.Column("last_error_at", UtcDateTime(), nullable=True),
        sa.Column("last_success_at", UtcDateTime(), nullable=True),
        sa.Column("latencies_ms", sa.JSON(), nullable=False),
        sa.Column("published_at", UtcDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("department_health")
