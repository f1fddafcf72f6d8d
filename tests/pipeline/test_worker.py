"""Per-citizen workers: order kept, never two at once for a citizen, crashes lose and repeat nothing."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from manamitra import clock
from manamitra.conversation.engine import ConversationState
from manamitra.messaging.inbound import Inbound
from manamitra.messaging.reply import Reply, Text
from manamitra.pipeline.worker import ConversationWorker
from manamitra.store import Database
from manamitra.store.models import Conversation, InboundMessage, OutboundMessage


class SimulatedCrash(BaseException):
    """Stands for the process dying: not an Exception, so nothing catches it."""


class RecordingEngine:
    """Echoes each text and remembers what it saw in the session state."""

    def __init__(self, crash_on: str | None = None) -> None:
        self.crash_on = crash_on
        self.active: set[str] = set()
        self.overlaps = 0
        self.lock = threading.Lock()

    def handle(self, db: Session, convo: ConversationState, inbound: Inbound) -> list[Reply]:
        with self.lock:
            if convo.citizen in self.active:
                self.overlaps += 1
            self.active.add(convo.citizen)
        try:
            convo.state.setdefault("seen", []).append(inbound.text)
            if inbound.text == self.crash_on:
                self.crash_on = None
                raise SimulatedCrash
            return [Text(f"echo {inbound.text}")]
        finally:
            with self.lock:
                self.active.discard(convo.citizen)


def _store(database: Database, messages: list[tuple[str, str]]) -> None:
    base = clock.now()
    with database.unit_of_work() as db:
        citizens = {c for c, _ in messages}
        for citizen in citizens:
            db.add(Conversation(citizen=citizen, state={}))
        for index, (citizen, text) in enumerate(messages):
            inbound = Inbound(
                message_id=f"wamid.{index}",
                citizen=citizen,
                kind="text",
                text=text,
                sent_at=base + timedelta(milliseconds=index),
            )
            db.add(
                InboundMessage(
                    wamid=inbound.message_id,
                    citizen=citizen,
                    phone_number_id="1",
                    type="text",
                    payload=inbound.to_json(),
                    sent_at=inbound.sent_at,
                    received_at=base,
                )
            )


def _drain(worker: ConversationWorker) -> None:
    while worker.process_batch():
        pass


def _replies(database: Database, citizen: str) -> list[str]:
    with database.unit_of_work() as db:
        rows = db.scalars(
            select(OutboundMessage)
            .where(OutboundMessage.citizen == citizen)
            .order_by(OutboundMessage.id)
        )
        return [row.body["body"] for row in rows]


def _seen(database: Database, citizen: str) -> list[Any]:
    with database.unit_of_work() as db:
        return db.get(Conversation, citizen).state.get("seen", [])  # type: ignore[union-attr]


def test_each_citizen_is_answered_in_the_order_they_wrote(database: Database) -> None:
    citizens = [f"9190000000{i:02d}" for i in range(12)]
    _store(database, [(c, f"m{n}") for n in range(8) for c in citizens])
    engine = RecordingEngine()
    worker = ConversationWorker(database, engine, citizens_per_batch=5)  # type: ignore[arg-type]
    threads = [threading.Thread(target=_drain, args=(worker,)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for citizen in citizens:
        assert _replies(database, citizen) == [f"echo m{n}" for n in range(8)]
        assert _seen(database, citizen) == [f"m{n}" for n in range(8)]
    assert engine.overlaps == 0
    with database.unit_of_work() as db:
        assert db.scalar(select(func.count()).where(InboundMessage.status != "done")) == 0


def test_a_batch_past_its_time_budget_commits_and_leaves_the_rest_pending(
    database: Database,
) -> None:
    citizens = [f"9193000000{i:02d}" for i in range(6)]
    _store(database, [(c, f"m{n}") for n in range(3) for c in citizens])
    worker = ConversationWorker(database, RecordingEngine(), batch_seconds=0)  # type: ignore[arg-type]
    assert worker.process_batch() == 3  # one citizen's messages, then the budget is spent
    with database.unit_of_work() as db:
        assert db.scalar(select(func.count()).where(InboundMessage.status == "pending")) == 15
    _drain(worker)
    for citizen in citizens:
        assert _replies(database, citizen) == [f"echo m{n}" for n in range(3)]


def test_a_crash_mid_batch_loses_nothing_and_repeats_nothing(database: Database) -> None:
    citizens = ["919111111111", "919222222222"]
    _store(database, [(c, f"m{n}") for n in range(4) for c in citizens])
    engine = RecordingEngine(crash_on="m2")
    worker = ConversationWorker(database, engine)  # type: ignore[arg-type]
    with pytest.raises(SimulatedCrash):
        worker.process_batch()
    # The crashed transaction left no trace: no replies, no state, all still pending.
    for citizen in citizens:
        assert _replies(database, citizen) == []
        assert _seen(database, citizen) == []
    _drain(worker)
    for citizen in citizens:
        assert _replies(database, citizen) == [f"echo m{n}" for n in range(4)]
        assert _seen(database, citizen) == [f"m{n}" for n in range(4)]


def test_a_failing_message_is_retried_then_set_aside_without_blocking_later_ones(
    database: Database,
) -> None:
    class Faulty(RecordingEngine):
        def handle(self, db: Session, convo: ConversationState, inbound: Inbound) -> list[Reply]:
            if inbound.text == "bad":
                raise RuntimeError("bug")
            return super().handle(db, convo, inbound)

    _store(database, [("919333333333", "ok1"), ("919333333333", "bad"), ("919333333333", "ok2")])
    worker = ConversationWorker(database, Faulty())  # type: ignore[arg-type]
    for _ in range(10):
        worker.process_batch()
    assert _replies(database, "919333333333") == ["echo ok1", "echo ok2"]
    with database.unit_of_work() as db:
        bad = db.scalars(select(InboundMessage).where(InboundMessage.wamid == "wamid.1")).one()
        assert bad.status == "failed"
        assert bad.attempts == 5
        assert "bug" in (bad.last_error or "")


def test_the_sealed_text_of_a_processed_message_is_dropped(database: Database) -> None:
    _store(database, [("919800000001", "my aadhaar is XXXX XXXX 0957")])
    with database.unit_of_work() as db:
        row = db.scalars(select(InboundMessage)).one()
        row.payload = {**row.payload, "sealed": "c2VhbGVk"}
    _drain(ConversationWorker(database, RecordingEngine()))  # type: ignore[arg-type]
    with database.unit_of_work() as db:
        row = db.scalars(select(InboundMessage)).one()
        assert row.status == "done"
        assert row.payload["sealed"] is None
        assert row.payload["text"] == "my aadhaar is XXXX XXXX 0957"
