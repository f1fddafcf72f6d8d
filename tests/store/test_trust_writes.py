"""The issuance path's driver-level SQL stores exactly what SQLAlchemy Core inserts would."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import insert, update

from manamitra.errors import ConflictError
from manamitra.store import Database
from manamitra.store.models.pipeline import MediaBlob
from manamitra.store.models.trust import IssuedDocument, LogEntry, LogHead, TrustRepository

AT = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)  # no microseconds: SQLite's text keeps ".000000"
LATER = datetime(2026, 3, 4, 5, 6, 7, 890123, tzinfo=UTC)


def _stored(database: Database, table: str, key: str, value: Any) -> tuple[Any, ...]:
    """The row as the store keeps it (with SQLite's storage classes), key column left out."""
    with database.engine.connect() as connection:
        columns = [
            d[0]
            for d in connection.exec_driver_sql(
                f"SELECT * FROM {table} WHERE 1 = 0"
            ).cursor.description
        ]
        kept = [c for c in columns if c != key]
        if database.is_sqlite:
            picked = ", ".join(f'"{c}", typeof("{c}")' for c in kept)
        else:
            picked = ", ".join(f'"{c}", pg_typeof("{c}")::text' for c in kept)
        mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
        row = connection.exec_driver_sql(
            f'SELECT {picked} FROM {table} WHERE "{key}" = {mark}', (value,)
        ).one()
    return tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)


def test_rows_match_core_inserts(database: Database) -> None:
    document = {
        "doc_type": "income",
        "kid": "k1",
        "qr_text": "QR",
        "url_token": "tok",
        "pdf_sha256": "ab" * 32,
        "media_key": "m",
        "log_index": 7,
        "issued_at": LATER,
        "valid_until": AT,
    }
    media = {"mime_type": "application/pdf", "filename": None, "sha256": "cd", "size": 3}
    with database.unit_of_work() as session:
        repo = TrustRepository(session)
        assert repo.lock_head() == (0, b"")
        repo.add_entry(0, b"\x01" * 32, "issue", b"data", AT, [(0, 0, b"\x01" * 32)])
        repo.set_head(1, b"\x02" * 32, LATER)
        repo.add_document(number="driver", **document)
        repo.add_media(
            key="driver",
            content=b"pdf",
            at=AT,
            **{k: media[k] for k in ("mime_type", "filename", "sha256")},
        )
        session.execute(insert(IssuedDocument.__table__), [{"number": "core", **document}])
        session.execute(
            insert(MediaBlob.__table__),
            [{"key": "core", "content": b"pdf", "created_at": AT, **media}],
        )
        session.execute(
            insert(LogEntry.__table__),
            [
                {
                    "index": 1,
                    "leaf_hash": b"\x01" * 32,
                    "kind": "issue",
                    "data": b"data",
                    "created_at": AT,
                }
            ],
        )
    with database.unit_of_work() as session:
        assert TrustRepository(session).lock_head() == (1, b"\x02" * 32)
        assert TrustRepository(session).fetch_nodes([(0, 0)]) == {(0, 0): b"\x01" * 32}
    driver_head = _stored(database, "trust_log_head", "id", 1)
    with database.unit_of_work() as session:
        head = LogHead.__table__
        session.execute(update(head).where(head.c.id == 1).values(size=1, updated_at=LATER))
    assert _stored(database, "trust_log_head", "id", 1) == driver_head
    for table, key, driver, core in (
        ("trust_document", "number", "driver", "core"),
        ("media_blob", "key", "driver", "core"),
        ("trust_log_entry", "index", 0, 1),
    ):
        assert _stored(database, table, key, driver) == _stored(database, table, key, core)


def test_a_duplicate_number_is_a_conflict(database: Database) -> None:
    values: dict[str, Any] = {
        "number": "N1",
        "doc_type": "income",
        "kid": "k1",
        "qr_text": "QR",
        "url_token": "tok",
        "pdf_sha256": "ab",
        "media_key": "m",
        "log_index": 0,
        "issued_at": AT,
    }
    with database.unit_of_work() as session:
        TrustRepository(session).add_document(**values)
    with pytest.raises(ConflictError), database.unit_of_work() as session:
        TrustRepository(session).add_document(**values)
