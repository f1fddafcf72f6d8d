"""pipeline: outbox claims held by a registered process, not by a lease

A reply being sent names the process sending it (`claimed_by`) and, once its request is about
to leave, says so (`wire_at`). Processes register with a heartbeat in `platform_process`; when
one dies, a restart or any live process gives its claims back at once, counting those whose
request may have reached Meta (`uncertain_sends`), instead of waiting 120 s for a lease.

Revision ID: 0009_outbox_claims
Revises: 0008_outbox_unsent
Create Date: 2026-12-06 22:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import manamitra.store.base

revision = "0009_outbox_claims"
down_revision = "0008_outbox_unsent"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "platform_process",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("hostname", sa.String(length=255), nullable=False),
        sa.Column("host", sa.String(length=64), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started", sa.BigInteger(), nullable=True),
        sa.Column("registered_at", manamitra.store.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("heartbeat_at", manamitra.store.base.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_platform_process")),
    )
    with op.batch_alter_table("outbound_message") as table:
        table.add_column(sa.Column("claimed_by", sa.String(length=32), nullable=True))
        table.add_column(
            sa.Column("wire_at", manamitra.store.base.UtcDateTime(timezone=True), nullable=True)
        )
        table.add_column(
            sa.Column("uncertain_sends", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("outbound_message") as table:
        table.drop_column("uncertain_sends")
        table.drop_column("wire_at")
        table.drop_column("claimed_by")
    op.drop_table("platform_process")
