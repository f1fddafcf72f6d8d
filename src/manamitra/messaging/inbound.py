"""What a citizen sent, free of any channel's wire format."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Literal

InboundKind = Literal[
    "text",
    "choice",
    "image",
    "document",
    "audio",
    "video",
    "sticker",
    "location",
    "contacts",
    "reaction",
    "flow",
    "order",
    "unsupported",
]


@dataclass(frozen=True)
class Media:
    id: str
    mime_type: str
    sha256: str | None = None
    filename: str | None = None
    caption: str | None = None
    voice: bool = False
    file_size: int | None = None


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float
    name: str | None = None
    address: str | None = None


@dataclass(frozen=True)
class Inbound:
    """One message from a citizen. `choice_id` is set for button and list taps.

    `sealed` is the typed text, encrypted, when the text held an Aadhaar number: the inbox
    keeps `text` masked, and only the Aadhaar field opens `sealed` (manamitra.privacy).
    """

    message_id: str
    citizen: str
    kind: InboundKind
    sent_at: datetime
    text: str | None = None
    choice_id: str | None = None
    choice_title: str | None = None
    media: Media | None = None
    location: Location | None = None
    reply_to: str | None = None
    profile_name: str | None = None
    business_user_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    sealed: str | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["sent_at"] = self.sent_at.isoformat()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Inbound:
        data = dict(data)
        data["sent_at"] = datetime.fromisoformat(data["sent_at"])
        if data.get("media"):
            data["media"] = Media(**data["media"])
        if data.get("location"):
            data["location"] = Location(**data["location"])
        return cls(**data)


def blob_key(media: Media) -> str:
    """The media store key under which the pipeline keeps a channel media file."""
    return f"wa-media:{media.id}"
