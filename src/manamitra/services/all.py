"""Importing this module registers every service kind, field type and option provider."""

from __future__ import annotations

import manamitra.fields  # noqa: F401
from manamitra.fields import aadhaar, identifier, location, place, upload  # noqa: F401
from manamitra.services import (
    application,  # noqa: F401
    booking,  # noqa: F401
    document_check,  # noqa: F401
    download,  # noqa: F401
    grievance,  # noqa: F401
    information,  # noqa: F401
    lookup,  # noqa: F401
    payment,  # noqa: F401
)
