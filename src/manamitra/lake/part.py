"""The one read of the lake's platform part (`services["lake"]`, set by app.py), so the typed
container that replaces the service dictionary changes one line."""

from __future__ import annotations

from typing import Any

from manamitra.lake.layout import Lake
from manamitra.settings import load_settings


def lake_of(services: dict[str, Any] | None) -> Lake:
    """The platform's lake; the environment's when none is wired (tests, scripts)."""
    found = (services or {}).get("lake")
    if isinstance(found, Lake):
        return found
    return Lake(load_settings().resolved_lake_dir)
