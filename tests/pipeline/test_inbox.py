"""The durable inbox: dedupe by wamid, conversation upserts, monotonic statuses, group commit."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from manamitra import clock
from manamitra.messaging.inbound import Inbound
from manamitra.pipeline.inbox import InboxBusyError, InboxWriter
from manamitra.pipeline.inbox_store import Received, StatusUpdate, store_events
from manamitra.store import Database
from manamitra.store.models import Conversation, InboundMessage, OutboundMessage
from tests.support.parts import TEST_CIPHER

T0 = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
PHONE_ID = "106540352242922"


def text(
    wamid: str, citizen: str = "919876543210", at: datetime = T0, *, name: str | None = "Ravi"
) -> Received:
    inbound = Inbound(
        message_id=wamid, citizen=citizen, kind="text", sent_at=at, text="Hi", profile_name=name
    )
    return Received(inbound, PHONE_ID)


def status(wamid: str, name: str, at: datetime, code: int | None = None) -> StatusUpdate:
    return StatusUpdate(
        wamid,
        name,
        at,
        "919876543210",
        error_code=code,
        error_title="Re-engagement message" if code else None,
    )


def add_outbound(database: Database, wamid: str) -> None:
    with database.unit_of_work() as s:
        s.add(
            OutboundMessage(
                citizen="919876543210",
                body={"type": "text", "body": "x"},
                kind="text",
                status="sent",
                attempts=1,
                next_attempt_at=T0,
                created_at=T0,
                wamid=wamid,
                sent_at=T0,
            )
        )


def outbound(database: Database, wamid: str) -> OutboundMessage:
    with database.unit_of_work() as s:
        return s.scalars(select(OutboundMessage).where(OutboundMessage.wamid == wamid)).one()


def inbound_rows(database: Database) -> list[InboundMessage]:
    with database.unit_of_work() as s:
        return list(s.scalars(select(InboundMessage).order_by(InboundMessage.wamid)))


def test_same_wamid_twice_in_one_batch_and_again_later_is_stored_once(database: Database) -> None:
    store_events(database, [text("wamid.A"), text("wamid.A"), text("wamid.B")], cipher=TEST_CIPHER)
    store_events(database, [text("wamid.A")], cipher=TEST_CIPHER)
    rows = inbound_rows(database)
    assert [r.wamid for r in rows] == ["wamid.A", "wamid.B"]
    assert rows[0].payload["text"] == "Hi" and rows[0].status == "pending"
    assert Inbound.from_json(rows[0].payload).sent_at == T0


def test_conversation_keeps_the_latest_inbound_time_and_known_names(database: Database) -> None:
    store_events(database, [text("wamid.1", at=T0 + timedelta(minutes=5))], cipher=TEST_CIPHER)
    # An older message arriving late (Meta does not guarantee order) must not move time back,
    # and a message without a profile name must not erase the one we know.
    store_events(
        database,
        [
            text("wamid.0", at=T0, name=None),
            text("wamid.x", citizen="919848012345", at=T0, name="Lakshmi"),
        ],
        cipher=TEST_CIPHER,
    )
    with database.unit_of_work() as s:
        ravi = s.get(Conversation, "919876543210")
        lakshmi = s.get(Conversation, "919848012345")
    assert ravi is not None and lakshmi is not None
    assert ravi.last_inbound_at == T0 + timedelta(minutes=5)
    assert ravi.profile_name == "Ravi"
    assert (lakshmi.profile_name, lakshmi.state, lakshmi.version) == ("Lakshmi", {}, 0)


def test_status_never_moves_backwards(database: Database) -> None:
    add_outbound(database, "wamid.OUT1")
    store_events(
        database, [], [status("wamid.OUT1", "read", T0 + timedelta(seconds=3))], cipher=TEST_CIPHER
    )
    store_events(
        database,
        [],
        [status("wamid.OUT1", "delivered", T0 + timedelta(seconds=2))],
        cipher=TEST_CIPHER,
    )
    store_events(
        database, [], [status("wamid.OUT1", "sent", T0 + timedelta(seconds=1))], cipher=TEST_CIPHER
    )
    row = outbound(database, "wamid.OUT1")
    assert row.status == "read"
    assert row.read_at == T0 + timedelta(seconds=3)
    # The late "delivered" is still recorded as a time, without moving the status.
    assert row.delivered_at == T0 + timedelta(seconds=2)


def test_delivered_and_read_in_one_batch_end_at_read(database: Database) -> None:
    add_outbound(database, "wamid.OUT1")
    store_events(
        database,
        [],
        [
            status("wamid.OUT1", "read", T0 + timedelta(seconds=3)),
            status("wamid.OUT1", "delivered", T0 + timedelta(seconds=2)),
        ],
        cipher=TEST_CIPHER,
    )
    row = outbound(database, "wamid.OUT1")
    assert (row.status, row.delivered_at) == ("read", T0 + timedelta(seconds=2))


def test_failed_status_records_the_error_unless_already_delivered(database: Database) -> None:
    add_outbound(database, "wamid.F")
    add_outbound(database, "wamid.D")
    store_events(database, [], [status("wamid.D", "delivered", T0)], cipher=TEST_CIPHER)
    store_events(
        database,
        [],
        [status("wamid.F", "failed", T0, 131047), status("wamid.D", "failed", T0, 131047)],
        cipher=TEST_CIPHER,
    )
    failed, delivered = outbound(database, "wamid.F"), outbound(database, "wamid.D")
    assert (failed.status, failed.error_code, failed.last_error) == (
        "failed",
        131047,
        "Re-engagement message",
    )
    assert (delivered.status, delivered.error_code) == ("delivered", None)


def test_unknown_wamid_statuses_are_reported_unmatched(database: Database) -> None:
    outcome = store_events(
        database,
        [],
        [status("wamid.NOPE", "delivered", T0), status("wamid.NOPE", "deleted", T0)],
        cipher=TEST_CIPHER,
    )
    assert [s.status for s in outcome.unmatched] == ["delivered"]


def test_writer_batches_concurrent_submits_into_few_commits(database: Database) -> None:
    seen: list[frozenset[str]] = []
    writer = InboxWriter(database, cipher=TEST_CIPHER, on_stored=seen.append)

    async def main() -> None:
        await asyncio.gather(
            *[writer.submit([text(f"wamid.{i}", citizen=f"91{i:010d}")]) for i in range(300)]
        )
        await writer.aclose()

    asyncio.run(main())
    assert len(inbound_rows(database)) == 300
    assert writer.commits < 300
    assert frozenset().union(*seen) == {f"91{i:010d}" for i in range(300)}


def test_status_arriving_before_the_wamid_is_known_is_applied_later(database: Database) -> None:
    writer = InboxWriter(database, cipher=TEST_CIPHER)

    async def main() -> None:
        await writer.submit([], [status("wamid.LATE", "delivered", T0)])
        add_outbound(database, "wamid.LATE")  # the sender commits its wamid afterwards
        await writer.submit([text("wamid.next")])
        await writer.aclose()

    asyncio.run(main())
    assert outbound(database, "wamid.LATE").status == "delivered"


def test_full_queue_gives_busy_after_a_bounded_wait(sqlite_database_url: str) -> None:
    database = Database(sqlite_database_url)
    writer = InboxWriter(
        database, cipher=TEST_CIPHER, max_queue=1, enqueue_timeout=0.05, commit_timeout=0.2
    )
    release = threading.Event()
    original = writer._write

    def stuck(*args: Any) -> Any:
        release.wait(5)  # a database that has stopped answering
        return original(*args)

    writer._write = stuck  # type: ignore[method-assign]

    async def main() -> list[object]:
        tasks = [asyncio.create_task(writer.submit([text(f"wamid.{i}")])) for i in range(4)]
        results = await asyncio.gather(*tasks, return_exceptions=True)
        release.set()
        await writer.aclose()
        return results

    results = asyncio.run(main())
    assert all(isinstance(r, InboxBusyError) for r in results)
    # Nothing is lost: what was taken is written once the database answers again, and the
    # rest is what Meta retries.
    assert len(inbound_rows(database)) >= 1
    database.dispose()


def test_one_poisoned_request_does_not_fail_its_batch(database: Database) -> None:
    writer = InboxWriter(database, cipher=TEST_CIPHER)
    poisoned = Received(
        Inbound(message_id="wamid.BAD", citizen="9" * 40, kind="text", sent_at=T0, text="x"),
        PHONE_ID,
    )

    async def main() -> list[object]:
        return await asyncio.gather(
            writer.submit([text("wamid.G1")]),
            writer.submit([poisoned]),
            writer.submit([text("wamid.G2")]),
            return_exceptions=True,
        )

    async def run() -> list[object]:
        try:
            return await main()
        finally:
            await writer.aclose()

    results = asyncio.run(run())
    if database.is_sqlite:
        pytest.skip("SQLite does not enforce VARCHAR lengths; nothing to poison")
    assert results[0] is None and results[2] is None
    assert isinstance(results[1], InboxBusyError)
    assert [r.wamid for r in inbound_rows(database)] == ["wamid.G1", "wamid.G2"]


def test_received_at_comes_from_the_platform_clock(database: Database) -> None:
    clock.advance(timedelta(days=3))
    store_events(database, [text("wamid.T")], cipher=TEST_CIPHER)
    [row] = inbound_rows(database)
    assert row.received_at > datetime.now(UTC) + timedelta(days=2)


def test_fast_inbound_json_matches_to_json_for_every_fixture() -> None:
    from manamitra.channels.whatsapp.parse import parse_body
    from manamitra.pipeline.inbox_store import inbound_json
    from tests.channels.whatsapp import fixtures

    for name in fixtures.names():
        for received in parse_body(fixtures.raw(name)).messages:
            assert inbound_json(received.inbound) == received.inbound.to_json(), name


def test_a_failing_listener_does_not_stop_the_writer(database: Database) -> None:
    def broken(_citizens: frozenset[str]) -> None:
        raise RuntimeError("listener bug")

    writer = InboxWriter(database, cipher=TEST_CIPHER, on_stored=broken)

    async def main() -> None:
        await writer.submit([text("wamid.L1")])
        await writer.submit([text("wamid.L2")])
        await writer.aclose()

    asyncio.run(main())
    assert [r.wamid for r in inbound_rows(database)] == ["wamid.L1", "wamid.L2"]
