"""Migration 0011 keeps every 1–5 grievance rating given before 1–10 began as it was given:
the value untouched, its scale recorded as 5 on the grievance and in `service_rating`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from manamitra.ratings import average_on_ten
from manamitra.store import Database, migrate
from tests.support import databases

PREVIOUS = "0006_grievances"
T0 = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgres"])
def unmigrated_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        with databases.sqlite_url(tmp_path) as url:
            yield url
        return
    base = databases.postgres_base_url()
    if base is None or request.config.getoption("--sqlite-only"):
        pytest.skip("PostgreSQL run skipped: set MM_TEST_POSTGRES_URL to run it")
    with databases.postgres_url(base) as url:
        yield url


def _grievance(number: str, rating: int | None) -> dict[str, object]:
    return {
        "number": number,
        "citizen": "919876543210",
        "lang": "te",
        "service_id": "grievances.street_lights",
        "category": "street_lights",
        "attachments": [],
        "reopen_count": 0,
        "rating": rating,
        "rating_comment": "bagundi" if rating else None,
        "state": "closed" if rating else "submitted",
        "department": "municipal",
        "level": 0,
        "created_at": T0,
        "updated_at": T0,
        "state_since": T0,
        "due_at": T0,
        "breached": False,
        "finished_at": T0 if rating else None,
    }


def test_old_ratings_keep_their_value_and_scale(unmigrated_url: str) -> None:
    migrate.upgrade(unmigrated_url, PREVIOUS)
    database = Database(unmigrated_url)
    try:
        metadata = sa.MetaData()
        metadata.reflect(database.engine)
        with database.engine.begin() as connection:
            connection.execute(
                metadata.tables["grv_grievance"].insert(),
                [
                    _grievance("GRV-2026-000001", 4),
                    _grievance("GRV-2026-000002", 1),
                    _grievance("GRV-2026-000003", None),
                ],
            )
        migrate.upgrade(unmigrated_url)
        with database.engine.connect() as connection:
            grievances = connection.execute(
                sa.text("SELECT number, rating, rating_scale FROM grv_grievance ORDER BY number")
            ).all()
            ratings = connection.execute(
                sa.text(
                    "SELECT subject_kind, subject_ref, score, scale, comment FROM service_rating"
                    " ORDER BY subject_ref"
                )
            ).all()
    finally:
        database.dispose()
    assert [tuple(r) for r in grievances] == [
        ("GRV-2026-000001", 4, 5),
        ("GRV-2026-000002", 1, 5),
        ("GRV-2026-000003", None, None),
    ]
    assert [tuple(r) for r in ratings] == [
        ("grievance", "GRV-2026-000001", 4, 5, "bagundi"),
        ("grievance", "GRV-2026-000002", 1, 5, "bagundi"),
    ]
    # averaged with 1–10 ratings, a 4/5 counts as 7.75 and a 1/5 as 1 (the ends meet)
    assert average_on_ten([(r.score, r.scale) for r in ratings]) == pytest.approx(4.375)
