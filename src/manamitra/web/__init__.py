"""Public HTTP edge for trust: verification pages and API, published keys, the log's API."""

from manamitra.web.transparency import build_transparency_router
from manamitra.web.verification import build_verification_router

__all__ = ["build_transparency_router", "build_verification_router"]
