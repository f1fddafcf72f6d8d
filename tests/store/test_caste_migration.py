"""Migration 0013 seals the caste answers a database written before it holds in clear, in
applications and in conversations (the live form and a saved draft), on SQLite and
PostgreSQL; its downgrade opens them again with the same key."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from manamitra.privacy import Cipher, is_sealed_text
from manamitra.settings import load_settings
from manamitra.store import Database, migrate
from tests.store.test_privacy_migration import _stored_bytes, unmigrated_url  # noqa: F401

BEFORE = ("0003_applications", "0012_profile_corrections")
T0 = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
KEY = base64.b64encode(bytes(range(32))).decode()
CASTE = "Gavara Kapu"


def _populate(database: Database) -> None:
    metadata = sa.MetaData()
    metadata.reflect(database.engine)
    t = metadata.tables
    with database.engine.begin() as conn:
        conn.execute(
            t["application"].insert(),
            {
                "number": "REV-2026-000777",
                "service_id": "revenue.caste_certificate",
                "department": "revenue",
                "citizen": "919876543210",
                "title": {"en": "Caste certificate"},
                "language": "te",
                "status": "approved",
                "answers": {"applicant_name": "Ravi", "caste": CASTE, "social_category": "bc_a"},
                "documents": [],
                "fee_paise": 0,
                "submitted_at": T0,
                "updated_at": T0,
            },
        )
        flow = {"service_id": "revenue.caste_certificate", "answers": {"caste": CASTE}}
        conn.execute(
            t["conversation"].insert(),
            {
                "citizen": "919876543210",
                "state": {"flow": flow, "drafts": {"revenue.caste_certificate": dict(flow)}},
                "version": 1,
            },
        )


def _json(value: Any) -> Any:
    return value if isinstance(value, dict) else json.loads(value)


def test_upgrade_seals_caste_answers_and_downgrade_opens_them(
    unmigrated_url: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    for revision in BEFORE:
        migrate.upgrade(unmigrated_url, revision)
    database = Database(unmigrated_url)
    settings = load_settings(database_url=unmigrated_url, data_key=KEY, data_dir=tmp_path)
    cipher = Cipher.from_settings(settings)
    try:
        _populate(database)
        assert CASTE.encode() in _stored_bytes(database, unmigrated_url)
        database.dispose()
        migrate.upgrade(unmigrated_url, settings=settings)

        assert CASTE.encode() not in _stored_bytes(database, unmigrated_url)
        with database.engine.connect() as conn:
            answers = _json(conn.execute(sa.text("SELECT answers FROM application")).scalar_one())
            state = _json(conn.execute(sa.text("SELECT state FROM conversation")).scalar_one())
        assert is_sealed_text(answers["caste"]) and cipher.open_text(answers["caste"]) == CASTE
        assert answers["social_category"] == "bc_a" and answers["applicant_name"] == "Ravi"
        for form in (state["flow"], state["drafts"]["revenue.caste_certificate"]):
            assert cipher.open_text(form["answers"]["caste"]) == CASTE
        database.dispose()

        migrate.downgrade(unmigrated_url, "0012_profile_corrections", settings=settings)
        with database.engine.connect() as conn:
            answers = _json(conn.execute(sa.text("SELECT answers FROM application")).scalar_one())
        assert answers["caste"] == CASTE
    finally:
        database.dispose()
