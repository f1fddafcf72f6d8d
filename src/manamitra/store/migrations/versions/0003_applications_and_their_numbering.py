"""applications: submitted applications and the per-department, per-year number counter

Revision ID: 0003_applications
Revises: 0001_pipeline
Create Date: 2026-11-29 00:05:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import manamitra.store.base

revision = "0003_applications"
down_revision = "0001_pipeline"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Utc = manamitra.store.base.UtcDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "application",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("service_id", sa.String(length=128), nullable=False),
        sa.Column("department", sa.String(length=64), nullable=False),
        sa.Column("citizen", sa.String(length=32), nullable=False),
        sa.Column("title", sa.JSON(), nullable=False),
        sa.Column("applicant_name", sa.String(length=200), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("documents", sa.JSON(), nullable=False),
        sa.Column("district", sa.String(length=64), nullable=True),
        sa.Column("mandal", sa.String(length=64), nullable=True),
        sa.Column("village", sa.String(length=96), nullable=True),
        sa.Column("fee_paise", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=128), nullable=True),
        sa.Column("submitted_at", Utc, nullable=False),
        sa.Column("updated_at", Utc, nullable=False),
        sa.Column("sla_due_at", Utc, nullable=True),
        sa.Column("decided_at", Utc, nullable=True),
        sa.Column("decided_by", sa.String(length=128), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("certificate_number", sa.String(length=64), nullable=True),
        sa.Column("certificate_media_key", sa.String(length=128), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application")),
        sa.UniqueConstraint("number", name=op.f("uq_application_number")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_application_idempotency_key")),
    )
    op.create_index("ix_application_citizen", "application", ["citizen", "submitted_at"])
    op.create_index("ix_application_queue", "application", ["department", "status", "sla_due_at"])
    op.create_index("ix_application_place", "application", ["district", "mandal"])
    op.create_table(
        "application_counter",
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("prefix", "year", name=op.f("pk_application_counter")),
    )


def downgrade() -> None:
    op.drop_table("application_counter")
    op.drop_index("ix_application_place", table_name="application")
    op.drop_index("ix_application_queue", table_name="application")
    op.drop_index("ix_application_citizen", table_name="application")
    op.drop_table("application")
