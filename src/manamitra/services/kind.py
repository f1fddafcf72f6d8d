"""The contract of a service kind and the registries the engine consults.

A kind is registered under the spec's `kind:` name. The engine asks the spec's steps, shows a
summary when the kind wants confirmation, then calls `complete`. A kind that needs more turns
(waiting for a seat choice it computes itself, say) returns `Continue`, and the engine passes
the citizen's next messages to `resume` until it returns `Done`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from sqlalchemy.orm import Session

from manamitra.catalog.schema import ServiceSpec
from manamitra.errors import SpecError
from manamitra.messaging.i18n import t
from manamitra.messaging.inbound import Inbound
from manamitra.messaging.reply import Reply
from manamitra.parts import Parts


@dataclass
class ServiceContext:
    """Everything a kind may use for one turn: the transaction, the citizen, their answers."""

    db: Session
    citizen: str
    lang: str
    spec: ServiceSpec
    answers: dict[str, Any]
    kind_state: dict[str, Any]
    parts: Parts
    inbound: Inbound | None = None
    replies: list[Reply] = field(default_factory=list)
    profile_name: str | None = None

    def say(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    def t(self, key: str, **params: object) -> str:
        return t(self.lang, key, **params)

    def text(self, localized: dict[str, str] | Any) -> str:
        """Pick the citizen's language from a {en, te} mapping or a Localized."""
        if hasattr(localized, "get") and not isinstance(localized, dict):
            return str(localized.get(self.lang))
        return str(localized.get(self.lang) or localized.get("en"))


@dataclass(frozen=True)
class Done:
    """The service is over; `to_menu` sends the citizen back to the main menu afterwards."""

    to_menu: bool = True


@dataclass(frozen=True)
class Continue:
    """The kind keeps the conversation; the next message goes to `resume`."""


@dataclass(frozen=True)
class AskAgain:
    """Re-ask an earlier step (e.g. the identifier a department did not recognise)."""

    step_id: str
    message_key: str
    params: dict[str, Any] = field(default_factory=dict)


KindResult = Done | Continue | AskAgain


class ServiceKind:
    """Base of every kind. `confirm` shows the summary with Submit/Change/Cancel first
    (`reviews` decides per spec, for a kind whose actions both submit and only look up)."""

    name: ClassVar[str] = ""
    confirm: ClassVar[bool] = False

    def check(self, spec: ServiceSpec) -> None:
        """Validate the spec's own block (e.g. `lookup:`) at load time; raise SpecError."""

    def reviews(self, spec: ServiceSpec) -> bool:
        """Whether this spec submits something, so the citizen reviews the answers first."""
        return self.confirm

    def intro(self, ctx: ServiceContext) -> None:
        """Say something before the first question (documents needed, fee…)."""

    def summary_extra(self, spec: ServiceSpec, answers: dict[str, Any], lang: str) -> list[str]:
        """Lines the summary adds after the answers (a booking's fare, say)."""
        return []

    def complete(self, ctx: ServiceContext) -> KindResult:
        raise NotImplementedError

    def resume(self, ctx: ServiceContext, inbound: Inbound) -> KindResult:
        return Done()


SERVICE_KINDS: dict[str, ServiceKind] = {}


def register_kind(cls: type[ServiceKind]) -> None:
    """Register a kind under its `name` (one name, one kind)."""
    if not cls.name or cls.name in SERVICE_KINDS:
        raise ValueError(f"service kind {cls.name!r} missing or taken")
    SERVICE_KINDS[cls.name] = cls()


def get_kind(name: str) -> ServiceKind:
    try:
        return SERVICE_KINDS[name]
    except KeyError as exc:
        raise SpecError(f"kind: no engine registered for kind {name!r}") from exc


@dataclass
class EventContext:
    """For events that are not answers (a payment status, an officer's decision)."""

    db: Session
    citizen: str
    lang: str
    parts: Parts
    replies: list[Reply] = field(default_factory=list)

    def say(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    def t(self, key: str, **params: object) -> str:
        return t(self.lang, key, **params)


EventHandler = Callable[[EventContext, Inbound], bool]

# Inbound kinds handled outside any flow ("order" = payment status); return True if handled.
EVENT_HANDLERS: dict[str, EventHandler] = {}
# Tried in order when a citizen sends a photo/PDF/text the current screen does not expect
# (e.g. verifying a certificate by sending it); return True if handled.
UNSOLICITED_HANDLERS: list[EventHandler] = []


def register_event_handler(inbound_kind: str, handler: EventHandler) -> None:
    if inbound_kind in EVENT_HANDLERS:
        raise ValueError(f"event handler for {inbound_kind!r} registered twice")
    EVENT_HANDLERS[inbound_kind] = handler


def register_unsolicited_handler(handler: EventHandler) -> None:
    """Handlers are tried in the order registered."""
    if handler in UNSOLICITED_HANDLERS:
        raise ValueError(f"unsolicited handler {handler.__name__} registered twice")
    UNSOLICITED_HANDLERS.append(handler)
