"""Inventory that is never sold twice (holds, sales, cancellations) and e-tickets."""

from manamitra.bookings.inventory import (
    HoldRequest,
    booking_id_for,
    cancel,
    ensure_pool,
    expire_due,
    hold,
    settle,
)

__all__ = ["HoldRequest", "booking_id_for", "cancel", "ensure_pool", "expire_due", "hold", "settle"]
