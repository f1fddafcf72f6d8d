"""Each department system's health in this process: calls, errors, latency and its circuit.
(`shared_health.py` publishes every process's into the database for the platform's view.)

The circuit opens after `failures` calls in a row that found the department unavailable; while
open, calls fail at once (the citizen is told at once, instead of after every retry), and after
`open_seconds` one trial call is let through (half-open): its success closes the circuit, its
failure opens it again. Counted per process (each process learns on its own calls).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from manamitra.departments.declaration import Circuit

CLOSED, OPEN, HALF_OPEN = "closed", "open", "half_open"
LATENCY_WINDOW = 200


@dataclass
class DepartmentHealth:
    department: str
    circuit: Circuit
    clock: Callable[[], float] = time.monotonic
    calls: int = 0
    errors: int = 0
    not_found: int = 0
    consecutive_failures: int = 0
    opened_at: float | None = None
    last_error: str | None = None
    last_error_at: float | None = None
    last_success_at: float | None = None
    latencies: deque[float] = field(default_factory=lambda: deque(maxlen=LATENCY_WINDOW))
    _trial: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def state(self) -> str:
        if self.opened_at is None:
            return CLOSED
        if self.clock() - self.opened_at >= self.circuit.open_seconds:
            return HALF_OPEN
        return OPEN

    def admit(self) -> bool:
        """May a call go out now? In half-open, only one trial at a time."""
        with self._lock:
            state = self.state
            if state == CLOSED:
                return True
            if state == HALF_OPEN and not self._trial:
                self._trial = True
                return True
            return False

    def succeeded(self, seconds: float, *, found: bool = True) -> None:
        with self._lock:
            self.calls += 1
            self.not_found += 0 if found else 1
            self.latencies.append(seconds)
            self.consecutive_failures = 0
            self.opened_at = None
            self._trial = False
            self.last_success_at = self.clock()

    def failed(self, seconds: float, reason: str) -> None:
        with self._lock:
            self.calls += 1
            self.errors += 1
            self.latencies.append(seconds)
            self.consecutive_failures += 1
            self.last_error = reason[:200]
            self.last_error_at = self.clock()
            if self._trial or self.consecutive_failures >= self.circuit.failures:
                self.opened_at = self.clock()
            self._trial = False

    def reading(self) -> dict[str, object]:
        """The counters as one consistent reading (calls may be counted meanwhile), times on
        this health's own clock, latencies in seconds."""
        with self._lock:
            return {
                "calls": self.calls,
                "errors": self.errors,
                "not_found": self.not_found,
                "state": self.state,
                "opened_at": self.opened_at,
                "last_error": self.last_error,
                "last_error_at": self.last_error_at,
                "last_success_at": self.last_success_at,
                "latencies": list(self.latencies),
            }

    def latency_ms(self, quantile: float) -> int | None:
        values = sorted(self.latencies)
        if not values:
            return None
        index = min(len(values) - 1, int(quantile * len(values)))
        return round(values[index] * 1000)

    def snapshot(self) -> dict[str, object]:
        now = self.clock()
        return {
            "department": self.department,
            "state": self.state,
            "calls": self.calls,
            "errors": self.errors,
            "not_found": self.not_found,
            "p50_ms": self.latency_ms(0.5),
            "p95_ms": self.latency_ms(0.95),
            "last_error": self.last_error,
            "seconds_since_error": None
            if self.last_error_at is None
            else round(now - self.last_error_at),
            "seconds_since_success": None
            if self.last_success_at is None
            else round(now - self.last_success_at),
        }


class HealthBoard:
    """Every declared department's health, in declaration order."""

    def __init__(self) -> None:
        self._by_department: dict[str, DepartmentHealth] = {}

    def add(self, health: DepartmentHealth) -> DepartmentHealth:
        self._by_department[health.department] = health
        return health

    def get(self, department: str) -> DepartmentHealth | None:
        return self._by_department.get(department)

    def snapshots(self) -> list[dict[str, object]]:
        return [h.snapshot() for h in self._by_department.values()]

    def __iter__(self) -> Iterator[DepartmentHealth]:
        return iter(self._by_department.values())
