"""A token bucket shared by every concurrent send of one business number.

Virtual scheduling: each `acquire()` books the next free slot (one per 1/rate seconds, with a
small burst allowance) and sleeps until it. No lock is needed: booking is a read and a write
with no await between them. `pause()` pushes every future slot back, for when Meta answers
130429 (throughput reached). Clock and sleep are injectable so tests count sends in virtual time.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


class TokenBucket:
    def __init__(
        self,
        rate: float,
        *,
        burst: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.interval = 1.0 / rate
        # A tenth of a second's worth of burst: smooth enough that any one-second window
        # stays within rate + burst.
        self.burst = burst if burst is not None else max(1.0, rate / 10)
        self._clock = clock
        self._sleep = sleep
        self._next = clock()

    def reserve(self) -> float:
        """Book the next slot; the seconds to wait before using it."""
        now = self._clock()
        earliest = now - (self.burst - 1) * self.interval
        slot = max(self._next, earliest)
        self._next = slot + self.interval
        return max(0.0, slot - now)

    def try_reserve(self) -> bool:
        """Book a slot only if one is free now (within the burst): the lower-priority lane.
        Broadcasts take what chat replies leave, so a reply waits at most one burst."""
        now = self._clock()
        earliest = now - (self.burst - 1) * self.interval
        slot = max(self._next, earliest)
        if slot > now:
            return False
        self._next = slot + self.interval
        return True

    def free_in(self) -> float:
        """Seconds until a slot is free."""
        now = self._clock()
        return max(0.0, max(self._next, now - (self.burst - 1) * self.interval) - now)

    async def acquire(self) -> None:
        wait = self.reserve()
        if wait > 0:
            await self._sleep(wait)

    def pause(self, seconds: float) -> None:
        """No slot before `seconds` from now."""
        self._next = max(self._next, self._clock() + seconds)
