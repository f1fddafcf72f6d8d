"""The campaign sender's records on both stores: a batch claimed in one statement, wire marks
and outcomes written together, recipients never given a message twice by a stale claim, and
Meta's statuses applied in batches without moving a recipient backwards."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from manamitra import clock
from manamitra.alerts import queue, statuses
from manamitra.alerts.queue import Outcome, Sendable
from manamitra.alerts.statuses import Delivery
from manamitra.observability import Metrics
from manamitra.store import Database
from manamitra.store.models import AlertRecipient

CAMPAIGN = Sendable(7, "sending", "weather_alert", "te", "weather", ["Krishna"], None)


def _queue(database: Database, count: int) -> None:
    with database.unit_of_work() as db:
        for i in range(count):
            db.add(AlertRecipient(campaign_id=CAMPAIGN.id, citizen=f"9199000000{i:02d}"))


def _rows(database: Database) -> dict[str, AlertRecipient]:
    with database.unit_of_work() as db:
        return {r.citizen: r for r in db.scalars(select(AlertRecipient))}


def test_a_claimed_batch_is_marked_sent_retried_failed_or_given_back(database: Database) -> None:
    _queue(database, 6)
    claimed = queue.claim(database, CAMPAIGN, 4, "process-a")
    assert [c.attempts for c in claimed] == [1, 1, 1, 1]
    assert queue.claim(database, CAMPAIGN, 10, "process-b").__len__() == 2  # the other two
    sent, retried, failed, unsent = claimed
    marked = queue.write(
        database,
        "process-a",
        [sent.id, retried.id, failed.id],
        [
            Outcome(sent.id, "sent", wamid="wamid.A", phone_number_id="1065"),
            Outcome(
                retried.id,
                "retry",
                error_code=130429,
                next_attempt_at=clock.now() + timedelta(seconds=1),
            ),
            Outcome(failed.id, "failed", error_code=131026),
            Outcome(unsent.id, "unclaimed"),
        ],
    )
    assert marked == {sent.id, retried.id, failed.id}
    rows = _rows(database)
    assert (rows[sent.citizen].status, rows[sent.citizen].wamid) == ("sent", "wamid.A")
    assert rows[sent.citizen].phone_number_id == "1065" and rows[sent.citizen].claimed_by is None
    assert (rows[retried.citizen].status, rows[retried.citizen].error_code) == ("queued", 130429)
    assert (rows[failed.citizen].status, rows[failed.citizen].error_code) == ("failed", 131026)
    # never sent: back in the queue, the attempt not counted
    assert (rows[unsent.citizen].status, rows[unsent.citizen].attempts) == ("queued", 0)
    # a claim held by another process is not marked on the wire by this one
    others = [c for c in rows.values() if c.claimed_by == "process-b"]
    assert queue.write(database, "process-a", [others[0].id], []) == set()


def test_statuses_arrive_in_batches_and_never_move_a_recipient_back(database: Database) -> None:
    _queue(database, 2)
    one, two = queue.claim(database, CAMPAIGN, 2, "process-a")
    queue.write(
        database,
        "process-a",
        [one.id, two.id],
        [Outcome(one.id, "sent", wamid="wamid.1"), Outcome(two.id, "sent", wamid="wamid.2")],
    )
    at = clock.now()
    with database.engine.begin() as conn:
        theirs = statuses.apply(
            conn,
            [
                Delivery("wamid.1", "sent", at),
                Delivery("wamid.1", "delivered", at + timedelta(seconds=1)),
                Delivery("wamid.1", "read", at + timedelta(seconds=5)),
                Delivery("wamid.2", "failed", at, error_code=131049),
                Delivery("wamid.other", "read", at),  # not a campaign's: someone else's
            ],
        )
    assert theirs == {"wamid.1", "wamid.2"}
    with database.engine.begin() as conn:
        statuses.apply(conn, [Delivery("wamid.1", "delivered", at + timedelta(seconds=9))])
    rows = _rows(database)
    first, second = rows[one.citizen], rows[two.citizen]
    assert first.status == "read"  # a late "delivered" does not undo "read"
    assert first.delivered_at is not None and first.read_at is not None
    assert first.read_at - first.delivered_at == timedelta(seconds=4)  # each its own time
    assert (second.status, second.error_code) == ("failed", 131049)


def test_the_campaign_senders_own_counts_are_exported_as_counters() -> None:
    metrics = Metrics()
    failed: dict[str, int] = {}
    metrics.add_tallies("manamitra_campaign_failed", "given up, by code", "code", lambda: failed)
    failed["131026"] = 3
    scraped = metrics.render().decode()
    assert 'manamitra_campaign_failed_total{code="131026"} 3.0' in scraped
