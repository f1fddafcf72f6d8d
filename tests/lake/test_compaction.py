"""Compaction clusters each partition for the dashboards: rows sorted by department, district,
service and position (those the type has), then id, in small row groups, the key recorded in
the file; a partition already clustered is left alone, so a second compaction writes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from manamitra import clock
from manamitra.events import record_event
from manamitra.events.pseudonym import configure, current_key
from manamitra.lake.export import export
from manamitra.lake.layout import Lake
from manamitra.lake.maintenance import CLUSTERED_ROW_GROUP, SORTED_BY_KEY, compact, sort_key
from manamitra.store import Database

NOW = timedelta(0)
FORMS = ["revenue.income_certificate", "revenue.caste_certificate"]


@pytest.fixture(autouse=True)
def _key() -> Iterator[None]:
    saved = current_key()
    configure(b"k" * 32)
    yield
    configure(saved)


def _steps(database: Database, count: int) -> None:
    with database.unit_of_work() as db:
        for index in range(count):
            record_event(
                db,
                "step.reached",
                citizen=f"9198490{index:05d}",
                service=FORMS[index % 2],
                department="revenue",
                step="mobile",
                position=3 - index % 3,
            )


def test_compaction_sorts_a_partition_by_the_dashboards_filters(
    sqlite_database_url: str, tmp_path: Path
) -> None:
    database = Database(sqlite_database_url)
    lake = Lake(tmp_path / "lake")
    _steps(database, 12)
    export(database, lake, lag=NOW)
    _steps(database, 12)
    export(database, lake, lag=NOW)
    today = lake.partition("step.reached", clock.now().date())
    assert len(list(today.glob("*.parquet"))) == 2

    first = compact(lake)
    [path] = list(today.glob("*.parquet"))
    table = pq.read_table(path)
    key = sort_key("step.reached")
    assert key == ["department", "service", "position", "event_id"]
    rows = list(zip(*(table[c].to_pylist() for c in key), strict=True))
    assert rows == sorted(rows) and len(rows) == 24
    assert table.schema.metadata[SORTED_BY_KEY] == b"department,service,position,event_id"
    assert table.schema.metadata[b"manamitra.event_type"] == b"step.reached"
    assert pq.ParquetFile(path).metadata.row_group(0).num_rows <= CLUSTERED_ROW_GROUP
    assert first.partitions == 1

    again = compact(lake)  # clustered already: nothing to do
    assert (again.partitions, again.files_in) == (0, 0)
    assert list(today.glob("*.parquet")) == [path]


def test_a_single_file_partition_is_clustered_once(
    sqlite_database_url: str, tmp_path: Path
) -> None:
    database = Database(sqlite_database_url)
    lake = Lake(tmp_path / "lake")
    _steps(database, 9)
    export(database, lake, lag=NOW)
    today = lake.partition("step.reached", clock.now().date())
    [before] = list(today.glob("*.parquet"))
    unsorted = pq.read_table(before)["service"].to_pylist()
    assert unsorted != sorted(unsorted)  # in id order: the forms alternate
    assert compact(lake).partitions == 1
    [after] = list(today.glob("*.parquet"))
    assert after.name == before.name
    assert pq.read_table(after)["service"].to_pylist() == sorted(unsorted)
    assert compact(lake).partitions == 0
