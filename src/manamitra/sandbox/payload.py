"""Webhook bodies as Meta sends them: inbound messages from a phone, and message statuses.

Every body is one `whatsapp_business_account` object with one entry and one `messages` change,
shaped like the captures in tests/channels/whatsapp/fixtures (contacts with `user_id`, string
timestamps, `context` on replies to a business message).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from manamitra.sandbox import graph_error


@dataclass(frozen=True)
class Business:
    """The business number the emulator stands for."""

    phone_number_id: str
    display_number: str
    account_id: str
    extra_phone_number_ids: tuple[str, ...] = ()  # more numbers on the account (MM_…_IDS)

    def owns(self, phone_number_id: str) -> bool:
        return phone_number_id == self.phone_number_id or (
            phone_number_id in self.extra_phone_number_ids
        )


def new_wamid(wa_id: str) -> str:
    """An id shaped like Meta's: base64 of a small binary record that names the number."""
    digits = wa_id.lstrip("+").encode()
    raw = (
        b"\x1c\x18"
        + bytes([len(digits)])
        + digits
        + b"\x15\x02\x00\x12\x18\x14"
        + (secrets.token_bytes(14))
    )
    return "wamid." + base64.b64encode(raw).decode()


def new_media_id() -> str:
    return str(secrets.randbelow(9 * 10**15) + 10**15)


def user_id(wa_id: str) -> str:
    """A stable business-scoped user id (BSUID) for a number, like Meta's `IN.<digits>`."""
    digest = hashlib.sha256(wa_id.encode()).digest()
    return "IN." + str(int.from_bytes(digest[:8], "big"))[:16].rjust(16, "0")


def media_sha256(data: bytes) -> str:
    """Meta reports media hashes base64-encoded in webhooks."""
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def timestamp(moment: datetime) -> str:
    return str(int(moment.timestamp()))


def _envelope(business: Business, value: dict[str, Any]) -> dict[str, Any]:
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": business.account_id,
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": business.display_number,
                                "phone_number_id": business.phone_number_id,
                            },
                            **value,
                        },
                    }
                ],
            }
        ],
    }


def inbound(
    business: Business,
    *,
    wa_id: str,
    name: str,
    wamid: str,
    sent_at: datetime,
    kind: str,
    content: Any,
    context_id: str | None = None,
) -> dict[str, Any]:
    """A message from `wa_id`; `content` is the object under the message's `type` key."""
    message: dict[str, Any] = {
        "from": wa_id,
        "id": wamid,
        "timestamp": timestamp(sent_at),
        "type": kind,
        kind: content,
    }
    if context_id is not None:
        message["context"] = {"from": business.display_number, "id": context_id}
    return _envelope(
        business,
        {
            "contacts": [{"profile": {"name": name}, "wa_id": wa_id, "user_id": user_id(wa_id)}],
            "messages": [message],
        },
    )


def text(body: str) -> tuple[str, dict[str, Any]]:
    return "text", {"body": body}


def button_reply(choice_id: str, title: str) -> tuple[str, dict[str, Any]]:
    return "interactive", {
        "type": "button_reply",
        "button_reply": {"id": choice_id, "title": title},
    }


def list_reply(choice_id: str, title: str, description: str | None) -> tuple[str, dict[str, Any]]:
    reply: dict[str, Any] = {"id": choice_id, "title": title}
    if description:
        reply["description"] = description
    return "interactive", {"type": "list_reply", "list_reply": reply}


def template_button(payload: str, title: str) -> tuple[str, dict[str, Any]]:
    return "button", {"payload": payload, "text": title}


def media(
    kind: str,
    *,
    media_id: str,
    mime_type: str,
    sha256: str,
    caption: str | None = None,
    filename: str | None = None,
    voice: bool = False,
) -> tuple[str, dict[str, Any]]:
    content: dict[str, Any] = {}
    if caption is not None and kind in ("image", "document", "video"):
        content["caption"] = caption
    if kind == "document":
        content["filename"] = filename or "document"
    content.update({"mime_type": mime_type, "sha256": sha256, "id": media_id})
    if kind == "audio":
        content["voice"] = voice
    return kind, content


def location(
    latitude: float, longitude: float, name: str | None = None, address: str | None = None
) -> tuple[str, dict[str, Any]]:
    content: dict[str, Any] = {"latitude": latitude, "longitude": longitude}
    if name:
        content["name"] = name
    if address:
        content["address"] = address
    return "location", content


def reaction(message_id: str, emoji: str) -> tuple[str, dict[str, Any]]:
    return "reaction", {"message_id": message_id, "emoji": emoji}


@dataclass(frozen=True)
class Pricing:
    """Meta's per-message pricing (PMP since July 2025): free inside the service window."""

    category: str = "service"
    billable: bool = False
    type: str = "free_customer_service"

    def to_json(self) -> dict[str, Any]:
        return {
            "billable": self.billable,
            "pricing_model": "PMP",
            "category": self.category,
            "type": self.type,
        }


def status(
    business: Business,
    *,
    wamid: str,
    recipient: str,
    state: str,
    at: datetime,
    conversation_id: str | None = None,
    pricing: Pricing | None = None,
    error_code: int | None = None,
    error_details: str | None = None,
    callback_data: str | None = None,
) -> dict[str, Any]:
    """A `statuses` webhook for one outbound message: sent, delivered, read or failed."""
    entry: dict[str, Any] = {
        "id": wamid,
        "status": state,
        "timestamp": timestamp(at),
        "recipient_id": recipient,
    }
    if state in ("sent", "delivered") and conversation_id is not None:
        pricing = pricing or Pricing()
        conversation: dict[str, Any] = {"id": conversation_id}
        if state == "sent":
            conversation["expiration_timestamp"] = timestamp(at + timedelta(hours=24))
        conversation["origin"] = {"type": pricing.category}
        entry["conversation"] = conversation
        entry["pricing"] = pricing.to_json()
    if callback_data is not None:
        entry["biz_opaque_callback_data"] = callback_data
    if state == "failed":
        entry["errors"] = [graph_error.failed_status_error(error_code or 131026, error_details)]
    return _envelope(business, {"statuses": [entry]})
