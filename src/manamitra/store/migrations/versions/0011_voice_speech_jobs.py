"""voice: speech jobs, one per citizen voice note waiting for the recogniser

Revision ID: 0011_voice
Revises: 0001_pipeline
Create Date: 2026-12-07 01:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_voice"
down_revision = "0001_pipeline"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_AT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "speech_job",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("wamid", sa.String(255), nullable=False, unique=True),
        sa.Column("citizen", sa.String(32), nullable=False),
        sa.Column("phone_number_id", sa.String(64), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("media", sa.JSON(), nullable=False),
        sa.Column("sent_at", _AT, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", _AT, nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", _AT, nullable=False),
        sa.Column("finished_at", _AT, nullable=True),
    )
    op.create_index("ix_speech_job_due", "speech_job", ["status", "next_attempt_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_speech_job_due", table_name="speech_job")
    op.drop_table("speech_job")
