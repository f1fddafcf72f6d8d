"""Public HTTP edge: verification pages and API, published keys, the log's API, open data."""

from pathlib import Path

from manamitra.web.headers import SecurityHeaders
from manamitra.web.open_data import build_open_data_router
from manamitra.web.transparency import build_transparency_router
from manamitra.web.verification import build_verification_router

STATIC_DIR = Path(__file__).parent / "static"

__all__ = [
    "STATIC_DIR",
    "SecurityHeaders",
    "build_open_data_router",
    "build_transparency_router",
    "build_verification_router",
]
