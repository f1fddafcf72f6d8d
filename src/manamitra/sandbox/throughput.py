"""Meta's send limits, switched on when a test asks: business throughput and the pair limit.

Off by default, so demos and benchmarks are never throttled. When on, a send over the limit is
refused as Meta refuses it: 130429 (throughput, default 80 messages/s per business number) or
131056 (pair rate limit: about one message every 6 seconds to one user, bursts allowed).
"""

from __future__ import annotations

import threading
import time
from dataclasses import asdict, dataclass


@dataclass
class LimitSettings:
    throughput_per_second: float | None = None
    throughput_burst: int | None = None
    pair_interval_seconds: float | None = None
    pair_burst: int = 5


class _Bucket:
    def __init__(self, rate: float, burst: float) -> None:
        self.rate = rate
        self.burst = burst
        self.tokens = burst
        self.at = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


class SendLimits:
    def __init__(self) -> None:
        self.settings = LimitSettings()
        self._lock = threading.Lock()
        self._business: _Bucket | None = None
        self._pairs: dict[str, _Bucket] = {}

    def configure(self, settings: LimitSettings) -> None:
        with self._lock:
            self.settings = settings
            rate = settings.throughput_per_second
            self._business = (
                _Bucket(rate, settings.throughput_burst or max(rate, 1.0)) if rate else None
            )
            self._pairs.clear()

    def check(self, to: str) -> int | None:
        """The Graph error code that refuses this send, or None when it may go."""
        with self._lock:
            if self._business is not None and not self._business.take():
                return 130429
            interval = self.settings.pair_interval_seconds
            if interval:
                bucket = self._pairs.get(to)
                if bucket is None:
                    if len(self._pairs) > 100_000:
                        self._pairs.clear()
                    bucket = self._pairs[to] = _Bucket(1 / interval, self.settings.pair_burst)
                if not bucket.take():
                    return 131056
        return None

    def to_json(self) -> dict[str, object]:
        return asdict(self.settings)
