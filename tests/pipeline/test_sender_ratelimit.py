"""The send rate: a token bucket in virtual time, and the sender honouring it."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from manamitra.channels.whatsapp.ratelimit import TokenBucket
from manamitra.channels.whatsapp.sender import OutboxSender
from manamitra.messaging.outbox import enqueue
from manamitra.messaging.reply import Text
from manamitra.store import Database
from tests.pipeline.graph_fake import SETTINGS, FakeGraph


class VirtualTime:
    """A clock that jumps to each sleeper's wake time; sleepers wake in wake-time order
    (a real sleep a thousand times shorter keeps that order without the wall time)."""

    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        target = self.now + seconds
        await asyncio.sleep(seconds / 1000)
        self.now = max(self.now, target)


def most_in_any_window(times: Sequence[float], window: float = 1.0) -> int:
    times = sorted(times)
    best, start = 0, 0
    for end, t in enumerate(times):
        while t - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


def test_bucket_spaces_slots_at_the_rate() -> None:
    vt = VirtualTime()
    bucket = TokenBucket(80, clock=vt.clock, sleep=vt.sleep)
    slots = [bucket.reserve() for _ in range(400)]  # 400 callers at once
    assert most_in_any_window(slots) <= 80 + bucket.burst
    assert 4.8 < max(slots) < 5.0  # 400 sends at 80/s take five seconds, less the burst


def test_bucket_refills_after_idle_but_only_to_the_burst() -> None:
    vt = VirtualTime()
    bucket = TokenBucket(10, clock=vt.clock, sleep=vt.sleep)
    for _ in range(5):
        bucket.reserve()
    vt.now = 100.0
    waits = [bucket.reserve() for _ in range(3)]
    assert waits[0] == 0.0  # one slot free now; the burst of 1 is all that was kept
    assert waits[1] > 0


def test_pause_holds_every_slot_back() -> None:
    vt = VirtualTime()
    bucket = TokenBucket(1000, clock=vt.clock, sleep=vt.sleep)
    bucket.pause(2.0)
    assert bucket.reserve() >= 2.0


def test_sender_never_exceeds_the_rate(database: Database) -> None:
    vt = VirtualTime()
    fake = FakeGraph()
    seen: list[float] = []
    handle = fake.handle

    async def timed(request):  # type: ignore[no-untyped-def]
        seen.append(vt.now)
        return await handle(request)

    fake.handle = timed  # type: ignore[method-assign]
    with database.unit_of_work() as s:
        for i in range(150):
            enqueue(s, f"9190000{i:05d}", [Text("hi")])
    bucket = TokenBucket(50, clock=vt.clock, sleep=vt.sleep)
    sender = OutboxSender(database, fake.client(), SETTINGS, bucket=bucket, max_in_flight=64)

    async def main() -> None:
        await sender.run_until_idle()
        await sender.graph.aclose()

    asyncio.run(main())
    assert len(fake.messages) == 150
    assert most_in_any_window(seen) <= 50 + bucket.burst
    assert vt.now >= (150 - bucket.burst) / 50 - 0.1
