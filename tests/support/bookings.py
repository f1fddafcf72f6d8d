"""A held darshan place with its unpaid order, as the booking kind leaves it before payment;
shared by the booking tests and bench/bookings.py."""

from __future__ import annotations

from sqlalchemy.orm import Session

from manamitra.bookings.inventory import HoldRequest, booking_id_for, hold
from manamitra.payments.orders import create_order
from manamitra.payments.service import Payments
from manamitra.store.models import Booking, BookingPool, PaymentOrder

DARSHAN_PAISE = 30000


def hold_darshan(
    db: Session, payments: Payments, pool: BookingPool, citizen: str
) -> tuple[Booking, PaymentOrder]:
    booking = hold(
        db,
        pool,
        HoldRequest(
            booking_id=booking_id_for("TMP", citizen),
            citizen=citizen,
            domain="temple",
            service_id="endowments.book_darshan",
            quantity=1,
            amount_paise=DARSHAN_PAISE,
            details={"venue": {"en": "Srisailam", "te": "శ్రీశైలం"}},
        ),
    )
    assert booking is not None, "the pool had no place left"
    order = create_order(
        db,
        payments,
        citizen=citizen,
        lang="en",
        purpose="booking",
        service_id="endowments.book_darshan",
        subject=booking.id,
        title={"en": "Darshan", "te": "దర్శనం"},
        items=[{"id": "1", "name": "Darshan", "amount_paise": DARSHAN_PAISE}],
        idempotency_key=f"booking:{booking.id}",
        prefix="MB",
        meta={"booking": booking.id},
    )
    booking.order_id = order.id
    return booking, order
