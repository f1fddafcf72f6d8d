"""Importing this module registers every service kind, field type and option provider."""

from __future__ import annotations

import manamitra.conversation.fields  # noqa: F401
from manamitra.services import information  # noqa: F401
