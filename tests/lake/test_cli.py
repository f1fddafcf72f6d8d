"""`manamitra lake export|query|publish` as the contract says: Parquet under MM_LAKE_DIR
(default $MM_DATA_DIR/lake), `query --json` a JSON array of row objects with every event type
in information_schema.tables, `publish --out` aggregate CSV and Parquet with every cell under
10 citizens suppressed."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from manamitra.cli.main import app
from manamitra.events import EVENT_TYPES, record_event
from manamitra.events.pseudonym import configure, current_key
from manamitra.store import Database

runner = CliRunner()


@pytest.fixture(autouse=True)
def _key() -> Iterator[None]:
    saved = current_key()
    configure(b"k" * 32)
    yield
    configure(saved)


@pytest.fixture
def env(sqlite_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MM_DATABASE_URL", sqlite_database_url)
    monkeypatch.setenv("MM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("MM_LAKE_DIR", raising=False)
    database = Database(sqlite_database_url)
    with database.unit_of_work() as db:
        # 12 citizens rate the income certificate, 3 the caste certificate
        for index in range(15):
            service = "revenue.income_certificate" if index < 12 else "revenue.caste_certificate"
            record_event(
                db,
                "rating.given",
                citizen=f"9198490{index:05d}",
                service=service,
                department="revenue",
                district="guntur",
                subject="application",
                score=8 if index % 2 else 6,
            )
    database.dispose()
    return tmp_path


def test_export_then_query_as_json(env: Path) -> None:
    exported = runner.invoke(app, ["lake", "export"])
    assert exported.exit_code == 0, exported.output
    assert "exported 15 events" in exported.output
    assert list((env / "data" / "lake" / "events").glob("event_type=rating.given/*/*.parquet"))
    again = runner.invoke(app, ["lake", "export"])
    assert "exported 0 events" in again.output

    answer = runner.invoke(
        app,
        [
            "lake",
            "query",
            "SELECT service, count(*) AS ratings, avg(score) AS average FROM rating_given "
            "GROUP BY service ORDER BY service",
            "--json",
        ],
    )
    assert answer.exit_code == 0, answer.output
    assert json.loads(answer.stdout) == [
        {"service": "revenue.caste_certificate", "ratings": 3, "average": 6.666666666666667},
        {"service": "revenue.income_certificate", "ratings": 12, "average": 7.0},
    ]
    tables = runner.invoke(
        app, ["lake", "query", "SELECT table_name FROM information_schema.tables", "--json"]
    )
    names = {row["table_name"] for row in json.loads(tables.stdout)}
    assert {t.table for t in EVENT_TYPES.values()} <= names


def test_lake_dir_setting_moves_the_lake(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MM_LAKE_DIR", str(env / "elsewhere"))
    runner.invoke(app, ["lake", "export"])
    assert list((env / "elsewhere" / "events").rglob("*.parquet"))
    assert not (env / "data" / "lake").exists()


def test_publish_suppresses_every_cell_under_ten_citizens(env: Path) -> None:
    runner.invoke(app, ["lake", "export"])
    out = env / "open"
    published = runner.invoke(app, ["lake", "publish", "--out", str(out)])
    assert published.exit_code == 0, published.output
    with open(out / "satisfaction_by_month.csv", encoding="utf-8") as handle:
        rows = {row["service"]: row for row in csv.DictReader(handle)}
    income, caste = rows["revenue.income_certificate"], rows["revenue.caste_certificate"]
    assert (income["ratings"], income["citizens"], income["suppressed"]) == ("12", "12", "false")
    assert (caste["ratings"], caste["average_score"], caste["citizens"]) == ("", "", "")
    assert caste["suppressed"] == "true"
    table = pq.read_table(out / "satisfaction_by_month.parquet").to_pylist()
    assert {r["service"]: r["ratings"] for r in table} == {
        "revenue.income_certificate": 12,
        "revenue.caste_certificate": None,
    }
    manifest = json.loads((out / "datasets.json").read_text())
    assert {d["name"] for d in manifest["datasets"]} >= {"satisfaction_by_month"}
    assert not any(c == "citizen" for d in manifest["datasets"] for c in d["columns"])
