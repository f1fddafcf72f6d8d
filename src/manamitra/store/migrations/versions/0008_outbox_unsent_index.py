"""pipeline: an index of unsent replies by citizen, and fresher planner statistics

The sender's claim asks, for every due reply, whether an older one to the same citizen is
still unsent. With this partial index that is one small index probe whatever the planner
believes about the table's size; without it, PostgreSQL planned a nested loop over a
bitmap scan from statistics taken while the table was nearly empty, and one claim took
1.7 s under a backlog of 5,000 replies. The pipeline's tables also get analysed after 2 %
of their rows change rather than 10 %, so plans follow a table that grows in a burst.

Revision ID: 0008_outbox_unsent
Revises: 0007_business_numbers
Create Date: 2026-11-29 02:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_outbox_unsent"
down_revision = "0007_business_numbers"
branch_labels = None
depends_on = None

UNSENT = sa.text("status IN ('pending', 'sending')")
BUSY_TABLES = ("inbound_message", "outbound_message", "conversation")


def upgrade() -> None:
    op.create_index(
        "ix_outbound_unsent",
        "outbound_message",
        ["citizen", "id"],
        postgresql_where=UNSENT,
        sqlite_where=UNSENT,
    )
    if op.get_bind().dialect.name == "postgresql":
        for table in BUSY_TABLES:
            op.execute(
                f"ALTER TABLE {table} SET (autovacuum_analyze_scale_factor = 0.02,"
                " autovacuum_vacuum_scale_factor = 0.05)"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in BUSY_TABLES:
            op.execute(
                f"ALTER TABLE {table} RESET (autovacuum_analyze_scale_factor,"
                " autovacuum_vacuum_scale_factor)"
            )
    op.drop_index("ix_outbound_unsent", table_name="outbound_message")
