"""Graph API failures, classified once for every caller.

GraphApiError
└── GraphCallError
    ├── retry=True   network errors, timeouts, HTTP 429 and 5xx, transient codes
    │                (131000, 2, 1, 4, 80007, 133004…); 130429 and 131056 also
    │                carry a longer backoff (throughput and pair rate limits)
    └── retry=False  everything else: 131026 undeliverable, 131051 unsupported type,
                     131047 outside the 24-hour window, 100/131009 bad parameter,
                     190 expired token, 10/200 permissions…
"""

from __future__ import annotations

from collections.abc import Mapping

import orjson

from manamitra.errors import GraphApiError

# Transient per Meta's error-code reference: try again later, the request was fine.
RETRYABLE_CODES = frozenset(
    {1, 2, 4, 17, 341, 131000, 131016, 131048, 131056, 130429, 133004, 80007, 135000}
)
# Rate limits want a longer pause than a plain transient error.
SLOW_DOWN_SECONDS: dict[int, float] = {130429: 2.0, 80007: 2.0, 4: 2.0, 131056: 6.0, 131048: 6.0}


class GraphCallError(GraphApiError):
    """A failed Graph API call; `backoff` is the minimum wait Meta's answer asks for."""

    def __init__(
        self,
        message: str,
        *,
        status: int,
        error_code: int | None,
        retry: bool,
        backoff: float | None = None,
        fbtrace_id: str | None = None,
        title: str | None = None,
    ) -> None:
        super().__init__(message, status=status, error_code=error_code, retry=retry)
        self.backoff = backoff
        self.fbtrace_id = fbtrace_id
        self.title = title


def classify(status: int, code: int | None) -> tuple[bool, float | None]:
    """(retry?, backoff hint) for an HTTP status and a Graph error code."""
    backoff = SLOW_DOWN_SECONDS.get(code) if code is not None else None
    if code in RETRYABLE_CODES:
        return True, backoff
    if code is not None and 400 <= status < 500 and status != 429:
        return False, None
    if status == 429:
        return True, backoff or 1.0
    if status >= 500:
        return True, backoff
    return False, None


def _retry_after(headers: Mapping[str, str]) -> float | None:
    value = headers.get("retry-after")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def error_from_reply(status: int, headers: Mapping[str, str], content: bytes) -> GraphCallError:
    """The error for a >= 400 answer, from Meta's `{"error": {...}}` shape where present."""
    try:
        data = orjson.loads(content)
    except orjson.JSONDecodeError:
        data = None
    error = data.get("error") if isinstance(data, dict) else None
    error = error if isinstance(error, dict) else {}
    code = error.get("code") if isinstance(error.get("code"), int) else None
    retry, backoff = classify(status, code)
    backoff = max(filter(None, (backoff, _retry_after(headers))), default=None)
    error_data = error.get("error_data")
    details = error_data.get("details") if isinstance(error_data, dict) else None
    message = str(error.get("message") or f"HTTP {status}")
    return GraphCallError(
        message + (f": {details}" if details else ""),
        status=status,
        error_code=code,
        retry=retry,
        backoff=backoff,
        fbtrace_id=error.get("fbtrace_id"),
        title=error.get("error_user_title"),
    )


def network_error(what: str, exc: BaseException) -> GraphCallError:
    """No answer at all (refused, reset, timed out): always worth another try."""
    return GraphCallError(
        f"Graph API {what}: {type(exc).__name__}", status=0, error_code=None, retry=True
    )


def unexpected(message: str, *, status: int = 200, retry: bool = False) -> GraphCallError:
    return GraphCallError(message, status=status, error_code=None, retry=retry)
