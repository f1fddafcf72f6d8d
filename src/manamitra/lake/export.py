"""`manamitra lake export`: the events table to Parquet, idempotent and resumable.

Events are read in batches of ids after the watermark. Before a batch writes anything, its id
range goes to `_state/pending.json`; its files are named by that range, written beside under a
hidden name and renamed into place; then the watermark moves and the pending note goes. A crash
anywhere leaves no half file visible, and the next run writes the same batch again under the same
names (replacing what it had renamed), so nothing is doubled and nothing is lost; a run with
nothing new writes nothing.

On PostgreSQL a transaction can commit an event with a lower id after one with a higher id is
visible; the export therefore leaves the last `lag` of events (30 s) for the next run.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from manamitra import clock
from manamitra.events.types import DIMENSIONS, EVENT_TYPES
from manamitra.lake.layout import (
    Lake,
    hidden_temp,
    part_name,
    part_range,
    publish_file,
    sync_filesystem,
)
from manamitra.lake.schema import SCHEMAS
from manamitra.store import Database

log = logging.getLogger(__name__)

# Ids per batch: each batch writes one file per (type, day) it holds, so larger batches mean
# fewer, larger files; a batch's rows are in memory at once (1M: ~400 MB at the peak).
BATCH = 1_000_000
POSTGRES_LAG = timedelta(seconds=30)
WATERMARK = "watermark.json"
PENDING = "pending.json"


@dataclass
class ExportResult:
    events: int = 0
    files: int = 0
    last_id: int = 0
    skipped: int = 0  # before --since
    partitions: set[tuple[str, str]] = field(default_factory=set)


def watermark(lake: Lake) -> int:
    state = lake.read_state(WATERMARK)
    return int(state["last_id"]) if state else 0


def watermark_time(lake: Lake) -> str | None:
    """When the last export finished, in IST words for a page ("07-12-2026 06:40 AM")."""
    state = lake.read_state(WATERMARK)
    if not state or "at" not in state:
        return None
    return clock.format_ist(datetime.fromisoformat(state["at"]))


def export(
    database: Database,
    lake: Lake,
    *,
    since: date | None = None,
    batch: int = BATCH,
    lag: timedelta | None = None,
) -> ExportResult:
    """Write every event after the watermark (and on or after `since`) to the lake."""
    result = ExportResult(last_id=watermark(lake))
    lag = lag if lag is not None else (timedelta(0) if database.is_sqlite else POSTGRES_LAG)
    with lake.locked():
        pending = lake.read_state(PENDING)
        if pending is not None:
            _export_range(
                database, lake, int(pending["first"]), int(pending["last"]), since, result
            )
        upper = _upper_bound(database, lag)
        first = watermark(lake) + 1
        while first <= upper:
            last = min(first + batch - 1, upper)
            lake.write_state(PENDING, {"first": first, "last": last})
            _export_range(database, lake, first, last, since, result)
            first = last + 1
        result.last_id = watermark(lake)
    return result


def _export_range(
    database: Database,
    lake: Lake,
    first: int,
    last: int,
    since: date | None,
    result: ExportResult,
) -> None:
    tables = []
    for name in EVENT_TYPES:
        rows = _read(database, name, first, last)
        if not rows:
            continue
        table = _to_arrow(name, rows, database.is_sqlite)
        if since is not None:
            keep = pc.greater_equal(table["event_date"], pa.scalar(since, pa.date32()))
            result.skipped += len(table) - pc.sum(keep).as_py()
            table = table.filter(keep)
        tables.append((name, table))
        result.events += len(table)
    _write_partitions(lake, tables, first, last, result)
    lake.write_state(WATERMARK, {"last_id": last, "at": clock.now().isoformat()})
    lake.drop_state(PENDING)


def _upper_bound(database: Database, lag: timedelta) -> int:
    connection = database.engine.raw_connection()
    try:
        cursor = connection.cursor()
        if lag:
            cutoff = clock.now() - lag
            if database.is_sqlite:
                cursor.execute(
                    "SELECT max(id) FROM domain_event WHERE occurred_at <= ?",
                    (cutoff.replace(tzinfo=None).isoformat(sep=" "),),
                )
            else:
                cursor.execute(
                    "SELECT max(id) FROM domain_event WHERE occurred_at <= %s", (cutoff,)
                )
        else:
            cursor.execute("SELECT max(id) FROM domain_event")
        found = cursor.fetchone()
        return int(found[0]) if found and found[0] is not None else 0
    finally:
        connection.close()


def _read(database: Database, name: str, first: int, last: int) -> list[tuple[Any, ...]]:
    # One type at a time, its own columns only, through the DB-API cursor (not the ORM): a
    # message event is four values, not twenty-four, on the path that costs the most. On
    # SQLite this reads outside any write transaction (WAL: writers go on).
    marker = "?" if database.is_sqlite else "%s"
    columns = ("id", "occurred_at", "citizen", *EVENT_TYPES[name].dimensions)
    sql = (
        f"SELECT {', '.join(columns)} FROM domain_event WHERE id >= {marker} "
        f"AND id <= {marker} AND type = {marker} ORDER BY id"
    )
    connection = database.engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute(sql, (first, last, name))
        return list(cursor.fetchall())
    finally:
        connection.close()


def _timestamps(values: Sequence[Any], is_sqlite: bool) -> pa.Array:
    if is_sqlite:
        # SQLite keeps UTC as naive text, "2026-12-07 01:02:03.456789"
        text = pa.array(values, pa.string())
        return pc.assume_timezone(text.cast(pa.timestamp("us")), "UTC")
    return pa.array(values, pa.timestamp("us", tz="UTC"))


def _to_arrow(name: str, rows: list[tuple[Any, ...]], is_sqlite: bool) -> pa.Table:
    schema = SCHEMAS[name]
    columns = list(zip(*rows, strict=True))
    arrays: list[pa.Array] = [
        pa.array(columns[0], pa.int64()),
        _timestamps(columns[1], is_sqlite),
        pa.array(columns[2], pa.string()),
    ]
    for offset, dimension in enumerate(EVENT_TYPES[name].dimensions, start=3):
        kind = DIMENSIONS[dimension]
        if kind == "code":
            arrays.append(pa.array(columns[offset], pa.string()))
        elif kind == "int":
            arrays.append(pa.array(columns[offset], pa.int64()))
        elif is_sqlite:  # SQLite keeps a flag as 0 or 1
            arrays.append(pa.array(columns[offset], pa.int64()).cast(pa.bool_()))
        else:
            arrays.append(pa.array(columns[offset], pa.bool_()))
    table = pa.Table.from_arrays(arrays, schema=schema)
    return table.append_column("event_date", pc.cast(table["occurred_at"], pa.date32()))


def _write_partitions(
    lake: Lake, tables: list[tuple[str, pa.Table]], first: int, last: int, result: ExportResult
) -> None:
    """Every (type, date) partition of the batch: all written under hidden names, flushed
    together (one syncfs), renamed into place, flushed again; then the caller moves the
    watermark."""
    written: list[Path] = []
    name = part_name(first, last)
    for type_name, of_type in tables:
        schema = SCHEMAS[type_name]
        for day in pc.unique(of_type["event_date"]).to_pylist():
            rows = of_type.filter(pc.equal(of_type["event_date"], pa.scalar(day, pa.date32())))
            directory = lake.partition(type_name, day)
            directory.mkdir(parents=True, exist_ok=True)
            path = directory / name
            _write_temp(rows.select(schema.names), path)
            written.append(path)
            result.partitions.add((type_name, day.isoformat()))
    if not written:
        return
    sync_filesystem(lake.root)
    for path in written:
        os.replace(hidden_temp(path), path)
    sync_filesystem(lake.root)
    result.files += len(written)


def _write_temp(table: pa.Table, path: Path) -> None:
    # an OSFile sink: pyarrow need not work out a filesystem from the path for every file
    with pa.OSFile(str(hidden_temp(path)), "wb") as sink:
        pq.write_table(table, sink, compression="zstd", row_group_size=1_000_000)


def write_parquet(table: pa.Table, path: Path) -> None:
    """zstd Parquet under a hidden name, then renamed into place."""
    _write_temp(table, path)
    publish_file(hidden_temp(path), path)


def covered_parts(directory: Path) -> list[Path]:
    """Files of a partition whose id range lies inside another file's (a compaction's inputs
    left by a crash after its output was renamed into place): they are duplicates."""
    parts = [(r, p) for p in directory.glob("part-*.parquet") if (r := part_range(p))]
    covered = []
    for (first, last), path in parts:
        for (other_first, other_last), other in parts:
            inside = other_first <= first and last <= other_last
            if other is not path and inside and (other_first, other_last) != (first, last):
                covered.append(path)
                break
    return covered


def event_types_present(lake: Lake) -> list[str]:
    return [name for name in EVENT_TYPES if lake.has_files(name)]


def as_date(text: str) -> date:
    return datetime.strptime(text, "%Y-%m-%d").date()
