"""A sender killed mid-send: a restarted one (or any live one) resends at once what was not
confirmed, never what was, and counts the replies whose request may have reached Meta."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from manamitra import clock
from manamitra.channels.whatsapp import outbox_store
from manamitra.channels.whatsapp.sender import OutboxSender
from manamitra.messaging.reply import Document, Text
from manamitra.processes import ProcessIdentity, running, start_ticks
from manamitra.store import Database
from manamitra.store.models import OutboundMessage, PlatformProcess
from tests.pipeline.graph_fake import SETTINGS, FakeGraph
from tests.pipeline.test_sender import add_pdf_blob, drain, queue

RAVI = "919876543210"
SITA = "919848022338"
GOPI = "919440012345"
ROOT = Path(__file__).resolve().parents[2]


def rows_by_citizen(database: Database) -> dict[str, list[OutboundMessage]]:
    with database.unit_of_work() as s:
        found: dict[str, list[OutboundMessage]] = {}
        for row in s.scalars(select(OutboundMessage).order_by(OutboundMessage.id)):
            found.setdefault(row.citizen, []).append(row)
        return found


def wait_for(condition: Callable[[], bool], what: str, limit: float = 120.0) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"the sender never got there: {what}")
        time.sleep(0.05)


def test_a_restarted_sender_resends_at_once_only_what_was_not_confirmed(
    database: Database, database_url: str, tmp_path: Path
) -> None:
    add_pdf_blob(database, "cert-1")
    queue(database, RAVI, Text("answered before the crash"))
    queue(database, SITA, Text("on the wire at the crash"))
    queue(database, GOPI, Document("cert-1", "income.pdf"), Text("after the certificate"))
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.pipeline.crashing_sender", database_url, tmp_path, SITA],
        cwd=ROOT,
    )
    try:
        wait_for(lambda: (tmp_path / f"request-{SITA}").exists(), "Sita's request left")
        wait_for(lambda: (tmp_path / "upload").exists(), "the certificate's upload started")
        wait_for(
            lambda: rows_by_citizen(database)[RAVI][0].status == "sent", "Ravi's reply recorded"
        )
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()

    fake = FakeGraph()
    drain(OutboxSender(database, fake.client(), SETTINGS))  # the restart, no time later

    assert fake.texts_to(RAVI) == []  # confirmed before the crash: never again
    assert fake.texts_to(SITA) == ["on the wire at the crash"]
    assert [m["type"] for m in fake.messages if m["to"] == GOPI] == ["document", "text"]
    after = rows_by_citizen(database)
    assert [r.status for rs in after.values() for r in rs] == ["sent"] * 4
    assert {c: [r.uncertain_sends for r in rs] for c, rs in after.items()} == {
        RAVI: [0],
        SITA: [1],  # may have reached Meta before the crash: counted
        GOPI: [0, 0],  # claimed, never sent
    }
    with database.unit_of_work() as s:
        assert [p.pid for p in s.scalars(select(PlatformProcess))] == [os.getpid()]


class FrozenClock:
    def __init__(self) -> None:
        self.at = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.at

    def advance(self, delta: timedelta) -> None:
        self.at += delta


def test_a_process_elsewhere_loses_its_claims_only_when_its_heartbeat_stops(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    stopped = FrozenClock()
    monkeypatch.setattr(clock, "now", stopped.now)
    elsewhere = ProcessIdentity("e" * 32, "other-host", "other-host-key", 4242, None)
    with database.unit_of_work() as s:
        s.add(
            PlatformProcess(
                id=elsewhere.id,
                hostname=elsewhere.hostname,
                host=elsewhere.host,
                pid=elsewhere.pid,
                registered_at=stopped.now(),
                heartbeat_at=stopped.now(),
            )
        )
    queue(database, SITA, Text("sent by the other host"))
    [claimed] = outbox_store.claim(database, 10, elsewhere.id)
    assert outbox_store.write(database, elsewhere.id, [claimed.id], []) == {claimed.id}
    fake = FakeGraph()

    stopped.advance(timedelta(seconds=9))  # alive: a heartbeat within stale_after
    drain(OutboxSender(database, fake.client(), SETTINGS, stale_after=timedelta(seconds=10)))
    assert fake.messages == []

    stopped.advance(timedelta(seconds=2))
    drain(OutboxSender(database, fake.client(), SETTINGS, stale_after=timedelta(seconds=10)))
    assert fake.texts_to(SITA) == ["sent by the other host"]
    [row] = rows_by_citizen(database)[SITA]
    assert (row.status, row.uncertain_sends, row.claimed_by) == ("sent", 1, None)


def test_a_send_confirmed_after_its_claim_was_given_away_is_kept(database: Database) -> None:
    queue(database, RAVI, Text("one"))
    [claimed] = outbox_store.claim(database, 10, "declared-dead")
    outbox_store.write(database, "declared-dead", [claimed.id], [])
    outbox_store.release_orphaned_claims(database)  # not registered: given back
    outbox_store.write(
        database, "declared-dead", [], [outbox_store.Outcome(claimed.id, "sent", "wamid.LATE")]
    )
    assert outbox_store.claim(database, 10, "another") == []
    [row] = rows_by_citizen(database)[RAVI]
    assert (row.status, row.wamid) == ("sent", "wamid.LATE")


def test_a_process_that_ended_or_started_again_is_not_running() -> None:
    me = os.getpid()
    assert running(me, start_ticks(me))
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    assert not running(child.pid, None)
    ticks = start_ticks(me)
    if ticks is not None:  # Linux: the same PID, a different process
        assert not running(me, ticks + 1)


def test_a_clean_stop_unregisters_and_gives_back_what_it_could_not_finish(
    database: Database,
) -> None:
    class Unanswered(FakeGraph):
        async def handle(self, request: httpx.Request) -> httpx.Response:
            self.requests.append(request)
            await asyncio.Event().wait()  # Meta never answers
            raise AssertionError("unreachable")

    queue(database, SITA, Text("never answered"))
    fake = Unanswered()
    s = OutboxSender(database, fake.client(), SETTINGS, poll_interval=0.01, drain_timeout=0)

    async def main() -> None:
        stop = asyncio.Event()
        running_sender = asyncio.create_task(s.run(stop))
        while not (s.in_flight and fake.requests):
            await asyncio.sleep(0.01)
        stop.set()
        await running_sender
        await s.graph.aclose()

    asyncio.run(main())
    [row] = rows_by_citizen(database)[SITA]
    assert (row.status, row.claimed_by, row.uncertain_sends) == ("pending", None, 1)
    with database.unit_of_work() as session:
        assert list(session.scalars(select(PlatformProcess))) == []
