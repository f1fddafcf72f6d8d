"""`manamitra lake publish`: open data, aggregates by month with small cells suppressed.

Each dataset counts events and distinct citizens per month and its dimensions; a row counted
from fewer than `MIN_CITIZENS` (10) distinct citizens keeps its dimensions but loses every
number (`suppressed` = true), so no published figure describes fewer than ten people. No
citizen key, time of day or identifier leaves: months, codes and counts only. The files
(CSV and Parquet per dataset, and `datasets.json` describing them) are written beside and
renamed into place.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from manamitra import clock
from manamitra.lake.engine import connect
from manamitra.lake.export import write_parquet
from manamitra.lake.layout import Lake, publish_bytes

MIN_CITIZENS = 10


@dataclass(frozen=True)
class Dataset:
    name: str
    title: dict[str, str]
    sql: str
    dimensions: tuple[str, ...]
    measures: tuple[str, ...]


DATASETS = (
    Dataset(
        "services_by_month",
        {"en": "Services used, by month, district and service", "te": "నెలవారీ సేవల వినియోగం"},
        """
        WITH used AS (
            SELECT event_date, district, department, service, 'application' AS used_as,
                   citizen FROM application_submitted
            UNION ALL SELECT event_date, district, department, service, 'grievance', citizen
            FROM grievance_opened
            UNION ALL SELECT event_date, district, department, service, 'booking', citizen
            FROM booking_made
            UNION ALL SELECT event_date, NULL, department, service, 'payment', citizen
            FROM payment_confirmed
        )
        SELECT strftime(event_date, '%Y-%m') AS month, coalesce(district, '') AS district,
               department, service, used_as, count(*) AS events,
               count(DISTINCT citizen) AS citizens
        FROM used GROUP BY ALL ORDER BY ALL""",
        ("month", "district", "department", "service", "used_as"),
        ("events", "citizens"),
    ),
    Dataset(
        "satisfaction_by_month",
        {"en": "Ratings (1-10), by month and service", "te": "నెలవారీ రేటింగ్‌లు (1-10)"},
        """
        SELECT strftime(event_date, '%Y-%m') AS month, department, service,
               count(*) AS ratings, round(avg(score), 2) AS average_score,
               count(DISTINCT citizen) AS citizens
        FROM rating_given GROUP BY ALL ORDER BY ALL""",
        ("month", "department", "service"),
        ("ratings", "average_score", "citizens"),
    ),
    Dataset(
        "grievances_by_category",
        {
            "en": "Grievances, by month, district, mandal and category",
            "te": "ఫిర్యాదులు: నెల, జిల్లా, మండలం, రకం వారీగా",
        },
        """
        SELECT strftime(event_date, '%Y-%m') AS month, coalesce(district, '') AS district,
               coalesce(mandal, '') AS mandal, category, count(*) AS grievances,
               count(DISTINCT citizen) AS citizens
        FROM grievance_opened GROUP BY ALL ORDER BY ALL""",
        ("month", "district", "mandal", "category"),
        ("grievances", "citizens"),
    ),
    Dataset(
        "deadlines_by_department",
        {
            "en": "Decisions within the promised time, by month and department",
            "te": "గడువులోపు నిర్ణయాలు: నెల, శాఖ వారీగా",
        },
        """
        WITH decided AS (
            SELECT event_date, department, district, within_sla, citizen
            FROM application_decided
            UNION ALL SELECT event_date, department, district, within_sla, citizen
            FROM grievance_resolved
        )
        SELECT strftime(event_date, '%Y-%m') AS month, department,
               coalesce(district, '') AS district, count(*) AS decided,
               count(*) FILTER (WHERE within_sla) AS on_time,
               count(DISTINCT citizen) AS citizens
        FROM decided GROUP BY ALL ORDER BY ALL""",
        ("month", "department", "district"),
        ("decided", "on_time", "citizens"),
    ),
)


def suppress(
    columns: list[str], rows: list[tuple[Any, ...]], measures: tuple[str, ...]
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Every measure of a row from fewer than MIN_CITIZENS citizens becomes empty."""
    citizens = columns.index("citizens")
    positions = {columns.index(m) for m in measures}
    kept = []
    for row in rows:
        small = row[citizens] < MIN_CITIZENS
        values = tuple(None if small and i in positions else v for i, v in enumerate(row))
        kept.append((*values, small))
    return [*columns, "suppressed"], kept


def _csv(columns: list[str], rows: list[tuple[Any, ...]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(
        ["" if v is None else str(v).lower() if isinstance(v, bool) else v for v in row]
        for row in rows
    )
    return out.getvalue().encode("utf-8")


def publish(lake: Lake, out: Path) -> list[dict[str, Any]]:
    """Write every dataset to `out`; returns the manifest (also out/datasets.json)."""
    out.mkdir(parents=True, exist_ok=True)
    connection = connect(lake)
    manifest = []
    try:
        for dataset in DATASETS:
            cursor = connection.execute(dataset.sql)
            columns = [d[0] for d in cursor.description or []]
            columns, rows = suppress(columns, cursor.fetchall(), dataset.measures)
            publish_bytes(out / f"{dataset.name}.csv", _csv(columns, rows))
            table = pa.table({c: [row[i] for row in rows] for i, c in enumerate(columns)})
            write_parquet(table, out / f"{dataset.name}.parquet")
            manifest.append(
                {
                    "name": dataset.name,
                    "title": dataset.title,
                    "columns": columns,
                    "rows": len(rows),
                    "suppressed": sum(1 for row in rows if row[-1]),
                    "min_citizens": MIN_CITIZENS,
                }
            )
    finally:
        connection.close()
    document = {"generated_at": clock.now().isoformat(), "datasets": manifest}
    publish_bytes(
        out / "datasets.json", json.dumps(document, ensure_ascii=False, indent=1).encode()
    )
    return manifest


def read_manifest(directory: Path) -> dict[str, Any] | None:
    path = directory / "datasets.json"
    if not path.exists():
        return None
    found: dict[str, Any] = json.loads(path.read_text())
    return found
