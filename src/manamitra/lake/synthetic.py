"""Synthetic domain events, for the lake's benchmark (`bench/lake.py`), its tests and the
console screenshots: realistic shapes (districts, mandals, offices, services, funnels, ratings,
money), made-up citizens, nothing real. Rows go straight into `domain_event` in batches.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pyarrow as pa
from pyarrow import csv

from manamitra import clock
from manamitra.events.pseudonym import pseudonym
from manamitra.events.types import DIMENSIONS, EVENT_TYPES
from manamitra.lake.schema import ARROW_OF_KIND
from manamitra.store import Database

DISTRICTS = {
    "guntur": ["guntur.guntur", "guntur.tenali", "guntur.mangalagiri", "guntur.ponnur"],
    "ntr": ["ntr.vijayawada_urban", "ntr.ibrahimpatnam", "ntr.nandigama"],
    "krishna": ["krishna.machilipatnam", "krishna.gudivada", "krishna.pamarru"],
    "visakhapatnam": ["visakhapatnam.pendurthi", "visakhapatnam.bheemunipatnam"],
    "nellore": ["nellore.nellore", "nellore.kavali", "nellore.kovur"],
    "kurnool": ["kurnool.kurnool", "kurnool.adoni", "kurnool.yemmiganur"],
}
SERVICES = {
    "revenue.income_certificate": "revenue",
    "revenue.caste_certificate": "revenue",
    "agriculture.seed_subsidy": "agriculture",
    "municipal.pay_property_tax": "municipal",
    "apspdcl.pay_bill": "apspdcl",
    "apsrtc.book_ticket": "apsrtc",
    "grievances.water_supply": "municipal",
    "grievances.street_lights": "municipal",
    "grievances.roads": "panchayat_raj",
}
# departments with offices in the grievance hierarchy; the others' cases go to revenue's
OFFICE_DEPARTMENTS = {"municipal", "panchayat_raj", "revenue", "police"}
CATEGORIES = ["water_supply", "street_lights", "roads", "drainage", "sanitation", "revenue"]
# Forms' steps are events of the two certificate forms, with those forms' own step ids (the
# questions both ask, in their order), so the funnel chart names real questions.
FORM_SERVICES = ["revenue.income_certificate", "revenue.caste_certificate"]
STEPS = [
    "applicant_name",
    "aadhaar",
    "mobile",
    "father_name",
    "relation",
    "purpose",
    "district",
    "mandal",
    "village",
    "consent",
]
WEIGHTS = {
    "message.in": 30.0,
    "message.out": 34.0,
    "step.reached": 15.0,
    "step.abandoned": 2.5,
    "application.submitted": 3.0,
    "application.decided": 2.4,
    "application.issued": 1.6,
    "application.escalated": 0.2,
    "payment.confirmed": 3.0,
    "payment.refunded": 0.2,
    "booking.made": 1.4,
    "booking.cancelled": 0.2,
    "grievance.opened": 2.2,
    "grievance.escalated": 0.3,
    "grievance.resolved": 1.6,
    "grievance.reopened": 0.1,
    "rating.given": 1.6,
    "alert.delivered": 0.4,
    "alert.read": 0.25,
    "alert.failed": 0.05,
}
COLUMNS = ("type", "occurred_at", "citizen", *DIMENSIONS)


def _draw(rng: np.random.Generator, values: list[Any], size: int) -> np.ndarray:
    return np.array(values, dtype=object)[rng.integers(0, len(values), size)]


def batches(
    total: int,
    *,
    days: int = 30,
    citizens: int = 100_000,
    batch: int = 100_000,
    seed: int = 19,
    end: datetime | None = None,
) -> Iterator[dict[str, np.ndarray]]:
    """`total` events over the last `days` days, in batches of COLUMNS: numpy arrays, the
    times UTC datetime64[us], each dimension None where the event's type does not carry it.
    Built a column at a time, never a row at a time: ten million events in a few minutes."""
    rng = np.random.default_rng(seed)
    names = list(WEIGHTS)
    weights = np.array([WEIGHTS[n] for n in names])
    weights /= weights.sum()
    pool = np.array([pseudonym(f"91900{i:07d}") for i in range(citizens)], dtype=object)
    district_ids = list(DISTRICTS)
    # mandal of (district, one of nine draws): the district's mandals in turn
    mandal_of = np.array(
        [[DISTRICTS[d][i % len(DISTRICTS[d])] for i in range(9)] for d in district_ids],
        dtype=object,
    )
    service_ids = list(SERVICES)
    form_service = np.array([service_ids.index(s) for s in FORM_SERVICES])
    department_of = np.array([SERVICES[s] for s in service_ids], dtype=object)
    office_department = np.array(
        [d if d in OFFICE_DEPARTMENTS else "revenue" for d in department_of], dtype=object
    )
    step_kinds = np.array([n.startswith("step.") for n in names])
    carries = {
        name: np.array([name in EVENT_TYPES[k].dimensions for k in names]) for name in DIMENSIONS
    }
    end_at = np.datetime64((end or clock.now()).astimezone(UTC).replace(tzinfo=None), "us")
    span = days * 86400
    done = 0
    while done < total:
        size = min(batch, total - done)
        kind = rng.choice(len(names), size, p=weights)
        # ids rise with time, as in the store: each batch its own slice of the period
        low, high = span * done // total, span * (done + size) // total
        seconds = np.sort(rng.integers(low, max(high, low + 1), size))
        district = rng.integers(0, len(district_ids), size)
        mandal = mandal_of[district, rng.integers(0, 9, size)]
        service = rng.integers(0, len(service_ids), size)
        is_step = step_kinds[kind]
        service[is_step] = form_service[rng.integers(0, len(form_service), int(is_step.sum()))]
        district_name = np.array(district_ids, dtype=object)[district]
        office = office_department[service] + "." + mandal
        position = rng.integers(1, len(STEPS) + 1, size)
        values: dict[str, np.ndarray] = {
            "service": np.array(service_ids, dtype=object)[service],
            "department": department_of[service],
            "district": district_name,
            "mandal": mandal,
            "office": office,
            "office_to": office_department[service] + "." + district_name,
            "category": _draw(rng, CATEGORIES, size),
            "outcome": _draw(rng, ["approved", "approved", "approved", "rejected"], size),
            "step": np.array(STEPS, dtype=object)[position - 1],
            "subject": _draw(rng, ["application", "grievance", "payment", "booking"], size),
            "kind": _draw(rng, ["text", "interactive", "image", "location"], size),
            "method": _draw(rng, ["upi", "card", "netbanking"], size),
            "reason": _draw(rng, ["sla", "left", "idle", "unfulfilled"], size),
            "amount_paise": rng.integers(1, 400, size) * 2500,
            "quantity": rng.integers(1, 5, size),
            "score": np.minimum(10, np.maximum(1, rng.normal(7.4, 2.0, size).round())).astype(int),
            "position": position,
            "level": rng.integers(1, 3, size),
            "duration_s": rng.integers(3600, 20 * 86400, size),
            "within_sla": rng.random(size) < 0.82,
        }
        columns: dict[str, np.ndarray] = {
            "type": np.array(names, dtype=object)[kind],
            "occurred_at": end_at - (span - seconds).astype("timedelta64[s]"),
            "citizen": pool[rng.integers(0, citizens, size)],
        }
        for name in DIMENSIONS:
            column = values[name].astype(object)
            column[~carries[name][kind]] = None
            columns[name] = column
        yield columns
        done += size


def _sqlite_rows(columns: dict[str, np.ndarray]) -> list[tuple[Any, ...]]:
    # SQLAlchemy's form of a UTC time on SQLite: naive text, "2026-12-07 01:02:03.456789"
    text = np.char.replace(np.datetime_as_string(columns["occurred_at"], unit="us"), "T", " ")
    values = [columns[name].tolist() for name in COLUMNS]
    values[1] = text.tolist()
    return list(zip(*values, strict=True))


def _copy_csv(columns: dict[str, np.ndarray]) -> bytes:
    table = pa.table(
        {
            "type": pa.array(columns["type"], pa.string()),
            "occurred_at": pa.array(columns["occurred_at"]).cast(pa.timestamp("us", "UTC")),
            "citizen": pa.array(columns["citizen"], pa.string()),
        }
        | {name: pa.array(columns[name], ARROW_OF_KIND[kind]) for name, kind in DIMENSIONS.items()}
    )
    sink = pa.BufferOutputStream()
    csv.write_csv(table, sink, csv.WriteOptions(include_header=False))
    return sink.getvalue().to_pybytes()


def fill(database: Database, total: int, **options: Any) -> int:
    """Insert `total` synthetic events: COPY on PostgreSQL, executemany in one transaction a
    batch on SQLite; returns how many."""
    written = 0
    insert = (
        f"INSERT INTO domain_event ({', '.join(COLUMNS)}) "
        f"VALUES ({', '.join(['?'] * len(COLUMNS))})"
    )
    copy = f"COPY domain_event ({', '.join(COLUMNS)}) FROM STDIN (FORMAT csv)"
    for columns in batches(total, **options):
        connection = database.engine.raw_connection()
        try:
            cursor = connection.cursor()
            if database.is_sqlite:
                cursor.execute("BEGIN IMMEDIATE")
                cursor.executemany(insert, _sqlite_rows(columns))
            else:
                with cursor.copy(copy) as pipe:
                    pipe.write(_copy_csv(columns))
            connection.commit()
        finally:
            connection.close()
        written += len(columns["type"])
    return written
