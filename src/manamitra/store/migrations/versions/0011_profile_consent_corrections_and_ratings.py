"""profile: consent log, correction requests, ratings 1–10 (grievance 1–5 ratings kept as given)

Adds `profile_consent` (append-only consent decisions per purpose), `profile_correction`
(sealed corrections to verified facts) and `service_rating` (one rating per completed case,
with its scale). `grv_grievance.rating_scale` records the scale of a grievance's rating: the
ratings given before this revision were on 1–5 and stay so (value untouched, scale 5), and
each is copied into `service_rating` with scale 5, so averages can map them onto 1–10
honestly instead of pretending they were given on 1–10.

Revision ID: 0011_profile
Revises: 0006_grievances
Create Date: 2026-12-07 01:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import manamitra.store.base

revision = "0011_profile"
down_revision = "0006_grievances"
branch_labels = None
depends_on = None

Utc = manamitra.store.base.UtcDateTime(timezone=True)
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "profile_consent",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("citizen", sa.String(32), nullable=False),
        sa.Column("purpose", sa.String(32), nullable=False),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("notice_version", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("at", Utc, nullable=False),
    )
    op.create_index("ix_profile_consent_citizen", "profile_consent", ["citizen", "purpose", "id"])
    op.create_table(
        "profile_correction",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("number", sa.String(32), nullable=False, unique=True),
        sa.Column("citizen", sa.String(32), nullable=False),
        sa.Column("fact", sa.String(48), nullable=False),
        sa.Column("department", sa.String(64)),
        sa.Column("source_ref", sa.String(64)),
        sa.Column("sealed_value", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("requested_at", Utc, nullable=False),
        sa.Column("decided_at", Utc),
    )
    op.create_index("ix_profile_correction_citizen", "profile_correction", ["citizen", "status"])
    op.create_table(
        "service_rating",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("subject_kind", sa.String(16), nullable=False),
        sa.Column("subject_ref", sa.String(64), nullable=False),
        sa.Column("citizen", sa.String(32), nullable=False),
        sa.Column("service_id", sa.String(128)),
        sa.Column("department", sa.String(64)),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("scale", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text()),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("rated_at", Utc, nullable=False),
        sa.UniqueConstraint("subject_kind", "subject_ref", name="uq_service_rating_subject"),
    )
    op.create_index("ix_service_rating_service", "service_rating", ["service_id", "rated_at"])
    with op.batch_alter_table("grv_grievance") as batch:
        batch.add_column(sa.Column("rating_scale", sa.Integer()))
    op.execute(sa.text("UPDATE grv_grievance SET rating_scale = 5 WHERE rating IS NOT NULL"))
    op.execute(
        sa.text(
            "INSERT INTO service_rating (subject_kind, subject_ref, citizen, service_id,"
            " department, score, scale, comment, lang, rated_at)"
            " SELECT 'grievance', number, citizen, service_id, department, rating, 5,"
            " rating_comment, lang, COALESCE(finished_at, updated_at)"
            " FROM grv_grievance WHERE rating IS NOT NULL"
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("grv_grievance") as batch:
        batch.drop_column("rating_scale")
    op.drop_index("ix_service_rating_service", table_name="service_rating")
    op.drop_table("service_rating")
    op.drop_index("ix_profile_correction_citizen", table_name="profile_correction")
    op.drop_table("profile_correction")
    op.drop_index("ix_profile_consent_citizen", table_name="profile_consent")
    op.drop_table("profile_consent")
