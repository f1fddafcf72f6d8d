"""Migration 0009 masks the Aadhaar numbers a database written before it holds in clear."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from manamitra.store import Database, migrate
from tests.support import databases
from tests.support.stored import every_value

PREVIOUS = "0008_outbox_unsent"
FORMS = (b"561280370957", b"5612 8037 0957", b"5612-8037-0957")
T0 = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
SEALED = {"enc": "c2VhbGVkIGFuZCBub3QgYSBudW1iZXI=", "last4": "0957"}


@pytest.fixture(params=["sqlite", "postgres"])
def unmigrated_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        with databases.sqlite_url(tmp_path) as url:
            yield url
        return
    base = databases.postgres_base_url()
    if base is None or request.config.getoption("--sqlite-only"):
        pytest.skip("PostgreSQL run skipped: set MM_TEST_POSTGRES_URL to run it")
    with databases.postgres_url(base) as url:
        yield url


def _payload(wamid: str, text: str, **more: Any) -> dict[str, Any]:
    return {
        "message_id": wamid,
        "citizen": "919876543210",
        "kind": "text",
        "sent_at": T0.isoformat(),
        "text": text,
        "media": None,
        "extra": {},
        **more,
    }


def _populate(database: Database) -> None:
    metadata = sa.MetaData()
    metadata.reflect(database.engine)
    t = metadata.tables
    inbound = {
        "citizen": "919876543210",
        "phone_number_id": "106540352242922",
        "sent_at": T0,
        "received_at": T0,
        "attempts": 0,
        "processed_at": None,
        "last_error": None,
    }
    with database.engine.begin() as conn:
        conn.execute(
            t["inbound_message"].insert(),
            [
                {
                    **inbound,
                    "wamid": "wamid.done",
                    "type": "text",
                    "status": "done",
                    "processed_at": T0,
                    "payload": _payload("wamid.done", "my aadhaar is 5612 8037 0957"),
                },
                {
                    **inbound,
                    "wamid": "wamid.pending",
                    "type": "text",
                    "status": "pending",
                    "payload": _payload("wamid.pending", "561280370957"),
                },
                {
                    **inbound,
                    "wamid": "wamid.photo",
                    "type": "image",
                    "status": "failed",
                    "processed_at": T0,
                    "last_error": "ValueError: 5612-8037-0957",
                    "payload": _payload(
                        "wamid.photo",
                        "5612-8037-0957",
                        kind="image",
                        media={"id": "7000000000001", "caption": "5612-8037-0957"},
                    ),
                },
            ],
        )
        conn.execute(
            t["conversation"].insert(),
            {
                "citizen": "919876543210",
                "profile_name": "Ravi 561280370957",
                "state": {"answers": {"note": "5612 8037 0957", "aadhaar": SEALED}},
                "version": 1,
            },
        )
        conn.execute(
            t["outbound_message"].insert(),
            {
                "citizen": "919876543210",
                "body": {"type": "text", "text": "No service found for 561280370957"},
                "kind": "text",
                "status": "sent",
                "attempts": 1,
                "next_attempt_at": T0,
                "created_at": T0,
            },
        )
        conn.execute(
            t["media_blob"].insert(),
            {
                "key": "in:1",
                "mime_type": "image/jpeg",
                "filename": "aadhaar 5612 8037 0957.jpg",
                "sha256": "0" * 64,
                "size": 1,
                "created_at": T0,
            },
        )


def _stored_bytes(database: Database, url: str) -> bytes:
    if url.startswith("sqlite"):
        database.dispose()
        path = Path(url.removeprefix("sqlite:///"))
        return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    return every_value(database.engine)


def test_upgrade_masks_aadhaar_numbers_a_database_already_holds(unmigrated_url: str) -> None:
    migrate.upgrade(unmigrated_url, PREVIOUS)
    database = Database(unmigrated_url)
    try:
        _populate(database)
        assert all(form in _stored_bytes(database, unmigrated_url) for form in FORMS)
        database.dispose()
        migrate.upgrade(unmigrated_url)

        stored = _stored_bytes(database, unmigrated_url)
        for form in FORMS:
            assert form not in stored, form
        with database.engine.connect() as conn:
            payloads = dict(
                conn.execute(sa.text("SELECT wamid, payload FROM inbound_message")).all()
            )
            convo = conn.execute(sa.text("SELECT profile_name, state FROM conversation")).one()
            filename = conn.execute(sa.text("SELECT filename FROM media_blob")).scalar_one()
    finally:
        database.dispose()
    payloads = {wamid: _json(payload) for wamid, payload in payloads.items()}
    assert payloads["wamid.done"]["text"] == "my aadhaar is XXXX XXXX 0957"
    assert payloads["wamid.pending"]["text"] == "XXXX XXXX 0957"
    photo = payloads["wamid.photo"]
    assert photo["media"] == {"id": "7000000000001", "caption": "XXXX XXXX 0957"}
    assert photo["citizen"] == "919876543210"
    assert convo.profile_name == "Ravi XXXX XXXX 0957"
    state = _json(convo.state)
    assert state["answers"] == {"note": "XXXX XXXX 0957", "aadhaar": SEALED}
    assert filename == "aadhaar XXXX XXXX 0957.jpg"


def _json(value: Any) -> Any:
    return value if isinstance(value, dict) else json.loads(value)
