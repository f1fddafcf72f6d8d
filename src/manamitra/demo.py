"""Preparing the demo: migrations and seed data; each area adds its seeding here."""

from __future__ import annotations

from manamitra.privacy import Cipher
from manamitra.settings import Settings
from manamitra.store import migrate


def prepare_demo(settings: Settings) -> list[str]:
    """Migrate and seed; returns lines worth printing (URLs, demo logins)."""
    migrate.upgrade(settings.database_url)
    notes: list[str] = []
    from manamitra.departments.reference import demo_notes

    notes.extend(demo_notes())
    from manamitra.payments.demo import demo_notes as payments_notes

    notes.extend(payments_notes(settings.public_url))
    from manamitra.console.demo import seed_console_demo
    from manamitra.store import Database

    database = Database(settings.database_url)
    try:
        notes.extend(seed_console_demo(database, cipher=Cipher.from_settings(settings)))
    finally:
        database.dispose()
    return notes
