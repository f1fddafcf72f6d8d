"""The contract test kit: a department's declared operations run against its test server,
and every way the answers differ from the declaration named.

    mismatches = check_department(declaration, "https://test.dept.example/api", credentials)
    for m in mismatches: print(m)        # "ration_card 2810453712: facts.status: …"

For each operation it calls every declared example (each must answer 200 and map completely:
every fact's path present, dates ISO, numbers numbers, coded values known, rows a list) and one
identifier no register holds (which must map to a `not_found` rule). The declaration's probe,
when declared, must answer 200.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from manamitra.departments.auth import Credentials
from manamitra.departments.declaration import Declaration, Operation
from manamitra.departments.declared import DeclaredDepartment
from manamitra.departments.mapping import MappingError, read_record
from manamitra.errors import DepartmentUnavailableError

UNKNOWN_IDENTIFIER = "MMCONTRACT0000000"


@dataclass(frozen=True)
class Mismatch:
    operation: str
    example: str
    problem: str

    def __str__(self) -> str:
        return f"{self.operation} {self.example}: {self.problem}"


@dataclass(frozen=True)
class Checked:
    operation: str
    example: str


def check_department(
    declaration: Declaration,
    url: str,
    credentials: Credentials,
    *,
    transport: httpx.BaseTransport | None = None,
) -> tuple[list[Checked], list[Mismatch]]:
    engine = DeclaredDepartment(
        declaration, credentials, base_url=url, transport=transport, sleep=lambda _s: None
    )
    checked: list[Checked] = []
    mismatches: list[Mismatch] = []
    try:
        if declaration.probe is not None:
            _probe(engine, mismatches)
        for operation in declaration.operations:
            if not operation.examples:
                mismatches.append(Mismatch(operation.source, "-", "no `examples` declared"))
            for example in operation.examples:
                checked.append(Checked(operation.source, example))
                problem = _example(engine, operation, example)
                if problem:
                    mismatches.append(Mismatch(operation.source, example, problem))
            checked.append(Checked(operation.source, UNKNOWN_IDENTIFIER))
            problem = _unknown(engine, operation)
            if problem:
                mismatches.append(Mismatch(operation.source, UNKNOWN_IDENTIFIER, problem))
    finally:
        engine.close()
    return checked, mismatches


def _send(engine: DeclaredDepartment, operation: Operation, example: str) -> httpx.Response | str:
    try:
        return engine.send(operation, example, {})
    except httpx.HTTPError as exc:
        return f"no answer ({type(exc).__name__}: {exc})"
    except DepartmentUnavailableError as exc:  # the token endpoint refused us
        return f"authentication failed ({exc})"


def _example(engine: DeclaredDepartment, operation: Operation, example: str) -> str | None:
    response = _send(engine, operation, example)
    if isinstance(response, str):
        return response
    if response.status_code != 200:
        return f"HTTP {response.status_code}, expected 200 with the record"
    try:
        body = response.json()
    except ValueError:
        return "the answer is not JSON"
    try:
        read_record(operation.response, body, operation.source, example)
    except MappingError as exc:
        return str(exc)
    return None


def _unknown(engine: DeclaredDepartment, operation: Operation) -> str | None:
    response = _send(engine, operation, UNKNOWN_IDENTIFIER)
    if isinstance(response, str):
        return response
    rule = engine.error_rule(operation, response)
    if response.status_code == 200:
        return "answered 200 for an identifier that cannot exist; expected a not-found answer"
    if rule is None or rule.means != "not_found":
        return f"HTTP {response.status_code} for an unknown identifier matches no `not_found` rule"
    return None


def _probe(engine: DeclaredDepartment, mismatches: list[Mismatch]) -> None:
    probe = str(engine.declaration.probe)
    try:
        response = engine.probe()
    except httpx.HTTPError as exc:
        mismatches.append(Mismatch("probe", probe, f"no answer ({type(exc).__name__})"))
        return
    if response.status_code != 200:
        mismatches.append(Mismatch("probe", probe, f"HTTP {response.status_code}, expected 200"))
