"""Shared fixtures: a migrated database per store (SQLite always, PostgreSQL when configured)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from manamitra import clock
from manamitra.services.registry import register_all
from manamitra.store import Database
from tests.support import databases


def pytest_configure(config: pytest.Config) -> None:
    # Kinds, field types and handlers are registered by the composition root; tests that build
    # an engine or load the catalogue without the app need the same registries.
    register_all()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--sqlite-only", action="store_true", help="skip the PostgreSQL runs")


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Every storage test runs on SQLite and, with MM_TEST_POSTGRES_URL set, on PostgreSQL."""
    if request.param == "sqlite":
        with databases.sqlite_url(tmp_path) as url, databases.migrated(url):
            yield url
        return
    base = databases.postgres_base_url()
    if base is None or request.config.getoption("--sqlite-only"):
        pytest.skip("PostgreSQL run skipped: set MM_TEST_POSTGRES_URL to run it")
    with databases.postgres_url(base) as url, databases.migrated(url):
        yield url


@pytest.fixture
def sqlite_database_url(tmp_path: Path) -> Iterator[str]:
    """For tests that are about behaviour, not the store: SQLite only."""
    with databases.sqlite_url(tmp_path) as url, databases.migrated(url):
        yield url


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = Database(database_url)
    yield db
    db.dispose()


@pytest.fixture(autouse=True)
def _reset_clock() -> Iterator[None]:
    clock.reset()
    yield
    clock.reset()
