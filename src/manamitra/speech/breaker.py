"""A circuit breaker: after a run of failures, calls fail at once for a cool-down, then one
trial call decides whether the provider is back. A provider that is down then costs the
citizens waiting on it nothing but a clear note, instead of a timeout each."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class CircuitOpenError(Exception):
    """Raised by `check()` while the circuit is open."""


class CircuitBreaker:
    def __init__(
        self,
        *,
        failures: int = 5,
        cool_down: float = 30.0,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self.threshold = failures
        self.cool_down = cool_down
        self._now = now
        self._failures = 0
        self._opened_at: float | None = None
        self._trial = False
        self._lock = threading.Lock()

    @property
    def state(self) -> str:
        """ "closed", "open" or "half-open" (a trial call may go through)."""
        with self._lock:
            return self._state()

    def _state(self) -> str:
        if self._opened_at is None:
            return "closed"
        if self._now() - self._opened_at >= self.cool_down:
            return "half-open"
        return "open"

    def check(self) -> None:
        """Before a call: CircuitOpenError while open; in half-open, only one trial passes."""
        with self._lock:
            state = self._state()
            if state == "closed":
                return
            if state == "half-open" and not self._trial:
                self._trial = True
                return
            raise CircuitOpenError("speech provider circuit open")

    def success(self) -> None:
        with self._lock:
            self._failures = 0
            self._opened_at = None
            self._trial = False

    def failure(self) -> None:
        with self._lock:
            self._failures += 1
            if self._trial or self._failures >= self.threshold:
                self._opened_at = self._now()
            self._trial = False
