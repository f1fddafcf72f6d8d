"""Webhook body → channel-neutral events, through a table of message types.

`MESSAGE_TYPES` maps each Cloud API message type to a converter, and `INTERACTIVE_TYPES` does
the same for interactive replies; the supported list is derived from those tables (a test
checks every entry has a fixture). A type missing from the table still arrives, as an
"unsupported" Inbound, so the citizen is answered rather than ignored.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
import pydantic

from manamitra.alerts.account import AccountEvent
from manamitra.channels.whatsapp import payload as p
from manamitra.channels.whatsapp.account_events import ACCOUNT_FIELDS
from manamitra.errors import PayloadError
from manamitra.messaging.inbound import Inbound, Location, Media
from manamitra.pipeline.inbox_store import Received, StatusUpdate

log = logging.getLogger(__name__)

MAX_CITIZEN = 32
MAX_WAMID = 255


@dataclass(frozen=True)
class ErrorEvent:
    """An error Meta reports outside any one message (e.g. 130429 throughput reached)."""

    code: int
    title: str | None
    details: str | None
    phone_number_id: str | None


@dataclass
class WebhookEvents:
    """Everything one POST carried, already free of Meta's wire format."""

    messages: list[Received] = field(default_factory=list)
    statuses: list[StatusUpdate] = field(default_factory=list)
    errors: list[ErrorEvent] = field(default_factory=list)
    # template status and quality, the number's quality (alerts/account.py)
    account: list[AccountEvent] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    # Items set aside because they are malformed: where each was and why, never its content.
    skipped: list[str] = field(default_factory=list)

    @property
    def storable(self) -> bool:
        return bool(self.messages or self.statuses)


Fields = dict[str, Any]


def _need(value: Any, what: str) -> Any:
    if value is None:
        raise PayloadError(f"message of type {what} has no {what} object")
    return value


def _media(body: p.MediaBody) -> Media:
    return Media(
        id=body.id,
        mime_type=body.mime_type,
        sha256=body.sha256,
        filename=body.filename,
        caption=body.caption or None,
        voice=body.voice,
        file_size=body.file_size,
    )


def _text(m: p.Message) -> Fields:
    return {"kind": "text", "text": _need(m.text, "text").body}


def _button_reply(i: p.Interactive) -> Fields:
    reply = _need(i.button_reply, "button_reply")
    return {"kind": "choice", "choice_id": reply.id, "choice_title": reply.title}


def _list_reply(i: p.Interactive) -> Fields:
    reply = _need(i.list_reply, "list_reply")
    return {
        "kind": "choice",
        "choice_id": reply.id,
        "choice_title": reply.title,
        "extra": {"description": reply.description} if reply.description else {},
    }


def _flow_reply(i: p.Interactive) -> Fields:
    reply = _need(i.nfm_reply, "nfm_reply")
    try:
        response = orjson.loads(reply.response_json)
    except orjson.JSONDecodeError as exc:
        raise PayloadError("flow reply response_json is not JSON") from exc
    return {
        "kind": "flow",
        "text": reply.body,
        "extra": {"flow_name": reply.name, "flow_response": response},
    }


INTERACTIVE_TYPES: dict[str, Callable[[p.Interactive], Fields]] = {
    "button_reply": _button_reply,
    "list_reply": _list_reply,
    "nfm_reply": _flow_reply,
}


def _interactive(m: p.Message) -> Fields:
    interactive = _need(m.interactive, "interactive")
    convert = INTERACTIVE_TYPES.get(interactive.type)
    if convert is None:
        return {"kind": "unsupported", "extra": {"type": f"interactive.{interactive.type}"}}
    return convert(interactive)


def _quick_reply(m: p.Message) -> Fields:
    button = _need(m.button, "button")
    return {"kind": "choice", "choice_id": button.payload, "choice_title": button.text}


def _media_of(kind: str) -> Callable[[p.Message], Fields]:
    def convert(m: p.Message) -> Fields:
        body: p.MediaBody = _need(getattr(m, kind), kind)
        extra = {"animated": body.animated} if body.animated is not None else {}
        return {"kind": kind, "media": _media(body), "text": body.caption or None, "extra": extra}

    return convert


def _location(m: p.Message) -> Fields:
    loc = _need(m.location, "location")
    return {
        "kind": "location",
        "location": Location(loc.latitude, loc.longitude, loc.name, loc.address),
        "extra": {"url": loc.url} if loc.url else {},
    }


def _contacts(m: p.Message) -> Fields:
    cards = _need(m.contacts, "contacts")
    return {
        "kind": "contacts",
        "extra": {
            "contacts": [
                {
                    "name": card.name.formatted_name if card.name else None,
                    "phones": [
                        {"phone": ph.phone, "wa_id": ph.wa_id, "type": ph.type}
                        for ph in card.phones
                    ],
                }
                for card in cards
            ]
        },
    }


def _reaction(m: p.Message) -> Fields:
    reaction = _need(m.reaction, "reaction")
    # An empty emoji means the citizen took the reaction back.
    return {"kind": "reaction", "text": reaction.emoji or None, "reply_to": reaction.message_id}


def _order(m: p.Message) -> Fields:
    order = _need(m.order, "order")
    return {
        "kind": "order",
        "text": order.text,
        "extra": {
            "order": {
                "catalog_id": order.catalog_id,
                "items": [
                    {
                        "retailer_id": i.product_retailer_id,
                        "quantity": i.quantity,
                        "item_price": i.item_price,
                        "currency": i.currency,
                    }
                    for i in order.product_items
                ],
            }
        },
    }


def _system(m: p.Message) -> Fields:
    system = _need(m.system, "system")
    return {
        "kind": "unsupported",
        "text": system.body,
        "extra": {"system": {"type": system.type, "new_wa_id": system.new_wa_id or system.wa_id}},
    }


def _unsupported(m: p.Message) -> Fields:
    extra: dict[str, Any] = {"type": m.unsupported.type if m.unsupported else None}
    if m.errors:
        extra["error_code"] = m.errors[0].code
    return {"kind": "unsupported", "extra": extra}


MESSAGE_TYPES: dict[str, Callable[[p.Message], Fields]] = {
    "text": _text,
    "interactive": _interactive,
    "button": _quick_reply,
    "image": _media_of("image"),
    "document": _media_of("document"),
    "audio": _media_of("audio"),
    "video": _media_of("video"),
    "sticker": _media_of("sticker"),
    "location": _location,
    "contacts": _contacts,
    "reaction": _reaction,
    "order": _order,
    "system": _system,
    "unsupported": _unsupported,
}

SUPPORTED_MESSAGE_TYPES: frozenset[str] = frozenset(
    [t for t in MESSAGE_TYPES if t != "interactive"]
    + [f"interactive.{t}" for t in INTERACTIVE_TYPES]
)


def _timestamp(value: str) -> datetime:
    try:
        return datetime.fromtimestamp(int(value), UTC)
    except (ValueError, OverflowError, OSError) as exc:
        raise PayloadError("timestamp is not a Unix time") from exc


def _check_ids(citizen: str, wamid: str) -> None:
    if not citizen or len(citizen) > MAX_CITIZEN or not wamid or len(wamid) > MAX_WAMID:
        raise PayloadError("sender or message id missing or too long")


def _message(m: p.Message, contacts: dict[str, p.Contact], phone_number_id: str) -> Received:
    _check_ids(m.from_, m.id)
    convert = MESSAGE_TYPES.get(m.type)
    fields: Fields = convert(m) if convert else {"kind": "unsupported", "extra": {"type": m.type}}
    contact = contacts.get(m.from_)
    fields.setdefault("reply_to", m.context.id if m.context else None)
    inbound = Inbound(
        message_id=m.id,
        citizen=m.from_,
        sent_at=_timestamp(m.timestamp),
        profile_name=contact.profile.name if contact and contact.profile else None,
        business_user_id=contact.user_id if contact else None,
        **fields,
    )
    return Received(inbound, phone_number_id)


def _payment(s: p.Status, phone_number_id: str) -> Received:
    payment = _need(s.payment, "payment")
    citizen = s.recipient_id or ""
    key = f"payment:{s.id}:{s.status}:{s.timestamp}"
    _check_ids(citizen, key)
    tx = payment.transaction
    amount = payment.amount
    data = {
        "status": s.status,
        "wamid": s.id,
        "reference_id": payment.reference_id,
        "amount_paise": amount.value * 100 // amount.offset if amount else None,
        "currency": payment.currency,
        "transaction_id": tx.id if tx else None,
        "transaction_type": tx.type if tx else None,
        "transaction_status": tx.status if tx else None,
        "method": (tx.method or {}).get("type") if tx else None,
        "error": tx.error if tx else None,
    }
    inbound = Inbound(
        message_id=key,
        citizen=citizen,
        kind="order",
        sent_at=_timestamp(s.timestamp),
        extra={"payment": data},
    )
    return Received(inbound, phone_number_id)


def _status(s: p.Status) -> StatusUpdate:
    error = s.errors[0] if s.errors else None
    if len(s.id) > MAX_WAMID:
        raise PayloadError("status id too long")
    return StatusUpdate(
        message_id=s.id,
        status=s.status,
        timestamp=_timestamp(s.timestamp),
        recipient=s.recipient_id,
        error_code=error.code if error else None,
        error_title=(error.title or error.message) if error else None,
    )


def _error(e: p.ErrorItem, phone_number_id: str | None) -> ErrorEvent:
    details = e.error_data.details if e.error_data else None
    return ErrorEvent(e.code, e.title or e.message, details, phone_number_id)


# Delivery statuses Meta documents for messages we sent; anything else is logged and skipped.
KNOWN_STATUSES = frozenset({"sent", "delivered", "read", "played", "failed", "deleted", "warning"})


def _where(exc: pydantic.ValidationError) -> str:
    # The error text can quote values from the body (a citizen's words): say only where.
    return ",".join(sorted({".".join(str(x) for x in err["loc"]) for err in exc.errors()})[:3])


def _one_by_one(
    items: Any,
    kind: str,
    model: type[pydantic.BaseModel],
    take: Callable[[Any], None],
    events: WebhookEvents,
) -> None:
    """Validate and convert each item on its own: a malformed one is skipped (and said where),
    the others are kept, so one bad item never makes Meta resend a whole batch."""
    if items is None:
        return
    if not isinstance(items, list):
        events.skipped.append(f"{kind}: not a list")
        return
    for index, raw in enumerate(items):
        try:
            take(raw if isinstance(raw, model) else model.model_validate(raw))
        except pydantic.ValidationError as exc:
            events.skipped.append(f"{kind}[{index}]: invalid at {_where(exc)}")
        except PayloadError as exc:
            events.skipped.append(f"{kind}[{index}]: {exc}")


def _change(change: p.Change, events: WebhookEvents) -> None:
    convert = ACCOUNT_FIELDS.get(change.field)
    if convert is not None:
        try:
            events.account.append(convert(change.value))
        except (PayloadError, ValueError, TypeError, KeyError) as exc:
            events.skipped.append(f"{change.field}: {exc}")
        return
    if change.field != "messages":
        events.ignored.append(change.field)
        return
    value = change.value
    contact_items: Any
    message_items: Any
    status_items: Any
    error_items: Any
    if isinstance(value, p.ChangeValue):
        metadata, contact_items = value.metadata, value.contacts
        message_items, status_items, error_items = value.messages, value.statuses, value.errors
    else:
        # Some item in this change does not validate: keep every item that does.
        try:
            metadata = p.Metadata.model_validate(value.get("metadata"))
        except pydantic.ValidationError as exc:
            events.skipped.append(f"change: metadata invalid at {_where(exc)}")
            return
        contact_items, message_items, status_items, error_items = (
            value.get("contacts"),
            value.get("messages"),
            value.get("statuses"),
            value.get("errors"),
        )
    phone_number_id = metadata.phone_number_id
    contacts: dict[str, p.Contact] = {}

    def take_contact(contact: p.Contact) -> None:
        if contact.wa_id:
            contacts[contact.wa_id] = contact

    def take_message(message: p.Message) -> None:
        events.messages.append(_message(message, contacts, phone_number_id))

    def take_status(status: p.Status) -> None:
        if status.type == "payment" or status.payment is not None:
            events.messages.append(_payment(status, phone_number_id))
        elif status.status not in KNOWN_STATUSES:
            raise PayloadError("unknown status value")
        else:
            events.statuses.append(_status(status))

    def take_error(error: p.ErrorItem) -> None:
        events.errors.append(_error(error, phone_number_id))

    _one_by_one(contact_items, "contacts", p.Contact, take_contact, events)
    _one_by_one(message_items, "messages", p.Message, take_message, events)
    _one_by_one(status_items, "statuses", p.Status, take_status, events)
    _one_by_one(error_items, "errors", p.ErrorItem, take_error, events)


def _events(body: p.WebhookBody) -> WebhookEvents:
    events = WebhookEvents()
    if body.object != "whatsapp_business_account":
        events.ignored.append(f"object:{body.object}")
        return events
    for entry in body.entry:
        for change in entry.changes:
            _change(change, events)
    return events


def _payload_error(exc: pydantic.ValidationError) -> PayloadError:
    if any(err["type"] == "json_invalid" for err in exc.errors()):
        return PayloadError("webhook body is not JSON")
    # The error text can quote values from the body (a citizen's words): say only where.
    where = sorted({".".join(str(x) for x in err["loc"]) for err in exc.errors()})[:5]
    return PayloadError(f"webhook body does not validate at {', '.join(where)}")


def parse_payload(data: Any) -> WebhookEvents:
    """Turn a decoded webhook body into events; PayloadError if it is not one."""
    try:
        return _events(p.WebhookBody.model_validate(data))
    except pydantic.ValidationError as exc:
        raise _payload_error(exc) from None


def parse_body(raw: bytes) -> WebhookEvents:
    """Parse raw webhook bytes (JSON decoding and validation in one pass)."""
    try:
        return _events(p.WebhookBody.model_validate_json(raw))
    except pydantic.ValidationError as exc:
        raise _payload_error(exc) from None
