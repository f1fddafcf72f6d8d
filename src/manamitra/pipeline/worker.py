"""Per-citizen workers: take a citizen's pending messages in order and run the engine on them.

One transaction per batch holds, for every citizen in it, the conversation row lock, the
engine's effects, the replies written to the outbox, and the inbox rows marked done. A crash
anywhere rolls all of it back, so the messages are processed again and no effect repeats.
On PostgreSQL, `FOR UPDATE SKIP LOCKED` on the conversation row keeps two workers (in any
number of processes) off the same citizen; on SQLite the write transaction is exclusive.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import orjson
from sqlalchemy import Table, bindparam, select
from sqlalchemy.orm import Session

from manamitra import clock
from manamitra.conversation.engine import ConversationState, Engine
from manamitra.events import code_of, event_row, record_events
from manamitra.messaging.inbound import Inbound
from manamitra.messaging.outbox import OUTBOX_BUFFER, OUTBOX_NUMBERS, insert_rows, outbox_rows
from manamitra.privacy import mask_aadhaar_in
from manamitra.store import Database
from manamitra.store.models import Conversation, InboundMessage

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


class ConversationWorker:
    """Drains the inbox; `wake()` after new messages are stored, `run()` as a background job."""

    def __init__(
        self,
        database: Database,
        engine: Engine,
        *,
        citizens_per_batch: int = 200,
        batch_seconds: float = 0.004,
        on_replies: Callable[[], None] | None = None,
        on_processed: Callable[[list[InboundMessage]], None] | None = None,
    ) -> None:
        self.database = database
        self.engine = engine
        self.citizens_per_batch = citizens_per_batch
        # On SQLite the batch holds the one write lock, and the webhook's inbox commit waits
        # for it: past this much work the batch commits and the rest go in the next one.
        self.batch_seconds = batch_seconds
        # how many citizens to claim: about what fitted in the last batch's time, so a batch
        # does not read and lock far more than it will get through
        self._claim_size = citizens_per_batch
        self.on_replies = on_replies
        self._wakers: list[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = []

    def wake(self) -> None:
        """Safe from any thread: every running loop of this worker looks at the inbox now."""
        for loop, event in list(self._wakers):
            if not loop.is_closed():
                loop.call_soon_threadsafe(event.set)

    async def run(self, stop: asyncio.Event) -> None:
        wake = asyncio.Event()
        waker = (asyncio.get_running_loop(), wake)
        self._wakers.append(waker)
        try:
            await self._loop(stop, wake)
        finally:
            self._wakers.remove(waker)

    async def _loop(self, stop: asyncio.Event, wake: asyncio.Event) -> None:
        while not stop.is_set():
            wake.clear()
            processed = await asyncio.to_thread(self.process_batch)
            if processed:
                continue
            waiter = asyncio.ensure_future(wake.wait())
            stopper = asyncio.ensure_future(stop.wait())
            await asyncio.wait({waiter, stopper}, timeout=0.5, return_when=asyncio.FIRST_COMPLETED)
            waiter.cancel()
            stopper.cancel()

    # ---- one batch -----------------------------------------------------------------------
    def process_batch(self) -> int:
        """Process pending messages of up to `citizens_per_batch` citizens, or as many as fit
        in about `batch_seconds`; returns how many messages.

        The fast path runs the whole batch in one transaction without savepoints; if any
        message raises, that transaction is rolled back and the batch is run again with a
        savepoint per message, so one bad message is set aside and the rest go through.
        """
        try:
            return self._run_batch(isolate=False)
        except Exception:  # noqa: BLE001 - any failure: the slow path isolates the culprit
            log.warning("batch failed; processing it again message by message")
            return self._run_batch(isolate=True)

    def _run_batch(self, *, isolate: bool) -> int:
        done = 0
        replies_written = 0
        with self.database.unit_of_work() as db:
            conversations = self._claim(db)
            if not conversations:
                return 0
            pending = self._pending(db, [c.citizen for c in conversations])
            finished: list[int] = []
            outbox: list[dict[str, Any]] = []
            changed: list[dict[str, Any]] = []
            db.info[OUTBOX_BUFFER] = outbox
            db.info[OUTBOX_NUMBERS] = {}
            started = time.perf_counter()
            served = 0
            for convo in conversations:
                if finished and time.perf_counter() - started > self.batch_seconds:
                    break  # these citizens' messages stay pending for the next batch
                served += 1
                messages = pending.get(convo.citizen, [])
                processed, written = self._process_citizen(
                    db, convo, messages, outbox, isolate=isolate
                )
                finished.extend(processed)
                replies_written += written
                changed.append(convo.row(clock.now()))
            del db.info[OUTBOX_BUFFER], db.info[OUTBOX_NUMBERS]
            self._adapt_claim_size(served, len(conversations))
            # Core statements, each one executemany: the ORM's unit of work cost more than
            # the engine itself at thousands of messages a second
            db.execute(_SAVE_CONVERSATION, changed)
            insert_rows(db, outbox)
            if finished:
                now = clock.now()
                db.execute(_MARK_DONE, [{"_id": i, "_at": now} for i in finished])
                _drop_sealed_text(db, pending, set(finished))
                _record_received(db, pending, set(finished))
            done = len(finished)
        if replies_written and self.on_replies is not None:
            self.on_replies()
        return done

    def _claim(self, db: Session) -> list[_Convo]:
        waiting = (
            select(_INBOX.c.citizen)
            .where(_INBOX.c.status == "pending")
            .group_by(_INBOX.c.citizen)
            .order_by(_INBOX.c.citizen)
            .limit(self._claim_size * 4)
        )
        query = select(
            _CONVO.c.citizen,
            _CONVO.c.language,
            _CONVO.c.state,
            _CONVO.c.profile_name,
            _CONVO.c.phone_number_id,
            _CONVO.c.version,
        ).where(_CONVO.c.citizen.in_(waiting))
        if not self.database.is_sqlite:
            query = query.with_for_update(skip_locked=True)
        rows = db.execute(query).all()[: self._claim_size]
        return [_Convo(*row) for row in rows]

    def _adapt_claim_size(self, served: int, claimed: int) -> None:
        if served < claimed:
            self._claim_size = max(8, served + served // 2)
        elif claimed == self._claim_size:
            self._claim_size = min(self.citizens_per_batch, self._claim_size * 2)

    @staticmethod
    def _pending(db: Session, citizens: list[str]) -> dict[str, list[_Pending]]:
        by_citizen: dict[str, list[_Pending]] = {}
        rows = db.execute(
            select(
                _INBOX.c.id,
                _INBOX.c.citizen,
                _INBOX.c.payload,
                _INBOX.c.attempts,
                _INBOX.c.phone_number_id,
            )
            .where(_INBOX.c.citizen.in_(citizens), _INBOX.c.status == "pending")
            .order_by(_INBOX.c.citizen, _INBOX.c.sent_at, _INBOX.c.id)
        )
        for row in rows:
            by_citizen.setdefault(row.citizen, []).append(
                _Pending(row.id, row.payload, row.attempts, row.phone_number_id)
            )
        return by_citizen

    def _process_citizen(
        self,
        db: Session,
        convo: _Convo,
        pending: list[_Pending],
        outbox: list[dict[str, Any]],
        *,
        isolate: bool,
    ) -> tuple[list[int], int]:
        state = ConversationState(
            citizen=convo.citizen,
            language=convo.language,
            state=_copy(convo.state or {}),
            profile_name=convo.profile_name,
        )
        written = 0
        finished: list[int] = []
        numbers = db.info[OUTBOX_NUMBERS]
        for message in pending:
            convo.phone_number_id = numbers[convo.citizen] = message.phone_number_id
            if not isolate:
                rows = self._handle(db, convo.citizen, state, message)
                outbox.extend(rows)
                written += len(rows)
                finished.append(message.id)
                continue
            snapshot = (state.language, _copy(state.state), state.profile_name)
            mark = len(outbox)
            try:
                with db.begin_nested():
                    rows = self._handle(db, convo.citizen, state, message)
                outbox.extend(rows)
                written += len(rows)
                finished.append(message.id)
            except Exception as exc:  # a bug in one message must not stall the citizen
                del outbox[mark:]  # rows the failed message's kinds queued
                state.language, state.state, state.profile_name = snapshot
                attempts = message.attempts + 1
                log.exception("message failed", extra={"inbound_id": message.id})
                failed = attempts >= MAX_ATTEMPTS
                db.execute(
                    _INBOX.update()
                    .where(_INBOX.c.id == message.id)
                    .values(
                        attempts=attempts,
                        last_error=mask_aadhaar_in(f"{type(exc).__name__}: {exc}")[:2000],
                        status="failed" if failed else "pending",
                        processed_at=clock.now() if failed else None,
                    )
                )
                if not failed:
                    break  # keep order: retry this one before any later message
        convo.language = state.language
        convo.state = state.state
        convo.profile_name = state.profile_name
        return finished, written

    def _handle(
        self, db: Session, citizen: str, state: ConversationState, message: _Pending
    ) -> list[dict[str, Any]]:
        """Run the engine; its replies' outbox rows go into the batch's single INSERT, to leave
        from the business number the message came to."""
        replies = self.engine.handle(db, state, Inbound.from_json(message.payload))
        return outbox_rows(
            citizen,
            replies,
            source_inbound_id=message.id,
            phone_number_id=message.phone_number_id,
        )


_CONVO = cast(Table, Conversation.__table__)
_INBOX = cast(Table, InboundMessage.__table__)
_SAVE_CONVERSATION = (
    _CONVO.update()
    .where(_CONVO.c.citizen == bindparam("_citizen"))
    .values(
        language=bindparam("_language"),
        state=bindparam("_state"),
        profile_name=bindparam("_profile_name"),
        phone_number_id=bindparam("_phone_number_id"),
        updated_at=bindparam("_updated_at"),
        version=bindparam("_version"),
    )
)
_DROP_SEALED = (
    _INBOX.update().where(_INBOX.c.id == bindparam("_id")).values(payload=bindparam("_payload"))
)


def _drop_sealed_text(db: Session, pending: dict[str, list[_Pending]], finished: set[int]) -> None:
    """A processed message no longer needs the sealed copy of its text (pipeline/shield.py):
    only the masked text stays, until the retention purge."""
    rows = [
        {"_id": message.id, "_payload": {**message.payload, "sealed": None}}
        for messages in pending.values()
        for message in messages
        if message.payload.get("sealed") and message.id in finished
    ]
    if rows:
        db.execute(_DROP_SEALED, rows)


def _record_received(db: Session, pending: dict[str, list[_Pending]], finished: set[int]) -> None:
    """message.in for each processed message: its type and time, never what it said."""
    record_events(
        db,
        [
            event_row(
                "message.in",
                citizen=citizen,
                at=_sent_at(message.payload),
                dimensions={"kind": code_of(message.payload.get("kind"))},
            )
            for citizen, messages in pending.items()
            for message in messages
            if message.id in finished
        ],
    )


def _sent_at(payload: dict[str, Any]) -> datetime:
    try:
        return clock.as_utc(datetime.fromisoformat(payload["sent_at"]))
    except (KeyError, TypeError, ValueError):
        return clock.now()


_MARK_DONE = (
    _INBOX.update()
    .where(_INBOX.c.id == bindparam("_id"))
    .values(status="done", processed_at=bindparam("_at"))
)


@dataclass
class _Convo:
    """A claimed conversation row, read and written with Core statements."""

    citizen: str
    language: str | None
    state: dict[str, Any] | None
    profile_name: str | None
    phone_number_id: str | None
    version: int | None

    def row(self, now: datetime) -> dict[str, Any]:
        return {
            "_citizen": self.citizen,
            "_language": self.language,
            "_state": self.state,
            "_profile_name": self.profile_name,
            "_phone_number_id": self.phone_number_id,
            "_updated_at": now,
            "_version": (self.version or 0) + 1,
        }


@dataclass(frozen=True)
class _Pending:
    id: int
    payload: dict[str, Any]
    attempts: int
    phone_number_id: str


def _copy(state: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of JSON state (orjson round trip: far cheaper than copy.deepcopy)."""
    return orjson.loads(orjson.dumps(state, option=orjson.OPT_NON_STR_KEYS))  # type: ignore[no-any-return]
