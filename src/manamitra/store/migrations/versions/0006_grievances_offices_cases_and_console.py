"""grievances: offices, grievances, application cases, case timeline; console officers,
sessions and audit trail

Revision ID: 0006_grievances
Revises: 0001_pipeline
Create Date: 2026-11-29 00:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import manamitra.store.base

revision = "0006_grievances"
down_revision = "0001_pipeline"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Utc = manamitra.store.base.UtcDateTime(timezone=True)


def _case_columns() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("state", sa.String(32), nullable=False),
        sa.Column("office_id", sa.String(96), nullable=True),
        sa.Column("department", sa.String(64), nullable=False),
        sa.Column("district", sa.String(64), nullable=True),
        sa.Column("assigned_to", sa.String(64), nullable=True),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("created_at", Utc, nullable=False),
        sa.Column("updated_at", Utc, nullable=False),
        sa.Column("state_since", Utc, nullable=False),
        sa.Column("due_at", Utc, nullable=False),
        sa.Column("step_due_at", Utc, nullable=True),
        sa.Column("reminded_at", Utc, nullable=True),
        sa.Column("breached", sa.Boolean(), nullable=False),
        sa.Column("finished_at", Utc, nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "grv_office",
        sa.Column("id", sa.String(96), nullable=False),
        sa.Column("department", sa.String(64), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("district", sa.String(64), nullable=True),
        sa.Column("mandal", sa.String(64), nullable=True),
        sa.Column("parent_id", sa.String(96), nullable=True),
        sa.Column("name_en", sa.String(200), nullable=False),
        sa.Column("name_te", sa.String(200), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["grv_office.id"], name=op.f("fk_grv_office_parent_id_grv_office")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grv_office")),
    )
    op.create_index("ix_grv_office_route", "grv_office", ["department", "district", "mandal"])
    op.create_table(
        "grv_grievance",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("number", sa.String(32), nullable=False),
        sa.Column("citizen", sa.String(32), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("service_id", sa.String(128), nullable=False),
        sa.Column("category", sa.String(64), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("mandal", sa.String(64), nullable=True),
        sa.Column("village", sa.String(128), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("address", sa.String(300), nullable=True),
        sa.Column("resolution_note", sa.Text(), nullable=True),
        sa.Column("rejection_reason", sa.Text(), nullable=True),
        sa.Column("resolved_at", Utc, nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("rating_comment", sa.Text(), nullable=True),
        sa.Column("reopen_count", sa.Integer(), nullable=False),
        *_case_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grv_grievance")),
        sa.UniqueConstraint("number", name=op.f("uq_grv_grievance_number")),
    )
    op.create_index("ix_grv_grievance_citizen", "grv_grievance", ["citizen", "created_at"])
    op.create_index("ix_grv_grievance_queue", "grv_grievance", ["department", "district", "state"])
    op.create_index("ix_grv_grievance_due", "grv_grievance", ["finished_at", "step_due_at"])
    op.create_table(
        "grv_application_case",
        sa.Column("reference", sa.String(64), nullable=False),
        sa.Column("citizen", sa.String(32), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("service_id", sa.String(128), nullable=False),
        sa.Column("requested_document", sa.Text(), nullable=True),
        sa.Column("extra_documents", sa.JSON(), nullable=False),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("certificate_media_key", sa.String(128), nullable=True),
        sa.Column("certificate_number", sa.String(64), nullable=True),
        *_case_columns(),
        sa.PrimaryKeyConstraint("reference", name=op.f("pk_grv_application_case")),
    )
    op.create_index(
        "ix_grv_application_case_queue",
        "grv_application_case",
        ["department", "district", "state"],
    )
    op.create_index(
        "ix_grv_application_case_due", "grv_application_case", ["finished_at", "step_due_at"]
    )
    op.create_table(
        "grv_case_event",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("case_kind", sa.String(16), nullable=False),
        sa.Column("reference", sa.String(64), nullable=False),
        sa.Column("at", Utc, nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("from_state", sa.String(32), nullable=True),
        sa.Column("to_state", sa.String(32), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grv_case_event")),
    )
    op.create_index("ix_grv_case_event_ref", "grv_case_event", ["case_kind", "reference", "id"])
    op.create_table(
        "console_officer",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("password_hash", sa.String(256), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("department", sa.String(64), nullable=True),
        sa.Column("district", sa.String(64), nullable=True),
        sa.Column("office_id", sa.String(96), nullable=True),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", Utc, nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", Utc, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_console_officer")),
        sa.UniqueConstraint("username", name=op.f("uq_console_officer_username")),
    )
    op.create_table(
        "console_session",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("officer_id", BigId, nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", Utc, nullable=False),
        sa.Column("expires_at", Utc, nullable=False),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_console_session")),
    )
    op.create_table(
        "console_audit",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("at", Utc, nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(48), nullable=False),
        sa.Column("target", sa.String(96), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_console_audit")),
    )
    op.create_index("ix_console_audit_target", "console_audit", ["target", "id"])


def downgrade() -> None:
    op.drop_index("ix_console_audit_target", table_name="console_audit")
    op.drop_table("console_audit")
    op.drop_table("console_session")
    op.drop_table("console_officer")
    op.drop_index("ix_grv_case_event_ref", table_name="grv_case_event")
    op.drop_table("grv_case_event")
    op.drop_index("ix_grv_application_case_due", table_name="grv_application_case")
    op.drop_index("ix_grv_application_case_queue", table_name="grv_application_case")
    op.drop_table("grv_application_case")
    op.drop_index("ix_grv_grievance_due", table_name="grv_grievance")
    op.drop_index("ix_grv_grievance_queue", table_name="grv_grievance")
    op.drop_index("ix_grv_grievance_citizen", table_name="grv_grievance")
    op.drop_table("grv_grievance")
    op.drop_index("ix_grv_office_route", table_name="grv_office")
    op.drop_table("grv_office")
