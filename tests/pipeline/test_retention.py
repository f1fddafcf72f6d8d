"""What a citizen wrote leaves the inbox once a processed message is past its retention."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from manamitra.messaging.inbound import Inbound, Media
from manamitra.pipeline.inbox_store import Received, store_events
from manamitra.pipeline.retention import purge_processed
from manamitra.settings import Settings
from manamitra.store import Database
from manamitra.store.models import InboundMessage
from tests.support.parts import TEST_CIPHER

T0 = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
PHONE_ID = "106540352242922"


def _message(wamid: str, **fields: Any) -> Received:
    inbound = Inbound(
        message_id=wamid,
        citizen="919876543210",
        sent_at=T0,
        profile_name="Ravi",
        **fields,
    )
    return Received(inbound, PHONE_ID)


def _process(database: Database, wamid: str, at: datetime | None, status: str = "done") -> None:
    with database.unit_of_work() as s:
        s.execute(
            update(InboundMessage)
            .where(InboundMessage.wamid == wamid)
            .values(status=status, processed_at=at)
        )


def _rows(database: Database) -> dict[str, InboundMessage]:
    with database.unit_of_work() as s:
        return {row.wamid: row for row in s.scalars(select(InboundMessage))}


def test_processed_messages_past_retention_keep_only_what_audit_needs(
    database: Database,
) -> None:
    store_events(
        database,
        [
            _message("wamid.old", kind="text", text="my brother's number is 9848022338"),
            _message(
                "wamid.photo",
                kind="image",
                text="land papers",
                media=Media("77001", "image/jpeg", "ab" * 32, "patta.jpg", "land papers"),
            ),
            _message(
                "wamid.card",
                kind="contacts",
                extra={"contacts": [{"name": "Sita", "phones": [{"phone": "+91 98480 22338"}]}]},
            ),
            _message("wamid.tap", kind="choice", choice_id="svc:x", choice_title="Income"),
            _message("wamid.recent", kind="text", text="still needed 9848022338"),
            _message("wamid.pending", kind="text", text="not processed 9848022338"),
        ],
        cipher=TEST_CIPHER,
    )
    for wamid in ("wamid.old", "wamid.photo", "wamid.card", "wamid.tap"):
        _process(database, wamid, T0)
    _process(database, "wamid.recent", T0 + timedelta(hours=80))

    assert purge_processed(database, T0 + timedelta(hours=72)) == 4
    assert purge_processed(database, T0 + timedelta(hours=72)) == 0  # nothing twice

    rows = _rows(database)
    for wamid in ("wamid.old", "wamid.photo", "wamid.card", "wamid.tap"):
        row = rows[wamid]
        assert row.purged_at is not None
        assert row.payload["message_id"] == wamid
        assert row.payload["citizen"] == "919876543210"
        stored = json.dumps(row.payload)
        for gone in ("9848022338", "98480 22338", "land papers", "patta.jpg", "Sita", "Ravi"):
            assert gone not in stored
    assert rows["wamid.photo"].payload["media"] == {
        "id": "77001",
        "mime_type": "image/jpeg",
        "sha256": "ab" * 32,
        "file_size": None,
        "voice": False,
    }
    assert rows["wamid.tap"].payload["choice_id"] == "svc:x"
    assert rows["wamid.recent"].payload["text"] == "still needed 9848022338"
    assert rows["wamid.pending"].payload["text"] == "not processed 9848022338"
    assert rows["wamid.recent"].purged_at is None and rows["wamid.pending"].purged_at is None


def test_retention_defaults_to_three_days() -> None:
    assert Settings().inbox_retention_hours == 72
    assert Settings(inbox_retention_hours=12).inbox_retention_hours == 12
