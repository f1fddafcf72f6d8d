"""Keeping the lake tidy: compaction (a partition's small files into one, its rows clustered
for the dashboards) and retention (whole date partitions dropped). Both hold the lake's lock,
so they never meet an export."""

from __future__ import annotations

import shutil
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from manamitra import clock
from manamitra.events.types import EVENT_TYPES
from manamitra.lake.export import PENDING, covered_parts, write_parquet
from manamitra.lake.layout import Lake, part_name, part_range

# A compacted file's rows are sorted by the dimensions the dashboards filter on (a reader's
# department and district, a funnel's form), in row groups small enough that DuckDB skips the
# groups whose min/max rule them out: a form's funnel at 10M events read half the citizens'
# column, and took half the time, once step_reached was clustered by service.
CLUSTER_BY = ("department", "district", "service", "position")
CLUSTERED_ROW_GROUP = 8192
SORTED_BY_KEY = b"manamitra.sorted_by"


def sort_key(event_type: str) -> list[str]:
    known = EVENT_TYPES.get(event_type)  # a type no longer declared: by id only
    dimensions = known.dimensions if known else ()
    return [*(d for d in CLUSTER_BY if d in dimensions), "event_id"]


def _is_clustered(path: Path, key: list[str]) -> bool:
    metadata = pq.read_schema(path).metadata or {}
    return metadata.get(SORTED_BY_KEY) == ",".join(key).encode()


@dataclass
class CompactResult:
    partitions: int = 0
    files_in: int = 0
    files_out: int = 0


def compact(lake: Lake, *, min_files: int = 2) -> CompactResult:
    """Every partition with `min_files` or more files, or with one file not yet clustered,
    becomes one file with the same rows, sorted by `sort_key` (recorded in its metadata).

    The merged file is named by the union of its inputs' id ranges and renamed into place
    before they are deleted; a crash in between leaves inputs whose ranges it covers, which
    the next compaction (or export) deletes without reading them.
    """
    result = CompactResult()
    with lake.locked():
        if lake.read_state(PENDING) is not None:
            # an interrupted export rewrites its batch under the same names: merge after it
            return result
        for directory in lake.partitions():
            for stale in covered_parts(directory):
                stale.unlink(missing_ok=True)
            parts = sorted(p for p in directory.glob("part-*.parquet") if part_range(p))
            key = sort_key(directory.parent.name.split("=", 1)[1])
            if not parts or (len(parts) < min_files and _is_clustered(parts[0], key)):
                continue
            ranges = [part_range(p) for p in parts]
            first = min(r[0] for r in ranges if r)
            last = max(r[1] for r in ranges if r)
            tables = [pq.read_table(p) for p in parts]
            schema = tables[0].schema
            merged = pa.concat_tables([t.cast(schema) for t in tables])
            merged = merged.sort_by([(column, "ascending") for column in key])
            metadata = {**(schema.metadata or {}), SORTED_BY_KEY: ",".join(key).encode()}
            merged = merged.replace_schema_metadata(metadata)
            write_parquet(merged, directory / part_name(first, last), CLUSTERED_ROW_GROUP)
            for part in parts:
                if part.name != part_name(first, last):
                    part.unlink()
            result.partitions += 1
            result.files_in += len(parts)
            result.files_out += 1
    return result


def drop_before(lake: Lake, cutoff: date) -> list[str]:
    """Delete every date partition before `cutoff`; returns them as "type/date". Each goes
    by renaming it out of the readers' globs first, so no query sees half a partition."""
    dropped = []
    with lake.locked():
        for directory in lake.partitions():
            day = date.fromisoformat(directory.name.split("=", 1)[1])
            if day >= cutoff:
                continue
            doomed = directory.with_name(f".drop-{uuid.uuid4().hex}")
            directory.rename(doomed)
            shutil.rmtree(doomed)
            dropped.append(f"{directory.parent.name.split('=', 1)[1]}/{day.isoformat()}")
        for leftover in lake.events.glob("event_type=*/.drop-*") if lake.events.exists() else []:
            shutil.rmtree(leftover, ignore_errors=True)
    return dropped


def retain(lake: Lake, days: int) -> list[str]:
    """Keep the last `days` days (by UTC date); 0 keeps everything."""
    if days <= 0:
        return []
    return drop_before(lake, clock.now().date() - timedelta(days=days - 1))
