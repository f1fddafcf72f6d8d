"""Replies → exact Graph API `/messages` bodies, with Meta's limits enforced.

A reply that breaks a limit raises `RenderError` naming the field and the limit: Meta would
refuse it with error 100/131009, and cutting a button title or body silently would change
what the citizen is asked. Only list-row descriptions (supporting text) are shortened, with "…".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from manamitra import clock
from manamitra.errors import ManamitraError
from manamitra.messaging import limits
from manamitra.messaging import reply as r
from manamitra.messaging.limits import (
    MAX_CAPTION,
    MAX_CTA_TEXT,
    MAX_FOOTER,
    MAX_HEADER,
    MAX_LIST_BUTTON,
    MAX_SECTION_TITLE,
    MAX_SECTIONS,
)

MAX_ID = limits.MAX_BUTTON_ID
MIN_ORDER_EXPIRY_SECONDS = 300
ORDER_STATUSES = frozenset(
    {"pending", "processing", "partially-shipped", "shipped", "completed", "canceled"}
)

Body = dict[str, Any]


class RenderError(ManamitraError):
    """A reply that WhatsApp would refuse (a limit or a required field)."""


def _fit(value: str, limit: int, what: str) -> str:
    if not value or not value.strip():
        raise RenderError(f"{what} is empty")
    if len(value) > limit:
        raise RenderError(f"{what} has {len(value)} characters; WhatsApp allows {limit}")
    return value


def _shorten(value: str, limit: int) -> str:
    return limits.clip(value, limit)


def _envelope(citizen: str, kind: str, content: Body) -> Body:
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": citizen,
        "type": kind,
        kind: content,
    }


def _interactive(
    citizen: str,
    kind: str,
    body: str,
    action: Body,
    *,
    header: str | None = None,
    footer: str | None = None,
) -> Body:
    content: Body = {
        "type": kind,
        "body": {"text": _fit(body, limits.MAX_INTERACTIVE_BODY, "body")},
        "action": action,
    }
    if header:
        content["header"] = {"type": "text", "text": _fit(header, MAX_HEADER, "header")}
    if footer:
        content["footer"] = {"text": _fit(footer, MAX_FOOTER, "footer")}
    return _envelope(citizen, "interactive", content)


def _text(citizen: str, reply: r.Text, _m: Mapping[str, str]) -> Body:
    return _envelope(
        citizen,
        "text",
        {"preview_url": False, "body": _fit(reply.body, limits.MAX_TEXT_BODY, "text body")},
    )


def _unique_ids(choices: tuple[r.Choice, ...]) -> None:
    ids = [c.id for c in choices]
    if len(set(ids)) != len(ids):
        raise RenderError("choice ids must be unique within one message")
    for choice_id in ids:
        _fit(choice_id, MAX_ID, "choice id")


def _buttons(citizen: str, reply: r.Buttons, _m: Mapping[str, str]) -> Body:
    if not 1 <= len(reply.choices) <= limits.MAX_BUTTONS:
        raise RenderError(
            f"{len(reply.choices)} buttons; WhatsApp allows 1 to {limits.MAX_BUTTONS}"
        )
    _unique_ids(reply.choices)
    buttons = [
        {
            "type": "reply",
            "reply": {"id": c.id, "title": _fit(c.title, limits.MAX_BUTTON_TITLE, "button title")},
        }
        for c in reply.choices
    ]
    return _interactive(
        citizen,
        "button",
        reply.body,
        {"buttons": buttons},
        header=reply.header,
        footer=reply.footer,
    )


def _row(choice: r.Choice) -> Body:
    row: Body = {"id": choice.id, "title": _fit(choice.title, limits.MAX_ROW_TITLE, "row title")}
    if choice.description:
        row["description"] = _shorten(choice.description, limits.MAX_ROW_DESCRIPTION)
    return row


def _list(citizen: str, reply: r.ListMenu, _m: Mapping[str, str]) -> Body:
    rows = [c for s in reply.sections for c in s.rows]
    if not reply.sections or len(reply.sections) > MAX_SECTIONS:
        raise RenderError(f"{len(reply.sections)} sections; WhatsApp allows 1 to {MAX_SECTIONS}")
    if not 1 <= len(rows) <= limits.MAX_LIST_ROWS:
        raise RenderError(f"{len(rows)} rows; WhatsApp allows 1 to {limits.MAX_LIST_ROWS} in total")
    _unique_ids(tuple(rows))
    several = len(reply.sections) > 1
    sections = []
    for section in reply.sections:
        out: Body = {"rows": [_row(c) for c in section.rows]}
        # Meta requires a title on every section once there is more than one.
        if section.title or several:
            out["title"] = _fit(section.title, MAX_SECTION_TITLE, "section title")
        sections.append(out)
    action = {"button": _fit(reply.button, MAX_LIST_BUTTON, "list button"), "sections": sections}
    return _interactive(
        citizen, "list", reply.body, action, header=reply.header, footer=reply.footer
    )


def _media_id(media_ids: Mapping[str, str], key: str) -> str:
    try:
        return media_ids[key]
    except KeyError:
        raise RenderError(f"media {key!r} has not been uploaded") from None


def _document(citizen: str, reply: r.Document, media_ids: Mapping[str, str]) -> Body:
    content: Body = {
        "id": _media_id(media_ids, reply.media_key),
        "filename": _fit(reply.filename, 240, "filename"),
    }
    if reply.caption:
        content["caption"] = _fit(reply.caption, MAX_CAPTION, "caption")
    return _envelope(citizen, "document", content)


def _image(citizen: str, reply: r.Image, media_ids: Mapping[str, str]) -> Body:
    content: Body = {"id": _media_id(media_ids, reply.media_key)}
    if reply.caption:
        content["caption"] = _fit(reply.caption, MAX_CAPTION, "caption")
    return _envelope(citizen, "image", content)


def _audio(citizen: str, reply: r.Audio, media_ids: Mapping[str, str]) -> Body:
    # a voice note: media uploaded as audio/ogg (Opus codec); WhatsApp takes no caption
    return _envelope(citizen, "audio", {"id": _media_id(media_ids, reply.media_key)})


def _speak(_citizen: str, reply: r.Speak, _m: Mapping[str, str]) -> Body:
    # parked until the speech worker turns it into Audio; the sender never takes it as it is
    raise RenderError("a reply to speak leaves as the audio made of it, not as itself")


def _location_request(citizen: str, reply: r.LocationRequest, _m: Mapping[str, str]) -> Body:
    return _interactive(citizen, "location_request_message", reply.body, {"name": "send_location"})


def _cta_url(citizen: str, reply: r.CtaUrl, _m: Mapping[str, str]) -> Body:
    if not reply.url.startswith(("https://", "http://")):
        raise RenderError("call-to-action URL must be http(s)")
    action = {
        "name": "cta_url",
        "parameters": {
            "display_text": _fit(reply.display_text, MAX_CTA_TEXT, "button text"),
            "url": reply.url,
        },
    }
    return _interactive(
        citizen, "cta_url", reply.body, action, header=reply.header, footer=reply.footer
    )


def _template(citizen: str, reply: r.Template, _m: Mapping[str, str]) -> Body:
    content: Body = {
        "name": _fit(reply.name, 512, "template name"),
        "language": {"code": _fit(reply.language, 15, "template language")},
    }
    if reply.body_params:
        content["components"] = [
            {
                "type": "body",
                "parameters": [
                    {"type": "text", "text": _fit(p, limits.MAX_TEXT_BODY, "template parameter")}
                    for p in reply.body_params
                ],
            }
        ]
    return _envelope(citizen, "template", content)


def _money(paise: int) -> Body:
    return {"value": paise, "offset": 100}


def _order_item(item: Mapping[str, Any]) -> tuple[Body, int]:
    try:
        amount = int(item["amount_paise"])
        quantity = int(item.get("quantity", 1))
        out: Body = {
            "retailer_id": str(item.get("retailer_id") or item["id"]),
            "name": _fit(str(item["name"]), 60, "item name"),
            "amount": _money(amount),
            "quantity": quantity,
        }
    except (KeyError, TypeError, ValueError) as exc:
        raise RenderError("order item needs id/retailer_id, name and amount_paise") from exc
    if amount < 0 or quantity < 1:
        raise RenderError("order item amount must be ≥ 0 and quantity ≥ 1")
    return out, amount * quantity


def _order_details(citizen: str, reply: r.OrderDetails, _m: Mapping[str, str]) -> Body:
    items = [_order_item(i) for i in reply.items]
    if not items:
        raise RenderError("an order needs at least one item")
    subtotal = sum(total for _, total in items)
    if subtotal != reply.total_paise:
        raise RenderError(f"items add up to {subtotal} paise, total says {reply.total_paise}")
    order: Body = {
        "status": "pending",
        "items": [i for i, _ in items],
        "subtotal": _money(subtotal),
    }
    if reply.expiry_seconds is not None:
        if reply.expiry_seconds < MIN_ORDER_EXPIRY_SECONDS:
            raise RenderError("an order must stay payable for at least 300 seconds")
        expires = clock.now() + timedelta(seconds=reply.expiry_seconds)
        order["expiration"] = {
            "timestamp": str(int(expires.timestamp())),
            "description": "Payment link expires",
        }
    parameters = {
        "reference_id": _fit(reply.reference_id, 35, "reference id"),
        "type": "digital-goods",
        "payment_configuration": _fit(reply.payment_configuration, 60, "payment configuration"),
        "currency": "INR",
        "total_amount": _money(reply.total_paise),
        "order": order,
    }
    return _interactive(
        citizen,
        "order_details",
        reply.body,
        {"name": "review_and_pay", "parameters": parameters},
        header=reply.header,
        footer=reply.footer,
    )


def _order_status(citizen: str, reply: r.OrderStatus, _m: Mapping[str, str]) -> Body:
    if reply.status not in ORDER_STATUSES:
        raise RenderError(f"order status {reply.status!r} is not one of {sorted(ORDER_STATUSES)}")
    order: Body = {"status": reply.status}
    if reply.description:
        order["description"] = _fit(reply.description, 120, "order status description")
    return _interactive(
        citizen,
        "order_status",
        reply.body,
        {
            "name": "review_order",
            "parameters": {
                "reference_id": _fit(reply.reference_id, 35, "reference id"),
                "order": order,
            },
        },
    )


def _mark_read(_citizen: str, reply: r.MarkRead, _m: Mapping[str, str]) -> Body:
    body: Body = {"messaging_product": "whatsapp", "status": "read", "message_id": reply.message_id}
    if reply.typing:
        body["typing_indicator"] = {"type": "text"}
    return body


RENDERERS: dict[type, Callable[[str, Any, Mapping[str, str]], Body]] = {
    r.Text: _text,
    r.Buttons: _buttons,
    r.ListMenu: _list,
    r.Document: _document,
    r.Image: _image,
    r.Audio: _audio,
    r.Speak: _speak,
    r.LocationRequest: _location_request,
    r.CtaUrl: _cta_url,
    r.Template: _template,
    r.OrderDetails: _order_details,
    r.OrderStatus: _order_status,
    r.MarkRead: _mark_read,
}


def media_key(reply: r.Reply) -> str | None:
    """The media store key a reply needs uploaded before it can be rendered, if any."""
    return reply.media_key if isinstance(reply, r.Document | r.Image | r.Audio) else None


def render(citizen: str, reply: r.Reply, *, media_ids: Mapping[str, str] | None = None) -> Body:
    """The Graph API body that sends `reply` to `citizen`; RenderError if WhatsApp would refuse."""
    renderer = RENDERERS.get(type(reply))
    if renderer is None:
        raise RenderError(f"no WhatsApp form for {type(reply).__name__}")
    return renderer(citizen, reply, media_ids or {})
