"""DuckDB over the lake: every event type a view by its own name, dots as underscores
(`application.submitted` → `application_submitted`), listed in information_schema.tables.

A type with no file yet is an empty view with the same typed columns, so a query (or a
dashboard) written for it works on day one. The hive partition columns come with each row:
`event_date` (DATE); `event_type` is the view's name and is left out.
"""

from __future__ import annotations

import json
import threading
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import duckdb

from manamitra.events.types import EVENT_TYPES
from manamitra.lake.layout import Lake
from manamitra.lake.schema import duckdb_columns


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def connect(lake: Lake, *, threads: int | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with one view per event type over the lake's files."""
    connection = duckdb.connect(":memory:")
    connection.execute("SET TimeZone = 'UTC'")  # times are UTC in the lake, as in the store
    if threads is not None:
        connection.execute(f"SET threads = {int(threads)}")
    for event_type in EVENT_TYPES.values():
        view = event_type.table
        if lake.has_files(event_type.name):
            connection.execute(
                f"CREATE VIEW {view} AS SELECT * EXCLUDE (event_type) FROM read_parquet("
                f"{_quote(lake.glob(event_type.name))}, hive_partitioning = true, "
                "hive_types = {'event_type': VARCHAR, 'event_date': DATE}, union_by_name = true)"
            )
        else:
            columns = ", ".join(
                f"CAST(NULL AS {kind}) AS {name}" for name, kind in duckdb_columns(event_type)
            )
            connection.execute(f"CREATE VIEW {view} AS SELECT {columns} WHERE false")
    return connection


_shared: dict[tuple[str, frozenset[str]], duckdb.DuckDBPyConnection] = {}
_shared_lock = threading.Lock()


def shared(lake: Lake) -> duckdb.DuckDBPyConnection:
    """A cursor on the process's long-lived connection to this lake (the console's pages):
    its views are made once, and DuckDB's object cache keeps the files' Parquet footers
    between requests. The views re-read their globs at every query, so new exports show at
    once; a type's first file makes a new connection (its view stops being the empty one)."""
    present = frozenset(name for name in EVENT_TYPES if lake.has_files(name))
    key = (str(lake.root), present)
    with _shared_lock:
        connection = _shared.get(key)
        if connection is None:
            for old in [k for k in _shared if k[0] == key[0]]:
                _shared.pop(old).close()
            connection = connect(lake)
            connection.execute("SET enable_object_cache = true")
            _shared[key] = connection
        return connection.cursor()


def query(
    lake: Lake, sql: str, parameters: list[Any] | None = None
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Column names and rows of one SQL statement over the lake."""
    connection = connect(lake)
    try:
        cursor = connection.execute(sql, parameters or [])
        names = [d[0] for d in cursor.description or []]
        return names, cursor.fetchall()
    finally:
        connection.close()


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def rows_as_json(names: list[str], rows: list[tuple[Any, ...]]) -> str:
    """A JSON array with one object per row."""
    return json.dumps(
        [{n: _plain(v) for n, v in zip(names, row, strict=True)} for row in rows],
        ensure_ascii=False,
        default=str,
    )
