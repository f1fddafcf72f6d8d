"""pipeline: the business number each reply leaves from, and the one each citizen last used

Revision ID: 0007_business_numbers
Revises: 0001_pipeline
Create Date: 2026-11-29 02:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_business_numbers"
down_revision = "0001_pipeline"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbound_message") as table:
        table.add_column(sa.Column("phone_number_id", sa.String(64), nullable=True))
    with op.batch_alter_table("conversation") as table:
        table.add_column(sa.Column("phone_number_id", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conversation") as table:
        table.drop_column("phone_number_id")
    with op.batch_alter_table("outbound_message") as table:
        table.drop_column("phone_number_id")
