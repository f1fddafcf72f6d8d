"""What happens when an order's money is confirmed: each purpose registers a fulfiller.

A fulfiller runs inside the confirming transaction and returns what the citizen is told and
whether the money must go back (a bus seat that expired and could not be re-allocated, say).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from manamitra.messaging.reply import Reply
from manamitra.parts import Parts
from manamitra.store.models import PaymentOrder


@dataclass
class Fulfilment:
    outcome: str  # fulfilled | reallocated | refund
    replies: list[Reply] = field(default_factory=list)

    @property
    def refund(self) -> bool:
        return self.outcome == "refund"


Fulfiller = Callable[[Session, PaymentOrder, Parts], Fulfilment]

FULFILLERS: dict[str, Fulfiller] = {}


def register_fulfiller(purpose: str, fulfiller: Fulfiller) -> None:
    if purpose in FULFILLERS:
        raise ValueError(f"fulfiller for {purpose!r} registered twice")
    FULFILLERS[purpose] = fulfiller


def fulfil(db: Session, order: PaymentOrder, parts: Parts) -> Fulfilment:
    handler = FULFILLERS.get(order.purpose)
    if handler is None:
        return Fulfilment(outcome="fulfilled")
    return handler(db, order, parts)
