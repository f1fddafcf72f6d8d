"""payments: a gateway webhook is a replay when its signed bytes were seen, whatever its event id

The event id header is not covered by the gateway's signature, so a captured request resent
with a fresh event id passed the replay guard. Each delivery now records the SHA-256 of what
the signature covers ("<timestamp>.<body>"), unique per gateway.

Revision ID: 0010_gateway_signed_digest
Revises: 0005_payments_bookings
Create Date: 2026-12-06 22:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_gateway_signed_digest"
down_revision = "0005_payments_bookings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("gateway_event") as table:
        table.add_column(sa.Column("signed_digest", sa.String(64), nullable=True))
        table.create_unique_constraint(
            "uq_gateway_event_signed_digest", ["gateway", "signed_digest"]
        )


def downgrade() -> None:
    with op.batch_alter_table("gateway_event") as table:
        table.drop_constraint("uq_gateway_event_signed_digest", type_="unique")
        table.drop_column("signed_digest")
