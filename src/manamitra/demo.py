"""Preparing the demo: where its data goes, migrations and seed data; each area adds its
seeding here."""

from __future__ import annotations

from pathlib import Path

from manamitra.console.demo import seed_console_demo
from manamitra.privacy import Cipher
from manamitra.settings import Settings
from manamitra.store import Database, migrate

DATABASE_FILE = "manamitra.db"


def demo_database_url(data_dir: Path) -> str:
    """The demo's SQLite database, inside the data folder (MM_DATA_DIR) with everything else."""
    return f"sqlite:///{data_dir / DATABASE_FILE}"


def prepare_demo(settings: Settings) -> list[str]:
    """Migrate and seed; returns any further lines worth printing at start-up."""
    migrate.upgrade(settings.database_url, settings=settings)
    notes: list[str] = []

    database = Database(settings.database_url)
    try:
        seed_console_demo(database, cipher=Cipher.from_settings(settings))
    finally:
        database.dispose()
    return notes
