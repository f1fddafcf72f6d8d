"""Run Alembic migrations programmatically (no alembic.ini needed on disk)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from manamitra.settings import Settings
from manamitra.store.db import normalise_url

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(database_url: str, settings: Settings | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["database_url"] = normalise_url(database_url)
    # a data migration that seals answers reads the platform's data key from these settings
    config.attributes["settings"] = settings
    return config


def upgrade(database_url: str, revision: str = "heads", settings: Settings | None = None) -> None:
    command.upgrade(alembic_config(database_url, settings), revision)


def downgrade(database_url: str, revision: str, settings: Settings | None = None) -> None:
    command.downgrade(alembic_config(database_url, settings), revision)


def revision(
    database_url: str,
    message: str,
    *,
    head: str = "base",
    rev_id: str | None = None,
    depends_on: str | None = None,
) -> None:
    """Autogenerate a migration from the models' difference to the database (developers only)."""
    command.revision(
        alembic_config(database_url),
        message=message,
        autogenerate=True,
        head=head,
        rev_id=rev_id,
        depends_on=depends_on,
    )
