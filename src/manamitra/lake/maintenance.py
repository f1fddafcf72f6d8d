"""Keeping the lake tidy: compaction (a partition's small files into one) and retention
(whole date partitions dropped). Both hold the lake's lock, so they never meet an export."""

from __future__ import annotations

import shutil
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

import pyarrow as pa
import pyarrow.parquet as pq

from manamitra import clock
from manamitra.lake.export import PENDING, covered_parts, write_parquet
from manamitra.lake.layout import Lake, part_name, part_range


@dataclass
class CompactResult:
    partitions: int = 0
    files_in: int = 0
    files_out: int = 0


def compact(lake: Lake, *, min_files: int = 2) -> CompactResult:
    """Every partition with `min_files` or more files becomes one file with the same rows.

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
            if len(parts) < min_files:
                continue
            ranges = [part_range(p) for p in parts]
            first = min(r[0] for r in ranges if r)
            last = max(r[1] for r in ranges if r)
            tables = [pq.read_table(p) for p in parts]
            schema = tables[0].schema
            merged = pa.concat_tables([t.cast(schema) for t in tables]).sort_by("event_id")
            write_parquet(merged, directory / part_name(first, last))
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
