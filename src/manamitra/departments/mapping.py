"""Between a citizen's answers and a department's JSON: request templates filled from the
answers, response paths read into a Record's facts and rows, and the reverse (a record shaped as
the department would send it), which the sandbox's fixture server uses."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any
from urllib.parse import quote

from manamitra.departments.base import Record
from manamitra.departments.declaration import FactMap, Operation, ResponseMap

MISSING = object()


class MappingError(ValueError):
    """The department's answer does not have what the declaration says it has."""


class _Values:
    """`{answers.step}` in a template; an unanswered step is an empty string."""

    def __init__(self, answers: Mapping[str, Any]) -> None:
        self._answers = answers

    def __getattr__(self, name: str) -> str:
        value = self._answers.get(name)
        return "" if value is None else str(value)


def fill(template: str, identifier: str, answers: Mapping[str, Any], *, in_path: bool) -> str:
    text_of = (lambda s: quote(s, safe="")) if in_path else (lambda s: s)
    values = _Values({k: text_of("" if v is None else str(v)) for k, v in answers.items()})
    return template.format(identifier=text_of(identifier), answers=values)


def request_parts(
    operation: Operation, identifier: str, answers: Mapping[str, Any]
) -> tuple[str, dict[str, str], dict[str, str] | None]:
    """The path, query and JSON body of one call."""
    path = fill(operation.path, identifier, answers, in_path=True)
    query = {k: fill(v, identifier, answers, in_path=False) for k, v in operation.query.items()}
    body = (
        {k: fill(v, identifier, answers, in_path=False) for k, v in operation.body.items()}
        if operation.body
        else None
    )
    return path, query, body


def read_path(data: Any, path: str) -> Any:
    """`a.b.0.c` in nested JSON; MISSING where any part is absent."""
    current = data
    for part in path.split("."):
        if isinstance(current, dict) and part in current:
            current = current[part]
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            return MISSING
    return current


def _typed(value: Any, fact: FactMap, where: str) -> Any:
    if value is None:
        return None
    if fact.type == "date" and isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError as exc:
            raise MappingError(f"{where}: {value!r} is not an ISO date") from exc
    if fact.type == "number" and not isinstance(value, int | float):
        raise MappingError(f"{where}: {value!r} is not a number")
    return value


def read_fact(data: Any, fact: FactMap, where: str) -> Any:
    if fact.path is not None:
        raw = read_path(data, fact.path)
        if raw is MISSING:
            raise MappingError(f"{where}: `{fact.path}` is missing from the answer")
        if fact.values:
            coded = fact.values.get(str(raw))
            if coded is None:
                raise MappingError(f"{where}: {raw!r} is none of {sorted(fact.values)}")
            return {"en": coded.en, "te": coded.te}
        return _typed(raw, fact, where)
    texts = {}
    for lang, path in (("en", fact.en), ("te", fact.te)):
        raw = read_path(data, str(path))
        if raw is MISSING:
            raise MappingError(f"{where}: `{path}` is missing from the answer")
        texts[lang] = raw
    return texts


def read_record(response: ResponseMap, body: Any, register: str, identifier: str) -> Record:
    data = body
    if response.root is not None:
        data = read_path(body, response.root)
        if data is MISSING:
            raise MappingError(f"root: `{response.root}` is missing from the answer")
    facts = {name: read_fact(data, fact, f"facts.{name}") for name, fact in response.facts.items()}
    rows: tuple[dict[str, Any], ...] = ()
    if response.facts_at is not None:
        sent = read_path(data, response.facts_at)
        if not isinstance(sent, dict):
            raise MappingError(f"facts_at: `{response.facts_at}` is not an object in the answer")
        facts.update(sent)
    if response.rows_at is not None:
        sent_rows = read_path(data, response.rows_at)
        sent_rows = [] if sent_rows is MISSING else sent_rows
        if not isinstance(sent_rows, list) or not all(isinstance(r, dict) for r in sent_rows):
            raise MappingError(f"rows_at: `{response.rows_at}` is not a list of objects")
        rows = tuple(dict(row) for row in sent_rows)
    if response.rows is not None:
        raw_rows = read_path(data, response.rows.path)
        if not isinstance(raw_rows, list):
            raise MappingError(f"rows: `{response.rows.path}` is not a list in the answer")
        rows = tuple(
            {
                name: read_fact(row, fact, f"rows.{index}.{name}")
                for name, fact in response.rows.fields.items()
            }
            for index, row in enumerate(raw_rows)
        )
    return Record(source=register, identifier=identifier, facts=facts, rows=rows)


# ---- the reverse: a record as the department sends it (the sandbox's fixtures) -------------
def _put(target: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    for part in parts[:-1]:
        target = target.setdefault(part, {})
    target[parts[-1]] = value


def _wire(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _write_fact(target: dict[str, Any], fact: FactMap, value: Any) -> None:
    if fact.path is None:
        text = value if isinstance(value, dict) else {"en": value, "te": value}
        _put(target, str(fact.en), _wire(text.get("en")))
        _put(target, str(fact.te), _wire(text.get("te")))
        return
    if fact.values:
        code = next(
            (
                c
                for c, t in fact.values.items()
                if isinstance(value, dict) and t.en == value.get("en")
            ),
            None,
        )
        _put(target, fact.path, code if code is not None else _wire(value))
        return
    _put(target, fact.path, _wire(value))


def write_record(response: ResponseMap, record: Record) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, fact in response.facts.items():
        _write_fact(data, fact, record.facts.get(name))
    if response.rows is not None:
        rows = []
        for row in record.rows:
            out: dict[str, Any] = {}
            for name, fact in response.rows.fields.items():
                _write_fact(out, fact, row.get(name))
            rows.append(out)
        _put(data, response.rows.path, rows)
    if response.facts_at is not None:
        _put(data, response.facts_at, {k: _wire(v) for k, v in record.facts.items()})
    if response.rows_at is not None:
        _put(data, response.rows_at, [dict(row) for row in record.rows])
    if response.root is None:
        return data
    body: dict[str, Any] = {}
    _put(body, response.root, data)
    return body
