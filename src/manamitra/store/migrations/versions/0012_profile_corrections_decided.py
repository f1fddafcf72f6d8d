"""profile: a department's decision on a correction request, and the corrected answer

Adds to `profile_correction` who decided and why, the corrected value as its field stores it
(`answer`, JSON; Aadhaar and caste sealed), and an index for a department's queue.

Revision ID: 0012_profile_corrections
Revises: 0011_profile
Create Date: 2026-12-07 04:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_profile_corrections"
down_revision = "0011_profile"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("profile_correction") as batch:
        batch.add_column(sa.Column("decided_by", sa.String(128)))
        batch.add_column(sa.Column("decision_reason", sa.Text()))
        batch.add_column(sa.Column("answer", sa.JSON()))
    op.create_index(
        "ix_profile_correction_queue",
        "profile_correction",
        ["department", "status", "requested_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_profile_correction_queue", table_name="profile_correction")
    with op.batch_alter_table("profile_correction") as batch:
        batch.drop_column("answer")
        batch.drop_column("decision_reason")
        batch.drop_column("decided_by")
