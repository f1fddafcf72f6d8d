"""trust: issued documents, transparency log entries, subtree hashes, head, checkpoints

Revision ID: 0004_trust
Revises: 0001_pipeline
Create Date: 2026-11-28 23:55:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import manamitra.store.base

revision = "0004_trust"
down_revision = "0001_pipeline"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Utc = manamitra.store.base.UtcDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "trust_document",
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("doc_type", sa.String(length=32), nullable=False),
        sa.Column("kid", sa.String(length=64), nullable=False),
        sa.Column("qr_text", sa.Text(), nullable=False),
        sa.Column("url_token", sa.String(length=16), nullable=False),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=False),
        sa.Column("media_key", sa.String(length=128), nullable=False),
        sa.Column("log_index", BigId, nullable=False),
        sa.Column("issued_at", Utc, nullable=False),
        sa.Column("valid_until", Utc, nullable=True),
        sa.Column("revoked_at", Utc, nullable=True),
        sa.Column("revocation_reason", sa.String(length=32), nullable=True),
        sa.Column("revocation_note", sa.Text(), nullable=True),
        sa.Column("revoked_by", sa.String(length=128), nullable=True),
        sa.PrimaryKeyConstraint("number", name=op.f("pk_trust_document")),
    )
    op.create_index("ix_trust_document_revoked", "trust_document", ["revoked_at"])
    op.create_table(
        "trust_log_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("size", BigId, nullable=False),
        sa.Column("frontier", sa.LargeBinary(), nullable=False),
        sa.Column("updated_at", Utc, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trust_log_head")),
    )
    op.create_table(
        "trust_log_entry",
        sa.Column("index", BigId, autoincrement=False, nullable=False),
        sa.Column("leaf_hash", sa.LargeBinary(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", Utc, nullable=False),
        sa.PrimaryKeyConstraint("index", name=op.f("pk_trust_log_entry")),
    )
    op.create_index("ix_trust_log_entry_leaf_hash", "trust_log_entry", ["leaf_hash"])
    op.create_table(
        "trust_log_node",
        sa.Column("level", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("index", BigId, autoincrement=False, nullable=False),
        sa.Column("hash", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("level", "index", name=op.f("pk_trust_log_node")),
    )
    op.create_table(
        "trust_log_checkpoint",
        sa.Column("size", BigId, autoincrement=False, nullable=False),
        sa.Column("root_hash", sa.LargeBinary(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", Utc, nullable=False),
        sa.PrimaryKeyConstraint("size", name=op.f("pk_trust_log_checkpoint")),
    )
    head = sa.table(
        "trust_log_head",
        sa.column("id", sa.Integer()),
        sa.column("size", sa.Integer()),
        sa.column("frontier", sa.LargeBinary()),
    )
    op.bulk_insert(head, [{"id": 1, "size": 0, "frontier": b""}])


def downgrade() -> None:
    op.drop_table("trust_log_checkpoint")
    op.drop_table("trust_log_node")
    op.drop_index("ix_trust_log_entry_leaf_hash", table_name="trust_log_entry")
    op.drop_table("trust_log_entry")
    op.drop_table("trust_log_head")
    op.drop_index("ix_trust_document_revoked", table_name="trust_document")
    op.drop_table("trust_document")
