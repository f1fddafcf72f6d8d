"""lake: the domain events table, one typed row per thing that happened

Written in the transaction of the change it describes; read by `manamitra lake export`.
No free text, names or identifiers: codes, counts, paise, and the citizen as a keyed HMAC.

Revision ID: 0011_lake
Revises: 0001_pipeline
Create Date: 2026-12-07 01:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_lake"
down_revision = "0001_pipeline"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "domain_event",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("type", sa.String(48), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("citizen", sa.String(32)),
        sa.Column("service", sa.String(128)),
        sa.Column("department", sa.String(64)),
        sa.Column("district", sa.String(64)),
        sa.Column("mandal", sa.String(64)),
        sa.Column("office", sa.String(96)),
        sa.Column("office_to", sa.String(96)),
        sa.Column("category", sa.String(64)),
        sa.Column("outcome", sa.String(32)),
        sa.Column("step", sa.String(64)),
        sa.Column("subject", sa.String(32)),
        sa.Column("kind", sa.String(32)),
        sa.Column("method", sa.String(32)),
        sa.Column("reason", sa.String(32)),
        sa.Column("amount_paise", sa.BigInteger()),
        sa.Column("quantity", sa.Integer()),
        sa.Column("score", sa.Integer()),
        sa.Column("position", sa.Integer()),
        sa.Column("level", sa.Integer()),
        sa.Column("duration_s", sa.BigInteger()),
        sa.Column("within_sla", sa.Boolean()),
    )
    op.create_index("ix_domain_event_at", "domain_event", ["occurred_at"])
    # the export reads one type's rows of an id range at a time
    op.create_index("ix_domain_event_type", "domain_event", ["type", "id"])


def downgrade() -> None:
    op.drop_index("ix_domain_event_type", table_name="domain_event")
    op.drop_index("ix_domain_event_at", table_name="domain_event")
    op.drop_table("domain_event")
