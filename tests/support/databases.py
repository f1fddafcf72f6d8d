"""Fresh, migrated databases for tests: a SQLite file, and a PostgreSQL schema of its own."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import psycopg

from manamitra.store import migrate

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
def migrated(url: str) -> Iterator[str]:
    migrate.upgrade(url)
    yield url
