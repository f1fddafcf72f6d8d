"""Shared fixtures: a migrated database per store (SQLite always, PostgreSQL when configured)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.dependencies import models as fastapi_dependency_models

from manamitra import clock
from manamitra.console import auth
from manamitra.services.registry import register_all
from manamitra.store import Database
from tests.support import databases

# Every platform a test builds (in this process or one it starts) shares one catalogue parse
# cache, as the processes of one deployment do; each file is still checked against its bytes.
os.environ.setdefault(
    "MM_CACHE_DIR", str(Path(tempfile.gettempdir()) / f"manamitra-test-cache-{os.getuid()}")
)


def pytest_configure(config: pytest.Config) -> None:
    # Kinds, field types and handlers are registered by the composition root; tests that build
    # an engine or load the catalogue without the app need the same registries.
    register_all()
    # Officers' passwords are hashed with argon2id at OWASP's cost (about 40 ms a hash or a
    # login); the suite creates and logs in thousands of officers, so in this process it hashes
    # at the least cost. Hashes carry their parameters, so a server a test starts verifies
    # them as made, and tests/console/test_password_cost.py keeps the real cost checked.
    auth._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


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
def _forget_finished_apps() -> Iterator[None]:
    """FastAPI keeps up to 4,096 endpoint functions per process in classification caches; a
    deployment builds one app, the suite builds one a test, and each endpoint's closure holds
    its whole platform (catalogue included): about 40 platforms stayed alive per worker, 2 GB,
    and every garbage collection walked them. Forget them when a test ends."""
    yield
    for name in _FASTAPI_CALLABLE_CACHES:
        cached = getattr(fastapi_dependency_models, name, None)
        if cached is not None and hasattr(cached, "cache_clear"):
            cached.cache_clear()


_FASTAPI_CALLABLE_CACHES = (
    "_is_gen_callable_cached",
    "_is_async_gen_callable_cached",
    "_is_coroutine_callable_cached",
)


@pytest.fixture(autouse=True)
def _reset_clock() -> Iterator[None]:
    clock.reset()
    yield
    clock.reset()
