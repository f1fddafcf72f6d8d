"""Alembic environment: the URL comes from the caller (manamitra db upgrade) or MM_DATABASE_URL."""

from __future__ import annotations

from alembic import context

import manamitra.store.models  # noqa: F401  (registers every table)
from manamitra.settings import load_settings
from manamitra.store.base import Base
from manamitra.store.db import Database

config = context.config
url = config.attributes.get("database_url") or load_settings().database_url
connection = config.attributes.get("connection")


def run() -> None:
    if connection is not None:
        context.configure(
            connection=connection, target_metadata=Base.metadata, render_as_batch=True
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    database = Database(url)
    with database.engine.connect() as conn:
        context.configure(connection=conn, target_metadata=Base.metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        conn.commit()
    database.dispose()


run()
