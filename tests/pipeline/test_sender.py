"""The outbox sender against a fake Graph: order, retries, permanent errors, media, waking."""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select

from manamitra import clock
from manamitra.channels.whatsapp import outbox_store
from manamitra.channels.whatsapp.sender import OutboxSender
from manamitra.messaging.outbox import enqueue
from manamitra.messaging.reply import Document, MarkRead, Reply, Text
from manamitra.observability import Metrics
from manamitra.store import Database
from manamitra.store.models import MediaBlob, OutboundMessage
from tests.pipeline.graph_fake import SETTINGS, FakeGraph, graph_error

RAVI = "919876543210"


class FrozenClock:
    """The platform clock, stopped: backoff assertions must not race a loaded machine."""

    def __init__(self) -> None:
        self.at = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.at

    def advance(self, delta: timedelta) -> None:
        self.at += delta


@pytest.fixture(autouse=True)
def _frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    stopped = FrozenClock()
    monkeypatch.setattr(clock, "now", stopped.now)
    monkeypatch.setattr(clock, "advance", stopped.advance)


SITA = "919848022338"


def queue(database: Database, citizen: str, *replies: Reply) -> list[int]:
    with database.unit_of_work() as s:
        return enqueue(s, citizen, replies)


def rows(database: Database) -> list[OutboundMessage]:
    with database.unit_of_work() as s:
        return list(s.scalars(select(OutboundMessage).order_by(OutboundMessage.id)))


def sender(database: Database, fake: FakeGraph, **kwargs: object) -> OutboxSender:
    kwargs.setdefault("jitter", lambda: 0.5)  # no randomness: delay = base * 2**(n-1)
    return OutboxSender(database, fake.client(), SETTINGS, **kwargs)  # type: ignore[arg-type]


def drain(s: OutboxSender) -> None:
    async def main() -> None:
        try:
            await s.run_until_idle()
        finally:
            await s.graph.aclose()

    asyncio.run(main())


def test_sent_message_records_its_wamid(database: Database) -> None:
    fake = FakeGraph()
    queue(database, RAVI, Text("నమస్కారం"), MarkRead("wamid.IN1"))
    s = sender(database, fake)
    drain(s)
    text, read = rows(database)
    assert (text.status, text.wamid, text.attempts) == ("sent", "wamid.OUT0001", 1)
    assert text.sent_at is not None and text.lease_until is None
    assert (read.status, read.wamid) == ("sent", None)
    assert fake.messages[0] == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": RAVI,
        "type": "text",
        "text": {"preview_url": False, "body": "నమస్కారం"},
    }


def test_order_per_citizen_holds_under_concurrency(database: Database) -> None:
    fake = FakeGraph(max_delay=0.005)
    citizens = [f"9190000{i:05d}" for i in range(25)]
    for round_ in range(4):
        for citizen in citizens:
            queue(database, citizen, Text(f"{round_}"), Text(f"{round_}b"))
    s = sender(database, fake, max_in_flight=64)
    drain(s)
    for citizen in citizens:
        assert fake.texts_to(citizen) == ["0", "0b", "1", "1b", "2", "2b", "3", "3b"]
    assert all(r.status == "sent" for r in rows(database))


@pytest.mark.parametrize(
    "fault",
    [
        httpx.Response(429, json={"error": {"message": "Too many", "code": 80007}}),
        httpx.Response(503, text="upstream"),
        graph_error(500, 131000, "Something went wrong"),
        httpx.ReadTimeout("slow"),
        httpx.ConnectError("refused"),
    ],
    ids=["429", "503", "131000", "timeout", "connect"],
)
def test_transient_errors_are_retried_with_backoff(
    database: Database, fault: httpx.Response | Exception
) -> None:
    fake = FakeGraph()
    fake.faults[RAVI] = [fault]
    queue(database, RAVI, Text("one"))
    s = sender(database, fake)
    drain(s)
    [row] = rows(database)
    assert row.status == "pending" and row.attempts == 1
    wait = (row.next_attempt_at - clock.now()).total_seconds()
    assert 0.5 < wait <= 2.5
    drain(sender(database, fake))  # not due yet: nothing is sent
    assert fake.messages == []
    clock.advance(timedelta(seconds=3))
    drain(sender(database, fake))
    [row] = rows(database)
    assert (row.status, row.attempts, row.wamid) == ("sent", 2, "wamid.OUT0001")


def test_backoff_grows_exponentially(database: Database) -> None:
    fake = FakeGraph()
    fake.faults[RAVI] = [httpx.Response(500)] * 3
    queue(database, RAVI, Text("one"))
    waits = []
    for _ in range(3):
        drain(sender(database, fake))
        [row] = rows(database)
        wait = (row.next_attempt_at - clock.now()).total_seconds()
        waits.append(round(wait))
        clock.advance(timedelta(seconds=wait + 0.01))
    assert waits == [1, 2, 4]


@pytest.mark.parametrize(("code", "at_least"), [(131056, 6.0), (130429, 2.0)])
def test_rate_limit_errors_back_off_longer(database: Database, code: int, at_least: float) -> None:
    fake = FakeGraph()
    fake.faults[RAVI] = [graph_error(400, code, "rate limit")]
    queue(database, RAVI, Text("one"))
    s = sender(database, fake)
    drain(s)
    [row] = rows(database)
    assert (row.status, row.error_code) == ("pending", code)
    assert (row.next_attempt_at - clock.now()).total_seconds() >= at_least


def test_throughput_error_pauses_every_send(database: Database) -> None:
    fake = FakeGraph()
    fake.faults[RAVI] = [graph_error(400, 130429, "throughput")]
    queue(database, RAVI, Text("one"))
    s = sender(database, fake)
    started = time.monotonic()
    drain(s)
    # the 2 s pause began during the drain: whatever of it is left, however slow the machine
    assert s.bucket.reserve() >= 2.0 - (time.monotonic() - started) - 0.01


@pytest.mark.parametrize("code", [131026, 131051, 100, 131047, 131009, 190])
def test_permanent_errors_are_not_retried(database: Database, code: int) -> None:
    fake = FakeGraph()
    fake.faults[RAVI] = [graph_error(400, code, "no")]
    queue(database, RAVI, Text("one"), Text("two"))
    s = sender(database, fake)
    drain(s)
    first, second = rows(database)
    assert (first.status, first.error_code, first.attempts) == ("failed", code, 1)
    # The citizen's next message goes once the earlier one is given up on.
    assert second.status == "sent"
    assert len(fake.requests) == 2


def test_a_retrying_message_holds_back_the_citizens_later_ones(database: Database) -> None:
    fake = FakeGraph()
    fake.faults[RAVI] = [httpx.Response(500)]
    queue(database, RAVI, Text("first"), Text("second"))
    queue(database, SITA, Text("other"))
    drain(sender(database, fake))
    assert fake.texts_to(RAVI) == []
    assert fake.texts_to(SITA) == ["other"]
    clock.advance(timedelta(seconds=5))
    drain(sender(database, fake))
    assert fake.texts_to(RAVI) == ["first", "second"]


def test_gives_up_after_max_attempts(database: Database) -> None:
    fake = FakeGraph()
    fake.faults[RAVI] = [httpx.Response(500)] * 5
    queue(database, RAVI, Text("one"))
    for _ in range(3):
        drain(sender(database, fake, max_attempts=3))
        clock.advance(timedelta(minutes=10))
    [row] = rows(database)
    assert (row.status, row.attempts) == ("failed", 3)
    assert "gave up after 3 attempts" in (row.last_error or "")


def test_unrenderable_reply_fails_without_calling_graph(database: Database) -> None:
    fake = FakeGraph()
    queue(database, RAVI, Text("x" * 5000))
    drain(sender(database, fake))
    [row] = rows(database)
    assert row.status == "failed" and "4096" in (row.last_error or "")
    assert fake.requests == []


def add_pdf_blob(database: Database, key: str) -> None:
    """A small stored PDF that replies can send as a document."""
    with database.unit_of_work() as s:
        s.add(
            MediaBlob(
                key=key,
                mime_type="application/pdf",
                filename="income.pdf",
                sha256="0" * 64,
                size=9,
                content=b"%PDF-1.7\n",
                created_at=clock.now(),
            )
        )


def test_media_is_uploaded_once_and_again_after_29_days(database: Database) -> None:
    add_pdf_blob(database, "cert-1")
    fake = FakeGraph()
    queue(database, RAVI, Document("cert-1", "income.pdf"))
    queue(database, SITA, Document("cert-1", "income.pdf"))
    drain(sender(database, fake))
    assert len(fake.uploads) == 1 and b"%PDF-1.7" in fake.uploads[0]
    assert [m["document"]["id"] for m in fake.messages] == ["media-1", "media-1"]
    with database.unit_of_work() as s:
        blob = s.get(MediaBlob, "cert-1")
        assert blob is not None and blob.graph_media_id == "media-1"
    clock.advance(timedelta(days=30))
    queue(database, RAVI, Document("cert-1", "income.pdf"))
    drain(sender(database, fake))
    assert len(fake.uploads) == 2
    assert fake.messages[-1]["document"]["id"] == "media-2"


def test_missing_media_fails_the_message(database: Database) -> None:
    fake = FakeGraph()
    queue(database, RAVI, Document("nope", "x.pdf"))
    drain(sender(database, fake))
    [row] = rows(database)
    assert row.status == "failed" and "not in the store" in (row.last_error or "")


def test_a_claim_lasts_as_long_as_its_process_not_a_lease(database: Database) -> None:
    queue(database, RAVI, Text("one"))
    first = outbox_store.claim(database, 10, "process-a")
    assert [c.attempts for c in first] == [1]
    clock.advance(timedelta(minutes=10))
    assert outbox_store.claim(database, 10, "process-b") == []


def test_concurrent_claims_never_share_a_row(database: Database) -> None:
    for i in range(60):
        queue(database, f"9190000{i:05d}", Text("a"), Text("b"))
    results: list[list[int]] = []
    lock = threading.Lock()

    def claimer() -> None:
        mine: list[int] = []
        for _ in range(5):
            mine.extend(c.id for c in outbox_store.claim(database, 7, "process-a"))
        with lock:
            results.append(mine)

    threads = [threading.Thread(target=claimer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    claimed = [i for r in results for i in r]
    assert len(claimed) == len(set(claimed)) == 60  # one per citizen: the older ones


def test_notify_wakes_the_running_sender(database: Database) -> None:
    fake = FakeGraph()
    metrics = Metrics()
    s = sender(database, fake, poll_interval=30.0, metrics=metrics)

    async def main() -> float:
        stop = asyncio.Event()
        task = asyncio.create_task(s.run(stop))
        await asyncio.sleep(0.05)
        started = asyncio.get_running_loop().time()
        await asyncio.to_thread(queue, database, RAVI, Text("hello"))
        s.notify()
        while not fake.messages:
            await asyncio.sleep(0.005)
        elapsed = asyncio.get_running_loop().time() - started
        stop.set()
        await task
        await s.graph.aclose()
        return elapsed

    assert asyncio.run(main()) < 5.0  # far below the 30 s poll
    assert rows(database)[0].status == "sent"
    assert metrics.registry.get_sample_value("manamitra_outbound_sent_total", {"kind": "text"}) == 1


def test_each_claim_takes_at_most_claim_batch_rows(database: Database) -> None:
    citizens = [f"91990000000{i}" for i in range(5)]
    for citizen in citizens:
        queue(database, citizen, Text("hello"))
    fake = FakeGraph()
    s = sender(database, fake, claim_batch=2)

    async def main() -> int:
        try:
            await s.step()
            claimed = s.in_flight
            await s.run_until_idle()
            return claimed
        finally:
            await s.graph.aclose()

    assert asyncio.run(main()) == 2
    assert sorted(m["to"] for m in fake.messages) == citizens
