"""The lake's export: Hive partitions by type and date, zstd Parquet with its schema version,
idempotent (a second run writes nothing), resumable (a crash at any point leaves no half file
visible and the next run ends with every event exactly once), `--since`, compaction and
retention; on both stores."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from manamitra import clock
from manamitra.events import record_event
from manamitra.events.pseudonym import configure, current_key
from manamitra.lake import export as export_module
from manamitra.lake import job
from manamitra.lake.columns import UnreadableEvents
from manamitra.lake.engine import query
from manamitra.lake.export import PENDING, export
from manamitra.lake.layout import Lake
from manamitra.lake.maintenance import compact, retain
from manamitra.store import Database
from manamitra.store.models.events import DomainEvent

NOW = timedelta(0)


@pytest.fixture(autouse=True)
def _key() -> Iterator[None]:
    saved = current_key()
    configure(b"k" * 32)
    yield
    configure(saved)


def _events(database: Database, count: int, *, days_ago: int = 0) -> None:
    at = clock.now() - timedelta(days=days_ago)
    with database.unit_of_work() as db:
        for index in range(count):
            record_event(
                db,
                "application.submitted",
                at=at,
                citizen=f"9198490{index:05d}",
                service="revenue.income_certificate",
                department="revenue",
                district="guntur",
                mandal="guntur.tenali",
                amount_paise=4500,
            )
            record_event(db, "message.in", at=at, citizen=f"9198490{index:05d}", kind="text")


def _count(lake: Lake, view: str) -> int:
    _, rows = query(lake, f"SELECT count(*) FROM {view}")
    return int(rows[0][0])


def _visible(lake: Lake) -> list[Path]:
    return sorted(lake.events.rglob("*.parquet"))


def test_export_writes_typed_zstd_parquet_partitioned_by_type_and_date(
    database: Database, tmp_path: Path
) -> None:
    _events(database, 3)
    lake = Lake(tmp_path / "lake")
    result = export(database, lake, lag=NOW)
    assert result.events == 6
    day = clock.now().date().isoformat()
    part = lake.events / "event_type=application.submitted" / f"event_date={day}"
    [path] = list(part.glob("*.parquet"))
    file = pq.ParquetFile(path)
    assert file.metadata.row_group(0).column(0).compression == "ZSTD"
    metadata = file.schema_arrow.metadata
    assert metadata[b"manamitra.schema_version"] == b"1"
    assert metadata[b"manamitra.event_type"] == b"application.submitted"
    types = {f.name: str(f.type) for f in file.schema_arrow}
    assert types["amount_paise"] == "int64"
    assert types["occurred_at"] == "timestamp[us, tz=UTC]"
    assert "type" not in types and "event_date" not in types  # in the path, not the file
    _, rows = query(
        lake, "SELECT sum(amount_paise), count(DISTINCT citizen) FROM application_submitted"
    )
    assert rows == [(13500, 3)]


def test_a_second_export_writes_nothing(database: Database, tmp_path: Path) -> None:
    _events(database, 3)
    lake = Lake(tmp_path / "lake")
    export(database, lake, lag=NOW)
    before = {p: p.stat().st_mtime_ns for p in _visible(lake)}
    again = export(database, lake, lag=NOW)
    assert (again.events, again.files) == (0, 0)
    assert {p: p.stat().st_mtime_ns for p in _visible(lake)} == before
    _events(database, 2)
    more = export(database, lake, lag=NOW)
    assert more.events == 4
    assert _count(lake, "application_submitted") == 5


def test_a_crash_while_writing_leaves_nothing_visible_and_the_rerun_is_exact(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _events(database, 4)
    lake = Lake(tmp_path / "lake")
    real = export_module._write_temp
    calls = []

    def dies_on_the_second(table: object, path: Path) -> None:
        calls.append(path)
        if len(calls) == 2:
            raise OSError("disk went away")
        real(table, path)  # type: ignore[arg-type]

    monkeypatch.setattr(export_module, "_write_temp", dies_on_the_second)
    with pytest.raises(OSError):
        export(database, lake, lag=NOW)
    assert _visible(lake) == []  # the first file exists only under its hidden name
    assert lake.read_state(PENDING) is not None
    monkeypatch.setattr(export_module, "_write_temp", real)
    export(database, lake, lag=NOW)
    assert _count(lake, "application_submitted") == 4
    assert _count(lake, "message_in") == 4
    assert lake.read_state(PENDING) is None


def test_a_crash_between_renames_is_repaired_by_the_rerun_without_doubles(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _events(database, 4)
    lake = Lake(tmp_path / "lake")
    real = export_module.os.replace
    renamed = []

    def dies_after_one(source: Path, target: Path) -> None:
        if str(target).endswith(".parquet"):
            if renamed:
                raise OSError("killed")
            renamed.append(target)
        real(source, target)

    monkeypatch.setattr(export_module.os, "replace", dies_after_one)
    with pytest.raises(OSError):
        export(database, lake, lag=NOW)
    assert len(_visible(lake)) == 1
    monkeypatch.setattr(export_module.os, "replace", real)
    export(database, lake, lag=NOW)
    assert _count(lake, "application_submitted") == 4
    assert _count(lake, "message_in") == 4
    assert len(_visible(lake)) == 2


def test_since_leaves_out_older_events(database: Database, tmp_path: Path) -> None:
    _events(database, 2, days_ago=10)
    _events(database, 3)
    lake = Lake(tmp_path / "lake")
    result = export(database, lake, since=clock.now().date() - timedelta(days=1), lag=NOW)
    assert (result.events, result.skipped) == (6, 4)
    assert _count(lake, "application_submitted") == 3


def test_compaction_merges_a_partitions_files_and_retention_drops_old_days(
    database: Database, tmp_path: Path
) -> None:
    lake = Lake(tmp_path / "lake")
    for _ in range(3):
        _events(database, 2)
        export(database, lake, lag=NOW)
    _events(database, 2, days_ago=40)
    export(database, lake, lag=NOW)
    today = lake.partition("application.submitted", clock.now().date())
    assert len(list(today.glob("*.parquet"))) == 3
    result = compact(lake)
    assert len(list(today.glob("*.parquet"))) == 1
    assert result.files_in > result.files_out
    assert _count(lake, "application_submitted") == 8
    dropped = retain(lake, 30)
    assert len(dropped) == 2  # both types' partition 40 days ago
    assert _count(lake, "application_submitted") == 6
    assert _count(lake, "message_in") == 6


def test_every_event_type_is_a_view_even_before_it_has_a_file(tmp_path: Path) -> None:
    lake = Lake(tmp_path / "empty")
    _, rows = query(lake, "SELECT table_name FROM information_schema.tables ORDER BY 1")
    names = [r[0] for r in rows]
    assert "application_submitted" in names and "alert_delivered" in names
    assert query(lake, "SELECT count(*), sum(score) FROM rating_given")[1] == [(0, None)]


def test_the_platforms_job_exports_drops_old_days_and_compacts(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export_module, "POSTGRES_LAG", NOW)
    lake = Lake(tmp_path / "lake")
    _events(database, 2, days_ago=10)
    job.run_once(database, lake, retention_days=0, compact_today=False)
    _events(database, 2)
    job.run_once(database, lake, retention_days=0, compact_today=False)
    _events(database, 2)
    job.run_once(database, lake, retention_days=7, compact_today=True)
    assert _count(lake, "application_submitted") == 4  # ten days ago: past the retention
    today = lake.partition("application.submitted", clock.now().date())
    assert len(list(today.glob("*.parquet"))) == 1


def test_every_kind_of_value_comes_back_exactly(database: Database, tmp_path: Path) -> None:
    """Flags both ways, NULL dimensions and a NULL citizen, whole-second and microsecond
    times, large numbers: read from the store as joined columns, they come back as stored."""
    whole = clock.now().replace(microsecond=0) - timedelta(hours=1)
    with database.unit_of_work() as db:
        record_event(
            db,
            "application.decided",
            at=whole,
            citizen="919849000001",
            service="revenue.income_certificate",
            department="revenue",
            district="guntur",
            outcome="approved",
            within_sla=True,
            duration_s=9_000_000_000,
        )
        record_event(
            db,
            "application.decided",
            at=whole + timedelta(microseconds=7),
            service="revenue.caste_certificate",
            department="revenue",
            outcome="rejected",
            within_sla=False,
        )
    lake = Lake(tmp_path / "lake")
    assert export(database, lake, lag=NOW).events == 2
    _, rows = query(
        lake,
        "SELECT occurred_at, citizen IS NULL, service, district, mandal, outcome, within_sla,"
        " duration_s FROM application_decided ORDER BY event_id",
    )
    assert rows == [
        (
            whole,
            False,
            "revenue.income_certificate",
            "guntur",
            None,
            "approved",
            True,
            9_000_000_000,
        ),
        (
            whole + timedelta(microseconds=7),
            True,
            "revenue.caste_certificate",
            None,
            None,
            "rejected",
            False,
            None,
        ),
    ]


def test_a_value_holding_a_separator_stops_the_export_and_writes_nothing(
    database: Database, tmp_path: Path
) -> None:
    _events(database, 2)
    with database.engine.begin() as connection:  # not through record_event: it refuses this
        connection.execute(
            DomainEvent.__table__.update()  # type: ignore[attr-defined]
            .where(DomainEvent.type == "message.in")
            .values(kind="te\x1fxt")
        )
    lake = Lake(tmp_path / "lake")
    with pytest.raises(UnreadableEvents, match=r"message\.in\.kind"):
        export(database, lake, lag=NOW)
    assert _visible(lake) == []
    assert export_module.watermark(lake) == 0
