"""The one place that fills the registries: field types, option providers, service kinds,
payment fulfillers and event handlers. The composition root (`app.py`), the `catalog check`
command and the test fixtures call `register_all()` before loading the catalogue; importing a
module registers nothing."""

from __future__ import annotations

from manamitra.fields import register_field_types
from manamitra.services import (
    application,
    case_document,
    document_check,
    download,
    grievance,
    information,
    lookup,
    payment,
)
from manamitra.services.booking import bus as bus_booking
from manamitra.services.booking import fulfilment as booking_fulfilment
from manamitra.services.booking import kind as booking_kind
from manamitra.services.booking import temple as temple_booking
from manamitra.services.booking import tickets as booking_tickets

_registered = False


def register_all() -> None:
    """Fill every registry once; later calls do nothing."""
    global _registered
    if _registered:
        return
    register_field_types()
    for module in (
        application,
        booking_kind,
        bus_booking,
        temple_booking,
        booking_fulfilment,
        booking_tickets,
        download,
        grievance,
        information,
        lookup,
        payment,
    ):
        module.register()
    # Order matters: a document an officer is waiting for is attached before anyone
    # treats the same photo as a certificate to verify.
    case_document.register()
    document_check.register()
    _registered = True
