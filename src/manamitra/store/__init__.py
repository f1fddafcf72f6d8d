"""Persistence: SQLAlchemy 2 models, engine and unit of work, Alembic migrations."""

from manamitra.store.base import Base, UtcDateTime
from manamitra.store.db import Database

__all__ = ["Base", "Database", "UtcDateTime"]
