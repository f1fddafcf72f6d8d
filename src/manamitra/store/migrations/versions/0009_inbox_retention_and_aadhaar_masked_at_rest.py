"""privacy: inbox retention, and Aadhaar numbers already stored in clear masked

From now on the inbox masks Aadhaar numbers before its commit, and a timer drops what a
citizen wrote once a processed message is past `MM_INBOX_RETENTION_HOURS`; `purged_at`
records when, and a partial index finds the rows still to purge. Databases written before
may hold Aadhaar numbers typed in messages, answers, replies, notes and file names: every
column that can hold a citizen's words is rewritten with each number masked
("XXXX XXXX 0957"). A message still waiting at upgrade time loses the number too; an
Aadhaar step then asks for it again. Sealed answers (`{"enc": …}`) are left alone.

Revision ID: 0009_inbox_retention
Revises: 0008_outbox_unsent
Create Date: 2026-12-06 22:30:00
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from manamitra.privacy import mask_aadhaar_deep, mask_aadhaar_in

revision = "0009_inbox_retention"
down_revision = "0008_outbox_unsent"
branch_labels = None
depends_on = ("0003_applications", "0005_payments_bookings", "0006_grievances")

BATCH = 1000
UNPURGED = sa.text("processed_at IS NOT NULL AND purged_at IS NULL")
# table → (primary key, columns that can hold what a person wrote); JSON columns are walked
TEXT_COLUMNS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "inbound_message": ("id", ("last_error",), ()),
    "conversation": ("citizen", ("profile_name",), ("state",)),
    "outbound_message": ("id", ("last_error",), ("body",)),
    "media_blob": ("key", ("filename",), ()),
    "application": ("id", ("applicant_name", "decision_reason"), ("answers", "documents")),
    "grv_grievance": (
        "id",
        ("description", "resolution_note", "rejection_reason", "rating_comment"),
        ("attachments",),
    ),
    "grv_application_case": (
        "reference",
        ("requested_document", "decision_note"),
        ("extra_documents",),
    ),
    "grv_case_event": ("id", ("note",), ("data",)),
    "console_audit": ("id", (), ("detail",)),
    "booking": ("id", (), ("details",)),
    "ledger_entry": ("id", ("note",), ()),
}
# An inbox payload's identifiers are digits too (the sender's number, media ids): only the
# parts a citizen wrote are masked.
_PAYLOAD_TEXT = ("text", "choice_id", "choice_title", "profile_name")
# what Meta or the payment system wrote in `extra` (a UPI reference is twelve digits too)
_PLATFORM_EXTRA = frozenset({"payment", "system", "order", "type", "error_code", "url", "animated"})


def _masked_payload(payload: dict[str, Any]) -> dict[str, Any]:
    masked = dict(payload)
    for key in _PAYLOAD_TEXT:
        if isinstance(masked.get(key), str):
            masked[key] = mask_aadhaar_in(masked[key])
    for part, keys in (("media", ("caption", "filename")), ("location", ("name", "address"))):
        if isinstance(masked.get(part), dict):
            masked[part] = {
                key: mask_aadhaar_in(value) if key in keys and isinstance(value, str) else value
                for key, value in masked[part].items()
            }
    if isinstance(masked.get("extra"), dict):
        masked["extra"] = {
            key: value if key in _PLATFORM_EXTRA else mask_aadhaar_deep(value)
            for key, value in masked["extra"].items()
        }
    return masked


def _rewrite(
    conn: sa.Connection,
    table_name: str,
    key: str,
    texts: tuple[str, ...],
    documents: tuple[str, ...],
    special: dict[str, Any] | None = None,
) -> None:
    special = special or {}
    table = sa.table(
        table_name,
        sa.column(key),
        *(sa.column(name, sa.Text) for name in texts),
        *(sa.column(name, sa.JSON) for name in documents),
    )
    last: Any = None
    while True:
        query = sa.select(table).order_by(table.c[key]).limit(BATCH)
        if last is not None:
            query = query.where(table.c[key] > last)
        rows = conn.execute(query).mappings().all()
        if not rows:
            return
        for row in rows:
            changes: dict[str, Any] = {}
            for name in texts:
                if isinstance(row[name], str) and mask_aadhaar_in(row[name]) != row[name]:
                    changes[name] = mask_aadhaar_in(row[name])
            for name in documents:
                mask = special.get(name, mask_aadhaar_deep)
                if row[name] is not None and mask(row[name]) != row[name]:
                    changes[name] = mask(row[name])
            if changes:
                conn.execute(table.update().where(table.c[key] == row[key]).values(**changes))
        last = rows[-1][key]


def upgrade() -> None:
    with op.batch_alter_table("inbound_message") as batch:
        batch.add_column(sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(
        "ix_inbound_unpurged",
        "inbound_message",
        ["processed_at"],
        postgresql_where=UNPURGED,
        sqlite_where=UNPURGED,
    )
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        # the numbers overwritten must not stay readable in the file's free space
        conn.exec_driver_sql("PRAGMA secure_delete=ON")
    existing = set(sa.inspect(conn).get_table_names())
    _rewrite(conn, "inbound_message", "id", (), ("payload",), {"payload": _masked_payload})
    for table_name, (key, texts, documents) in TEXT_COLUMNS.items():
        if table_name in existing:
            _rewrite(conn, table_name, key, texts, documents)


def downgrade() -> None:
    op.drop_index("ix_inbound_unpurged", table_name="inbound_message")
    with op.batch_alter_table("inbound_message") as batch:
        batch.drop_column("purged_at")
