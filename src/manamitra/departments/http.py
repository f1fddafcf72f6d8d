"""A department's HTTP API as a RecordLookup/DocumentSource: timeouts, retries, clear failure.

    GET {base_url}/records/{source}/{identifier}    → 200 {"facts": {...}, "rows": [...]}
    GET {base_url}/documents/{source}/{identifier}  → 200 the same shape; 404 = no such record

Connection errors, timeouts and 5xx/429 answers are retried with exponential backoff; when the
attempts are spent the adapter raises DepartmentUnavailableError (the engine tells the citizen
and keeps their answers). Requests carry an idempotency key so a repeated turn is harmless.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import httpx

from manamitra.departments.base import Record
from manamitra.errors import DepartmentUnavailableError

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class HttpDepartmentSystems:
    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        timeout: float = 5.0,
        attempts: int = 3,
        backoff: float = 0.2,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._client = httpx.Client(
            base_url=base_url.rstrip("/"),
            timeout=httpx.Timeout(timeout, connect=min(timeout, 3.0)),
            headers=headers,
            transport=transport,
        )
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self._sleep = sleep

    def close(self) -> None:
        self._client.close()

    def lookup(self, source: str, identifier: str) -> Record | None:
        return self._get("records", source, identifier)

    def document(self, source: str, identifier: str) -> Record | None:
        return self._get("documents", source, identifier)

    def _get(self, area: str, source: str, identifier: str) -> Record | None:
        path = f"/{area}/{quote(source, safe='')}/{quote(identifier, safe='')}"
        last: Exception | None = None
        for attempt in range(self.attempts):
            if attempt:
                self._sleep(self.backoff * (2 ** (attempt - 1)))
            try:
                response = self._client.get(
                    path, headers={"Idempotency-Key": f"{source}:{identifier}"}
                )
            except httpx.TransportError as exc:
                last = exc
                continue
            if response.status_code == 404:
                return None
            if response.status_code in RETRY_STATUSES:
                last = RuntimeError(f"HTTP {response.status_code}")
                continue
            if response.status_code != 200:
                raise DepartmentUnavailableError(f"{source}: HTTP {response.status_code}")
            return self._record(source, identifier, response)
        raise DepartmentUnavailableError(
            f"{source}: no answer after {self.attempts} attempts"
        ) from last

    @staticmethod
    def _record(source: str, identifier: str, response: httpx.Response) -> Record:
        try:
            body: dict[str, Any] = response.json()
            facts = dict(body["facts"])
            rows = tuple(dict(row) for row in body.get("rows", []))
        except (ValueError, KeyError, TypeError) as exc:
            raise DepartmentUnavailableError(f"{source}: unreadable answer") from exc
        return Record(source=source, identifier=identifier, facts=facts, rows=rows)
