"""The engine behind every declared department: one HTTP client per department, its
operations called as declared, answers mapped to Records, failures mapped and counted.

    department = DeclaredDepartment(declaration, credentials)          # real API
    department = DeclaredDepartment(declaration, credentials, transport=fixture_transport)
    department.lookup("ration_card", "2810453712", answers={"mobile": "98490…"})

Connection errors, timeouts, 429 and 5xx (and any status an error rule says `unavailable`) are
retried with exponential backoff; when the attempts are spent, or the department's circuit is
open, DepartmentUnavailableError (the engine tells the citizen and keeps their answers). An
error rule `refused` raises DepartmentRefusedError carrying the citizen's message; `not_found`
returns None. Every call goes into the department's DepartmentHealth.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from manamitra.departments.auth import Credentials, client_auth, tls_context
from manamitra.departments.base import Record
from manamitra.departments.declaration import Declaration, ErrorRule, Operation
from manamitra.departments.health import DepartmentHealth
from manamitra.departments.mapping import MappingError, read_path, read_record, request_parts
from manamitra.errors import DepartmentRefusedError, DepartmentUnavailableError

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class DeclaredDepartment:
    def __init__(
        self,
        declaration: Declaration,
        credentials: Credentials,
        *,
        base_url: str | None = None,
        transport: httpx.BaseTransport | None = None,
        health: DepartmentHealth | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.declaration = declaration
        self.base_url = (base_url or declaration.base_url).rstrip("/")
        # a transport given (in-process stand-in, tests) or a plain-HTTP test URL carries no
        # TLS: no client certificate to load
        secure = transport is None and self.base_url.startswith("https://")
        context = tls_context(declaration, credentials) if secure else None
        self._client = httpx.Client(
            base_url=self.base_url,
            timeout=httpx.Timeout(
                declaration.timeout_seconds, connect=min(declaration.timeout_seconds, 3.0)
            ),
            auth=client_auth(declaration, credentials, self.base_url),
            transport=transport,
            verify=context if context is not None else True,
        )
        self.health = health or DepartmentHealth(declaration.id, declaration.circuit)
        self._sleep = sleep
        self._clock = clock

    @property
    def registers(self) -> tuple[str, ...]:
        return tuple(op.source for op in self.declaration.operations)

    def close(self) -> None:
        self._client.close()

    def lookup(
        self, source: str, identifier: str, answers: Mapping[str, Any] | None = None
    ) -> Record | None:
        return self.call(self._operation(source, "lookup"), identifier, answers or {})

    def document(
        self, source: str, identifier: str, answers: Mapping[str, Any] | None = None
    ) -> Record | None:
        return self.call(self._operation(source, "document"), identifier, answers or {})

    def _operation(self, source: str, role: str) -> Operation:
        operation = self.declaration.operation(source)
        if operation is None or operation.role not in (role, "both"):
            raise DepartmentUnavailableError(f"{self.declaration.id}: no {role} for {source}")
        return operation

    # ---- one call, with retries ----------------------------------------------------------
    def call(
        self, operation: Operation, identifier: str, answers: Mapping[str, Any]
    ) -> Record | None:
        if not self.health.admit():
            raise DepartmentUnavailableError(
                f"{self.declaration.id}: circuit open", department=self.declaration.id
            )
        started = self._clock()
        try:
            record = self._attempts(operation, identifier, answers)
        except DepartmentUnavailableError as exc:
            self.health.failed(self._clock() - started, str(exc))
            raise
        except DepartmentRefusedError:
            self.health.succeeded(self._clock() - started)
            raise
        self.health.succeeded(self._clock() - started, found=record is not None)
        return record

    def _attempts(
        self, operation: Operation, identifier: str, answers: Mapping[str, Any]
    ) -> Record | None:
        retries = self.declaration.retries
        last: Exception | None = None
        for attempt in range(retries.attempts):
            if attempt:
                self._sleep(retries.backoff_seconds * (2 ** (attempt - 1)))
            try:
                response = self.send(operation, identifier, answers)
            except httpx.TransportError as exc:
                last = exc
                continue
            if response.status_code == 200:
                return self._record(operation, identifier, response)
            rule = self.error_rule(operation, response)
            if rule is not None and rule.means == "not_found":
                return None
            if rule is not None and rule.means == "refused" and rule.message is not None:
                raise DepartmentRefusedError(
                    rule.message.model_dump(), department=self.declaration.id
                )
            if rule is not None or response.status_code in RETRY_STATUSES:
                last = RuntimeError(f"HTTP {response.status_code}")
                continue
            raise DepartmentUnavailableError(
                f"{self.declaration.id}/{operation.source}: HTTP {response.status_code}",
                department=self.declaration.id,
            )
        raise DepartmentUnavailableError(
            f"{self.declaration.id}/{operation.source}: no answer after "
            f"{retries.attempts} attempts ({last})",
            department=self.declaration.id,
        ) from last

    def send(
        self, operation: Operation, identifier: str, answers: Mapping[str, Any]
    ) -> httpx.Response:
        """The request as declared (the contract kit sends it too)."""
        path, query, body = request_parts(operation, identifier, answers)
        timeout = operation.timeout_seconds or self.declaration.timeout_seconds
        return self._client.request(
            operation.method,
            path,
            params=query or None,
            json=body,
            timeout=timeout,
            headers={"Idempotency-Key": f"{operation.source}:{identifier}"},
        )

    def probe(self) -> httpx.Response:
        """The declared health path (or the base URL), without retries or counting."""
        return self._client.get(self.declaration.probe or "/")

    @staticmethod
    def error_rule(operation: Operation, response: httpx.Response) -> ErrorRule | None:
        code: Any = None
        for rule in operation.errors:
            if rule.status != response.status_code:
                continue
            if rule.code is None:
                return rule
            if code is None:
                try:
                    code = read_path(response.json(), str(rule.code_path))
                except ValueError:
                    code = ""
            if str(code) == rule.code:
                return rule
        return None

    def _record(self, operation: Operation, identifier: str, response: httpx.Response) -> Record:
        try:
            return read_record(operation.response, response.json(), operation.source, identifier)
        except (ValueError, MappingError) as exc:
            raise DepartmentUnavailableError(
                f"{self.declaration.id}/{operation.source}: unreadable answer: {exc}",
                department=self.declaration.id,
            ) from exc
