"""Synthetic domain events, for the lake's benchmark (`bench/lake.py`), its tests and the
console screenshots: realistic shapes (districts, mandals, offices, services, funnels, ratings,
money), made-up citizens, nothing real. Rows go straight into `domain_event` in batches.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from manamitra import clock
from manamitra.events.pseudonym import pseudonym
from manamitra.events.types import DIMENSIONS, EVENT_TYPES
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


def _choices(rng: np.random.Generator, values: list[Any], size: int) -> np.ndarray:
    return np.array(values, dtype=object)[rng.integers(0, len(values), size)]


def batches(
    total: int,
    *,
    days: int = 30,
    citizens: int = 100_000,
    batch: int = 100_000,
    seed: int = 19,
    end: datetime | None = None,
) -> Iterator[list[tuple[Any, ...]]]:
    """`total` events over the last `days` days, as rows in COLUMNS order."""
    rng = np.random.default_rng(seed)
    names = list(WEIGHTS)
    weights = np.array([WEIGHTS[n] for n in names])
    weights /= weights.sum()
    pool = np.array([pseudonym(f"91900{i:07d}") for i in range(citizens)], dtype=object)
    district_ids = list(DISTRICTS)
    mandal_of = {d: np.array(m, dtype=object) for d, m in DISTRICTS.items()}
    service_ids = list(SERVICES)
    end = end or clock.now()
    span = days * 86400
    done = 0
    while done < total:
        size = min(batch, total - done)
        kinds = np.array(names, dtype=object)[rng.choice(len(names), size, p=weights)]
        seconds = np.sort(rng.integers(0, span, size))
        district = _choices(rng, district_ids, size)
        mandal = np.array(
            [
                mandal_of[d][i % len(mandal_of[d])]
                for d, i in zip(district, rng.integers(0, 9, size), strict=True)
            ],
            dtype=object,
        )
        service = _choices(rng, service_ids, size)
        is_step = np.char.startswith(kinds.astype(str), "step.")
        service[is_step] = _choices(rng, FORM_SERVICES, int(is_step.sum()))
        department = np.array([SERVICES[s] for s in service], dtype=object)
        office = np.array(
            [
                f"{dep if dep in OFFICE_DEPARTMENTS else 'revenue'}.{m}"
                for dep, m in zip(department, mandal, strict=True)
            ],
            dtype=object,
        )
        position = rng.integers(1, len(STEPS) + 1, size)
        values: dict[str, np.ndarray] = {
            "service": service,
            "department": department,
            "district": district,
            "mandal": mandal,
            "office": office,
            "office_to": np.array([o.rsplit(".", 1)[0] for o in office], dtype=object),
            "category": _choices(rng, CATEGORIES, size),
            "outcome": _choices(rng, ["approved", "approved", "approved", "rejected"], size),
            "step": np.array(STEPS, dtype=object)[position - 1],
            "subject": _choices(rng, ["application", "grievance", "payment", "booking"], size),
            "kind": _choices(rng, ["text", "interactive", "image", "location"], size),
            "method": _choices(rng, ["upi", "card", "netbanking"], size),
            "reason": _choices(rng, ["sla", "left", "idle", "unfulfilled"], size),
            "amount_paise": rng.integers(1, 400, size) * 2500,
            "quantity": rng.integers(1, 5, size),
            "score": np.minimum(10, np.maximum(1, rng.normal(7.4, 2.0, size).round())).astype(int),
            "position": position,
            "level": rng.integers(1, 3, size),
            "duration_s": rng.integers(3600, 20 * 86400, size),
            "within_sla": rng.random(size) < 0.82,
        }
        when = [end - timedelta(seconds=int(span - s)) for s in seconds]
        who = pool[rng.integers(0, citizens, size)]
        columns: list[list[Any]] = [list(kinds), when, list(who)]
        for name in DIMENSIONS:
            present = {k for k in names if name in EVENT_TYPES[k].dimensions}
            column = values[name].tolist()
            columns.append(
                [v if k in present else None for k, v in zip(kinds, column, strict=True)]
            )
        yield list(zip(*columns, strict=True))
        done += size


def fill(database: Database, total: int, **options: Any) -> int:
    """Insert `total` synthetic events with the DB-API's executemany; returns how many."""
    sqlite = database.is_sqlite
    marker = "?" if sqlite else "%s"
    sql = (
        f"INSERT INTO domain_event ({', '.join(COLUMNS)}) "
        f"VALUES ({', '.join([marker] * len(COLUMNS))})"
    )
    written = 0
    for rows in batches(total, **options):
        if sqlite:  # SQLAlchemy's form of a UTC time on SQLite: naive text
            rows = [
                (
                    r[0],
                    r[1].replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds"),
                    *r[2:],
                )
                for r in rows
            ]
        connection = database.engine.raw_connection()
        try:
            cursor = connection.cursor()
            if sqlite:
                cursor.execute("BEGIN IMMEDIATE")
            cursor.executemany(sql, rows)
            connection.commit()
        finally:
            connection.close()
        written += len(rows)
    return written
