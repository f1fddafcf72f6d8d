"""Fresh, migrated databases for tests: a SQLite file, and a PostgreSQL schema of its own."""

from __future__ import annotations

import os
import sqlite3
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from functools import cache
from pathlib import Path
from urllib.parse import quote

import psycopg

from manamitra.store import Database, migrate

POSTGRES_URL_ENV = "MM_TEST_POSTGRES_URL"


def postgres_base_url() -> str | None:
    return os.environ.get(POSTGRES_URL_ENV) or None


@contextmanager
def sqlite_url(tmp_dir: Path) -> Iterator[str]:
    yield f"sqlite:///{tmp_dir / 'manamitra.db'}"


@contextmanager
def postgres_url(base_url: str) -> Iterator[str]:
    """A throwaway schema, so parallel test workers never see each other's rows."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    plain = base_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in plain else "?"
    url = f"{plain}{separator}options={quote(f'-csearch_path={schema}')}"
    try:
        yield url
    finally:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@contextmanager
def sqlite_database(tmp_dir: Path) -> Iterator[Database]:
    """A migrated SQLite database in `tmp_dir`, disposed of afterwards (for module fixtures)."""
    with sqlite_url(tmp_dir) as url, migrated(url):
        database = Database(url)
        try:
            yield database
        finally:
            database.dispose()


@contextmanager
def migrated(url: str) -> Iterator[str]:
    target = _new_sqlite_file(url)
    if target is None:
        migrate.upgrade(url)
    else:
        _copy_sqlite(_migrated_sqlite_template(), target)
    yield url


def _copy_sqlite(source: Path, target: Path) -> None:
    """SQLite's own backup (whole pages, whatever the journal mode), not a file copy."""
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def _new_sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL that does not exist yet (None for anything else)."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or "?" in url:
        return None
    path = Path(url[len(prefix) :])
    return None if path.exists() else path


@cache
def _migrated_sqlite_template() -> Path:
    """One SQLite file migrated by Alembic per test process; each test gets a copy of it (the
    migrations themselves are tested on their own, on both stores)."""
    folder = Path(tempfile.mkdtemp(prefix="manamitra-migrated-"))
    template = folder / "template.db"
    migrate.upgrade(f"sqlite:///{template}")
    return template
