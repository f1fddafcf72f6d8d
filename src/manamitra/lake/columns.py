"""One event type's rows of an id range, read from the store straight into Arrow columns.

The store hands each column over as ONE string: its values joined by the ASCII unit
separator (SQLite's group_concat, PostgreSQL's string_agg; a NULL as the record separator),
which Arrow splits and casts in C. Fetching rows instead makes a Python object of
every value, and that was most of the export's time. All of a query's aggregates step
through the same rows together, so the columns line up row for row; each column's count is
checked against the rows' all the same. Codes, pseudonyms and numbers never hold a control
character (events carry no free text), and a value that did would fail that check loudly
rather than shift a column.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from manamitra.events.types import DIMENSIONS, EVENT_TYPES
from manamitra.lake.schema import SCHEMAS

SEPARATOR = "\x1f"  # ASCII unit separator, between values
NULL = "\x1e"  # ASCII record separator, standing for a NULL


class UnreadableEvents(ValueError):
    """A column came back with another count of values than the rows: some value holds a
    separator. Nothing is written and the watermark stays; the export stops here."""


# The separators as literals in the SQL text (char(31) costs a call per value). No ORDER BY:
# the caller sorts; with one, SQLite copies the rows into a sorted temporary first (a third
# more time) and PostgreSQL sorts once per column.
_SQLITE_COLUMN = f"group_concat(ifnull({{}}, '{NULL}'), '{SEPARATOR}')"
_POSTGRES_COLUMN = f"string_agg(coalesce({{}}, '{NULL}'), '{SEPARATOR}')"


def _sqlite_sql(columns: tuple[str, ...]) -> str:
    packed = ", ".join(_SQLITE_COLUMN.format(c) for c in columns)
    return f"SELECT count(*), {packed} FROM domain_event WHERE id >= ? AND id <= ? AND type = ?"


def _postgres_sql(columns: tuple[str, ...]) -> str:
    def text(column: str) -> str:
        # UTC wall time as text, "2026-12-07 01:02:03.456789", whatever the session's zone
        if column == "occurred_at":
            return "(occurred_at AT TIME ZONE 'UTC')::text"
        return f"{column}::text"

    packed = ", ".join(_POSTGRES_COLUMN.format(text(c)) for c in columns)
    return f"SELECT count(*), {packed} FROM domain_event WHERE id >= %s AND id <= %s AND type = %s"


def read_type(cursor: Any, is_sqlite: bool, name: str, first: int, last: int) -> pa.Table | None:
    """Events of type `name` with ids in [first, last], typed as the lake's schema (with
    `event_date`), in no particular order, on a DB-API cursor of the store; None when there
    are none."""
    columns = ("id", "occurred_at", "citizen", *EVENT_TYPES[name].dimensions)
    sql = _sqlite_sql(columns) if is_sqlite else _postgres_sql(columns)
    cursor.execute(sql, (first, last, name))
    found = cursor.fetchone()
    count = int(found[0])
    if not count:
        return None
    texts = [
        _split(joined, count, name, column)
        for joined, column in zip(found[1:], columns, strict=True)
    ]
    schema = SCHEMAS[name]
    arrays = [texts[0].cast(pa.int64()), _utc(texts[1]), texts[2]]
    for text, dimension in zip(texts[3:], EVENT_TYPES[name].dimensions, strict=True):
        kind = DIMENSIONS[dimension]
        if kind == "code":
            arrays.append(text)
        elif kind == "int":
            arrays.append(text.cast(pa.int64()))
        else:  # a flag: 0/1 on SQLite, true/false on PostgreSQL
            arrays.append(text.cast(pa.bool_()))
    table = pa.Table.from_arrays(arrays, schema=schema)
    return table.append_column("event_date", pc.cast(table["occurred_at"], pa.date32()))


def _split(joined: str, count: int, name: str, column: str) -> pa.Array:
    values = pc.split_pattern(pa.array([joined], pa.large_string()), SEPARATOR).flatten()
    if len(values) != count:
        raise UnreadableEvents(
            f"{name}.{column}: {len(values)} values for {count} events (a value holds a "
            "control character); nothing of this batch was written"
        )
    values = values.cast(pa.string())
    missing = pc.equal(values, NULL)
    if pc.any(missing).as_py():
        values = pc.if_else(missing, pa.scalar(None, pa.string()), values)
    return values


def _utc(text: pa.Array) -> pa.Array:
    # the store's UTC wall time, as naive text: parsed, then marked as UTC
    return pc.assume_timezone(text.cast(pa.timestamp("us")), "UTC")
