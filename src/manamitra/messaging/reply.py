"""What the platform says back, free of any channel's wire format.

The WhatsApp renderer turns these into Graph API bodies and enforces Meta's limits; the engine
keeps within them (≤3 buttons, ≤10 list rows; the numbers live in `limits`) so nothing is cut silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any


@dataclass(frozen=True)
class Choice:
    id: str
    title: str
    description: str | None = None


@dataclass(frozen=True)
class Text:
    body: str


@dataclass(frozen=True)
class Buttons:
    body: str
    choices: tuple[Choice, ...]
    header: str | None = None
    footer: str | None = None


@dataclass(frozen=True)
class Section:
    title: str
    rows: tuple[Choice, ...]


@dataclass(frozen=True)
class ListMenu:
    body: str
    button: str
    sections: tuple[Section, ...]
    header: str | None = None
    footer: str | None = None


@dataclass(frozen=True)
class Document:
    """A file to send; `media_key` names bytes in the platform's media store."""

    media_key: str
    filename: str
    caption: str | None = None
    mime_type: str = "application/pdf"


@dataclass(frozen=True)
class Image:
    media_key: str
    caption: str | None = None
    mime_type: str = "image/png"


@dataclass(frozen=True)
class Audio:
    """A voice note to send (OGG Opus); `media_key` names its bytes in the media store."""

    media_key: str
    mime_type: str = "audio/ogg"


@dataclass(frozen=True)
class Speak:
    """Text to be spoken to the citizen as a voice note, after the messages before it.

    Its outbox row is parked (see `messaging.outbox`) until the speech worker has made the
    audio and turned the row into an `Audio`, or, when it cannot, into a short `Text` note.
    """

    text: str
    lang: str


@dataclass(frozen=True)
class LocationRequest:
    body: str


@dataclass(frozen=True)
class CtaUrl:
    body: str
    display_text: str
    url: str
    header: str | None = None
    footer: str | None = None


@dataclass(frozen=True)
class Template:
    """An approved template, the only kind Meta delivers outside the 24-hour window."""

    name: str
    language: str
    body_params: tuple[str, ...] = ()


@dataclass(frozen=True)
class OrderDetails:
    """WhatsApp Payments (India) bill: the citizen taps to pay with UPI or the gateway."""

    reference_id: str
    body: str
    items: tuple[dict[str, Any], ...]
    total_paise: int
    payment_configuration: str
    header: str | None = None
    footer: str | None = None
    expiry_seconds: int | None = None


@dataclass(frozen=True)
class OrderStatus:
    reference_id: str
    body: str
    status: str
    description: str | None = None


@dataclass(frozen=True)
class MarkRead:
    message_id: str
    typing: bool = False


Reply = (
    Text
    | Buttons
    | ListMenu
    | Document
    | Image
    | Audio
    | Speak
    | LocationRequest
    | CtaUrl
    | Template
    | OrderDetails
    | OrderStatus
    | MarkRead
)


@dataclass
class Outgoing:
    """Replies collected for one citizen while handling one inbound message."""

    citizen: str
    replies: list[Reply] = field(default_factory=list)

    def add(self, *replies: Reply) -> None:
        self.replies.extend(replies)


_REPLY_TYPES: dict[str, type] = {
    "text": Text,
    "buttons": Buttons,
    "list": ListMenu,
    "document": Document,
    "image": Image,
    "audio": Audio,
    "speak": Speak,
    "location_request": LocationRequest,
    "cta_url": CtaUrl,
    "template": Template,
    "order_details": OrderDetails,
    "order_status": OrderStatus,
    "mark_read": MarkRead,
}
_TYPE_NAMES = {cls: name for name, cls in _REPLY_TYPES.items()}
_FIELDS: dict[type, tuple[str, ...]] = {
    cls: tuple(f.name for f in fields(cls)) for cls in (*_REPLY_TYPES.values(), Choice, Section)
}


def reply_type(reply: Reply) -> str:
    return _TYPE_NAMES[type(reply)]


def _plain(value: Any) -> Any:
    if isinstance(value, Choice | Section):
        return {name: _plain(getattr(value, name)) for name in _FIELDS[type(value)]}
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    return value


def reply_to_json(reply: Reply) -> dict[str, Any]:
    """A channel-neutral, JSON-safe form of a reply, as the outbox stores it.

    Written out field by field: `dataclasses.asdict` deep-copies every value and costs
    several times more on the worker's hot path.
    """
    data: dict[str, Any] = {"type": reply_type(reply)}
    for name in _FIELDS[type(reply)]:
        data[name] = _plain(getattr(reply, name))
    return data


def reply_from_json(data: dict[str, Any]) -> Reply:
    data = dict(data)
    cls = _REPLY_TYPES[data.pop("type")]
    if cls is Buttons:
        data["choices"] = tuple(Choice(**c) for c in data["choices"])
    elif cls is ListMenu:
        data["sections"] = tuple(
            Section(title=s["title"], rows=tuple(Choice(**r) for r in s["rows"]))
            for s in data["sections"]
        )
    elif cls is Template:
        data["body_params"] = tuple(data.get("body_params", ()))
    elif cls is OrderDetails:
        data["items"] = tuple(data["items"])
    return cls(**data)  # type: ignore[no-any-return]
