"""Faults a test queues for the emulator: Graph errors, slow answers, failed deliveries.

A fault applies to the next `count` send requests (to one number, or to any number when `to` is
None). Its `mode` says how Meta would show it:

- `error`: the HTTP request itself fails (`http_status` with the Graph error `code`), as for
  130429 throughput, 131056 pair limit, 5xx;
- `failed_status`: the request is accepted and a `failed` status webhook follows, as for 131047
  (outside the 24-hour window) and 131026 (undeliverable);
- `timeout`: the answer is held for `delay` seconds, then the message is handled normally
  (clients with a shorter timeout see a timeout).
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from typing import Any, Literal

from manamitra.sandbox import graph_error

FaultMode = Literal["error", "failed_status", "timeout"]

# Where Meta reports each code, and with which HTTP status, when a test does not say.
DEFAULT_MODE: dict[int, FaultMode] = {
    graph_error.REENGAGEMENT: "failed_status",
    graph_error.UNDELIVERABLE: "failed_status",
    graph_error.MARKETING_CAP: "failed_status",
}
DEFAULT_STATUS: dict[int, int] = {
    graph_error.THROUGHPUT_LIMIT: 429,
    graph_error.PAIR_RATE_LIMIT: 400,
    graph_error.UNKNOWN: 500,
    graph_error.SERVICE_UNAVAILABLE: 503,
}


@dataclass
class Fault:
    mode: FaultMode
    code: int | None = None
    http_status: int = 400
    to: str | None = None
    count: int = 1
    delay: float = 0.0
    endpoint: Literal["messages", "media", "any"] = "messages"
    details: str | None = None

    @classmethod
    def build(
        cls,
        *,
        code: int | None = None,
        mode: FaultMode | None = None,
        http_status: int | None = None,
        **rest: Any,
    ) -> Fault:
        if mode is None:
            mode = "timeout" if code is None else DEFAULT_MODE.get(code, "error")
        if mode != "timeout" and code is None:
            raise ValueError("a fault needs a code unless it is a timeout")
        status = http_status or DEFAULT_STATUS.get(code or 0, 500 if (code or 0) >= 500 else 400)
        if code is not None and 500 <= code < 600:
            # "500" as a code is shorthand for an HTTP 500 with Meta's generic error code.
            status, code = (
                code,
                graph_error.SERVICE_UNAVAILABLE if code == 503 else (graph_error.UNKNOWN),
            )
        return cls(mode=mode, code=code, http_status=status, **rest)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def as_error(self) -> graph_error.GraphError:
        assert self.code is not None
        return graph_error.GraphError(
            self.code,
            details=self.details or graph_error.DETAILS.get(self.code),
            status=self.http_status,
        )


class FaultQueue:
    """Queued faults, consumed first-in first-out by the requests they match."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, fault: Fault) -> None:
        if fault.count < 1:
            raise ValueError("a fault's count must be at least 1")
        with self._lock:
            self._faults.append(fault)

    def take(self, endpoint: str, to: str | None) -> Fault | None:
        """The first fault matching this request, with one use consumed."""
        with self._lock:
            for index, fault in enumerate(self._faults):
                if fault.endpoint not in ("any", endpoint):
                    continue
                if fault.to is not None and fault.to != to:
                    continue
                fault.count -= 1
                if fault.count == 0:
                    del self._faults[index]
                return fault
        return None

    def pending(self) -> list[Fault]:
        with self._lock:
            return [Fault(**asdict(fault)) for fault in self._faults]

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
