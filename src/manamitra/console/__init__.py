"""The officers' console: where applications and grievances are decided (mounted at /console)."""

from manamitra.console.routes import console_router, install

__all__ = ["console_router", "install"]
