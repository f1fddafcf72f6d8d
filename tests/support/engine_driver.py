"""Driving the conversation engine directly (no channel) for fast behaviour tests."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from manamitra import clock
from manamitra.catalog.loader import Catalog
from manamitra.conversation.engine import ConversationState, Engine
from manamitra.messaging.inbound import Inbound, Location, Media
from manamitra.messaging.reply import Buttons, CtaUrl, ListMenu, OrderDetails, Reply, Text
from manamitra.payments.confirm import confirm
from tests.support.parts import build_parts

_ids = itertools.count(1)


@dataclass
class Chat:
    """One citizen talking to an engine; `say`/`tap` return the replies of that turn."""

    engine: Engine
    db: Session | None = None
    citizen: str = "919876543210"
    convo: ConversationState = field(init=False)
    last: list[Reply] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.convo = ConversationState(citizen=self.citizen)

    def _send(self, **kwargs: Any) -> list[Reply]:
        inbound = Inbound(
            message_id=f"wamid.test{next(_ids)}",
            citizen=self.citizen,
            sent_at=clock.now(),
            **kwargs,
        )
        self.last = self.engine.handle(self.db, self.convo, inbound)  # type: ignore[arg-type]
        return self.last

    def say(self, text: str) -> list[Reply]:
        return self._send(kind="text", text=text)

    def tap(self, choice_id: str, title: str | None = None) -> list[Reply]:
        return self._send(kind="choice", choice_id=choice_id, choice_title=title)

    def send_media(self, kind: str, media: Media) -> list[Reply]:
        return self._send(kind=kind, media=media)

    def send_location(self, latitude: float, longitude: float) -> list[Reply]:
        return self._send(kind="location", location=Location(latitude, longitude))

    def later(self, hours: float) -> None:
        clock.advance(timedelta(hours=hours))

    def pay(self, order_id: str, outcome: str = "success") -> list[Reply]:
        """Pay a bill at the sandbox gateway; the replies its confirmation sends the citizen."""
        payments = self.engine.parts.payments
        payments.gateway.pay(order_id, outcome)  # type: ignore[attr-defined]
        self.last = confirm(self.db, payments, order_id, self.engine.parts)  # type: ignore[arg-type]
        return self.last


def order_reference(replies: list[Reply]) -> str | None:
    """The order id of the bill among `replies` (order_details, or a checkout link)."""
    for reply in replies:
        if isinstance(reply, OrderDetails):
            return reply.reference_id
        if isinstance(reply, CtaUrl):
            return reply.url.rsplit("/", 1)[-1]
    return None


def texts(replies: list[Reply]) -> list[str]:
    out = []
    for reply in replies:
        if isinstance(reply, Text | Buttons | ListMenu):
            out.append(reply.body)
    return out


def choice_ids(reply: Reply) -> list[str]:
    if isinstance(reply, Buttons):
        return [c.id for c in reply.choices]
    if isinstance(reply, ListMenu):
        return [r.id for s in reply.sections for r in s.rows]
    raise AssertionError(f"not interactive: {reply!r}")


def make_engine(catalog: Catalog, **parts: Any) -> Engine:
    """An engine on the catalogue, with the test parts (tests/support/parts.py) except those
    given by name: `make_engine(catalog, departments=Down())`."""
    return Engine(build_parts(catalog, **parts), idle=timedelta(hours=24))
