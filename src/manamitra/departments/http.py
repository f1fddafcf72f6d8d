"""The platform's own record protocol, for a department that implements it, on the declared
engine (`declared.py`): every register the same two operations, every fact as sent.

    GET {base_url}/records/{source}/{identifier}    → 200 {"facts": {...}, "rows": [...]}
    GET {base_url}/documents/{source}/{identifier}  → 200 the same shape; 404 = no such record

Retries, backoff, timeouts, the idempotency key and the circuit are the engine's. A department
with an API of its own shape is declared instead (`declaration.py`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from manamitra.departments.auth import Credentials
from manamitra.departments.base import Record
from manamitra.departments.declaration import Declaration
from manamitra.departments.declared import DeclaredDepartment

TOKEN_VARIABLE = "MM_DEPT_RECORDS_TOKEN"


def records_declaration(
    area: str,
    source: str,
    base_url: str,
    *,
    timeout: float,
    attempts: int,
    backoff: float,
    token: bool,
) -> Declaration:
    response = {"facts_at": "facts", "rows_at": "rows"}
    auth: dict[str, Any] = (
        {"type": "api_key", "header": "Authorization", "key": TOKEN_VARIABLE}
        if token
        else {"type": "none"}
    )
    return Declaration.model_validate(
        {
            "id": "records",
            "name": {"en": "Department records", "te": "శాఖ రికార్డులు"},
            "base_url": base_url,
            "auth": auth,
            "timeout_seconds": timeout,
            "retries": {"attempts": attempts, "backoff_seconds": backoff},
            "operations": [
                {
                    "source": source,
                    "path": f"/{area}/{source}/{{identifier}}",
                    "response": response,
                }
            ],
        }
    )


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
        self.base_url = base_url.rstrip("/")
        self._timeout, self._attempts, self._backoff = timeout, max(1, attempts), backoff
        self._credentials = Credentials({TOKEN_VARIABLE: f"Bearer {token}"} if token else {})
        self._token = token is not None
        self._transport = transport
        self._sleep = sleep
        self._engines: dict[tuple[str, str], DeclaredDepartment] = {}

    def close(self) -> None:
        for engine in self._engines.values():
            engine.close()

    def _engine(self, area: str, source: str) -> DeclaredDepartment:
        key = (area, source)
        if key not in self._engines:
            declaration = records_declaration(
                area,
                source,
                self.base_url,
                timeout=self._timeout,
                attempts=self._attempts,
                backoff=self._backoff,
                token=self._token,
            )
            self._engines[key] = DeclaredDepartment(
                declaration, self._credentials, transport=self._transport, sleep=self._sleep
            )
        return self._engines[key]

    def lookup(
        self, source: str, identifier: str, answers: Mapping[str, Any] | None = None
    ) -> Record | None:
        return self._engine("records", source).lookup(source, identifier, answers)

    def document(
        self, source: str, identifier: str, answers: Mapping[str, Any] | None = None
    ) -> Record | None:
        return self._engine("documents", source).lookup(source, identifier, answers)
