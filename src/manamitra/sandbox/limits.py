"""Meta's checks on a `POST /{phone-number-id}/messages` body, answered as Meta answers them.

Missing or mistyped parameters get code 100; values outside Meta's limits (lengths, counts,
duplicates) get code 131009. The limits are those of the Cloud API reference (2025–2026).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from manamitra.messaging import limits as wa
from manamitra.sandbox import graph_error
from manamitra.sandbox.graph_error import GraphError

TEXT_BODY = wa.MAX_TEXT_BODY
INTERACTIVE_BODY = wa.MAX_INTERACTIVE_BODY
HEADER_TEXT = wa.MAX_HEADER
FOOTER_TEXT = wa.MAX_FOOTER
MAX_BUTTONS = wa.MAX_BUTTONS
BUTTON_TITLE = wa.MAX_BUTTON_TITLE
BUTTON_ID = wa.MAX_BUTTON_ID
LIST_BUTTON = wa.MAX_LIST_BUTTON
MAX_SECTIONS = wa.MAX_SECTIONS
MAX_ROWS = wa.MAX_LIST_ROWS
SECTION_TITLE = wa.MAX_SECTION_TITLE
ROW_TITLE = wa.MAX_ROW_TITLE
ROW_DESCRIPTION = wa.MAX_ROW_DESCRIPTION
ROW_ID = wa.MAX_ROW_ID
CTA_DISPLAY_TEXT = wa.MAX_CTA_TEXT
CAPTION = wa.MAX_CAPTION

MEDIA_TYPES = ("image", "document", "audio", "video", "sticker")
INTERACTIVE_TYPES = (
    "button",
    "list",
    "cta_url",
    "location_request_message",
    "order_details",
    "order_status",
    "flow",
    "product",
    "product_list",
    "catalog_message",
    "address_message",
    "call_permission_request",
)
MESSAGE_TYPES = (
    "text",
    "interactive",
    "template",
    "reaction",
    "location",
    "contacts",
    *MEDIA_TYPES,
)

MediaExists = Callable[[str], bool]
_NOT_DIGIT = re.compile(r"\D")


def validate_message(body: Any, media_exists: MediaExists) -> str:
    """Check a send-message body; return its `type`, or raise GraphError as Meta would."""
    if not isinstance(body, dict):
        raise graph_error.param("Invalid JSON for postbody")
    if body.get("messaging_product") != "whatsapp":
        raise graph_error.param("The parameter messaging_product is required.")
    if body.get("recipient_type", "individual") not in ("individual", "group"):
        raise graph_error.param("Param recipient_type must be one of {INDIVIDUAL, GROUP}")
    to, recipient = body.get("to"), body.get("recipient")
    if recipient is not None and to is None:
        if not isinstance(recipient, str) or "." not in recipient:
            raise graph_error.param("Param recipient must be a business-scoped user id.")
    elif not isinstance(to, str) or not 8 <= len(wa_id(to)) <= 15:
        raise graph_error.param("The parameter to is required.")
    kind = body.get("type", "text")
    if kind not in MESSAGE_TYPES:
        raise graph_error.param(f"Param type must be one of {{{', '.join(MESSAGE_TYPES)}}}")
    content = body.get(kind)
    if not isinstance(content, dict) and kind != "contacts":
        raise graph_error.param(f"The parameter {kind} is required.")
    _CHECKS[kind](content, media_exists)
    return str(kind)


def wa_id(to: str) -> str:
    """Meta accepts `to` with a plus, spaces or dashes; the WhatsApp id is the digits."""
    return to if to.isdigit() else _NOT_DIGIT.sub("", to)


def _text(content: dict[str, Any], _media: MediaExists) -> None:
    body = _required_str(content, "body", "text['body']")
    _max_len(body, TEXT_BODY, "text['body']", code_100=True)


def _interactive(content: dict[str, Any], media: MediaExists) -> None:
    kind = content.get("type")
    if kind not in INTERACTIVE_TYPES:
        raise graph_error.param(
            f"Param interactive['type'] must be one of {{{', '.join(INTERACTIVE_TYPES)}}}"
        )
    needs_body = kind not in ("product", "order_status") or "body" in content
    if needs_body:
        body = content.get("body")
        text = body.get("text") if isinstance(body, dict) else None
        if not isinstance(text, str) or not text:
            raise graph_error.param("The parameter interactive['body']['text'] is required.")
        if len(text) > INTERACTIVE_BODY:
            raise graph_error.value(
                f"Message body text length invalid. Min length: 1, Max length: {INTERACTIVE_BODY}"
            )
    _header(content.get("header"), media)
    footer = content.get("footer")
    if footer is not None:
        text = footer.get("text") if isinstance(footer, dict) else None
        if not isinstance(text, str):
            raise graph_error.param("The parameter interactive['footer']['text'] is required.")
        if len(text) > FOOTER_TEXT:
            raise graph_error.value(
                f"Footer text length invalid. Min length: 1, Max length: {FOOTER_TEXT}"
            )
    action = content.get("action")
    if not isinstance(action, dict):
        raise graph_error.param("The parameter interactive['action'] is required.")
    check = _ACTION_CHECKS.get(str(kind))
    if check is not None:
        check(action)


def _header(header: Any, media: MediaExists) -> None:
    if header is None:
        return
    if not isinstance(header, dict) or header.get("type") not in (
        "text",
        "image",
        "video",
        "document",
    ):
        raise graph_error.param(
            "Param interactive['header']['type'] must be one of {TEXT, IMAGE, VIDEO, DOCUMENT}"
        )
    kind = header["type"]
    if kind == "text":
        text = _required_str(header, "text", "interactive['header']['text']")
        if len(text) > HEADER_TEXT:
            raise graph_error.value(
                f"Header text length invalid. Min length: 1, Max length: {HEADER_TEXT}"
            )
        return
    _media_object(header.get(kind), f"interactive['header']['{kind}']", media)


def _buttons(action: dict[str, Any]) -> None:
    buttons = action.get("buttons")
    if not isinstance(buttons, list):
        raise graph_error.param("The parameter interactive['action']['buttons'] is required.")
    if not 1 <= len(buttons) <= MAX_BUTTONS:
        raise graph_error.value(
            f"Invalid buttons count. Min allowed buttons: 1, Max allowed buttons: {MAX_BUTTONS}"
        )
    ids: set[str] = set()
    titles: set[str] = set()
    for index, button in enumerate(buttons):
        reply = button.get("reply") if isinstance(button, dict) else None
        if (
            not isinstance(button, dict)
            or button.get("type") != "reply"
            or not isinstance(reply, dict)
        ):
            raise graph_error.param(
                f"Param interactive['action']['buttons'][{index}]['type'] must be REPLY"
            )
        title = _required_str(
            reply, "title", f"interactive['action']['buttons'][{index}]['reply']['title']"
        )
        button_id = _required_str(
            reply, "id", f"interactive['action']['buttons'][{index}]['reply']['id']"
        )
        if len(title) > BUTTON_TITLE:
            raise graph_error.value(
                f"Button title length invalid. Min length: 1, Max length: {BUTTON_TITLE}"
            )
        if len(button_id) > BUTTON_ID:
            raise graph_error.value(
                f"Button id length invalid. Min length: 1, Max length: {BUTTON_ID}"
            )
        if button_id in ids:
            raise graph_error.value("Button ids must be unique within a message.")
        if title in titles:
            raise graph_error.value("Button titles must be unique within a message.")
        ids.add(button_id)
        titles.add(title)


def _list(action: dict[str, Any]) -> None:
    label = _required_str(action, "button", "interactive['action']['button']")
    if len(label) > LIST_BUTTON:
        raise graph_error.value(
            f"Button title length invalid. Min length: 1, Max length: {LIST_BUTTON}"
        )
    sections = action.get("sections")
    if not isinstance(sections, list) or not sections:
        raise graph_error.param("The parameter interactive['action']['sections'] is required.")
    if len(sections) > MAX_SECTIONS:
        raise graph_error.value(
            f"Invalid sections count. Min allowed sections: 1, Max allowed sections: {MAX_SECTIONS}"
        )
    row_ids: set[str] = set()
    total = 0
    for s_index, section in enumerate(sections):
        if not isinstance(section, dict):
            raise graph_error.param(
                f"Param interactive['action']['sections'][{s_index}] must be an object"
            )
        title = section.get("title")
        if len(sections) > 1 and not title:
            raise graph_error.value(
                "Section title is required when there is more than one section."
            )
        if isinstance(title, str) and len(title) > SECTION_TITLE:
            raise graph_error.value(
                f"Section title length invalid. Min length: 1, Max length: {SECTION_TITLE}"
            )
        rows = section.get("rows")
        if not isinstance(rows, list) or not rows:
            raise graph_error.param(
                f"The parameter interactive['action']['sections'][{s_index}]['rows'] is required."
            )
        total += len(rows)
        if total > MAX_ROWS:
            raise graph_error.value(f"Total row count exceed max allowed count: {MAX_ROWS}")
        for r_index, row in enumerate(rows):
            where = f"interactive['action']['sections'][{s_index}]['rows'][{r_index}]"
            if not isinstance(row, dict):
                raise graph_error.param(f"Param {where} must be an object")
            row_title = _required_str(row, "title", f"{where}['title']")
            row_id = _required_str(row, "id", f"{where}['id']")
            if len(row_title) > ROW_TITLE:
                raise graph_error.value(
                    f"Row title length invalid. Min length: 1, Max length: {ROW_TITLE}"
                )
            if len(row_id) > ROW_ID:
                raise graph_error.value(
                    f"Row id length invalid. Min length: 1, Max length: {ROW_ID}"
                )
            description = row.get("description")
            if description is not None and (
                not isinstance(description, str) or len(description) > ROW_DESCRIPTION
            ):
                raise graph_error.value(
                    f"Row description length invalid. Max length: {ROW_DESCRIPTION}"
                )
            if row_id in row_ids:
                raise graph_error.value("Row ids must be unique within a message.")
            row_ids.add(row_id)


def _cta_url(action: dict[str, Any]) -> None:
    if action.get("name") != "cta_url":
        raise graph_error.param("Param interactive['action']['name'] must be cta_url")
    params = action.get("parameters")
    if not isinstance(params, dict):
        raise graph_error.param("The parameter interactive['action']['parameters'] is required.")
    display = _required_str(
        params, "display_text", "interactive['action']['parameters']['display_text']"
    )
    if len(display) > CTA_DISPLAY_TEXT:
        raise graph_error.value(
            f"Display text length invalid. Min length: 1, Max length: {CTA_DISPLAY_TEXT}"
        )
    url = _required_str(params, "url", "interactive['action']['parameters']['url']")
    if not url.startswith(("http://", "https://")):
        raise graph_error.value("URL is invalid. It must start with http:// or https://")


def _location_request(action: dict[str, Any]) -> None:
    if action.get("name") != "send_location":
        raise graph_error.param("Param interactive['action']['name'] must be send_location")


def _order_details(action: dict[str, Any]) -> None:
    if action.get("name") != "review_and_pay":
        raise graph_error.param("Param interactive['action']['name'] must be review_and_pay")
    params = _required_dict(action, "parameters", "interactive['action']['parameters']")
    _required_str(params, "reference_id", "interactive['action']['parameters']['reference_id']")
    if params.get("currency") != "INR":
        raise graph_error.value("Currency must be INR.")
    total = _amount(params, "total_amount")
    order = _required_dict(params, "order", "interactive['action']['parameters']['order']")
    items = order.get("items")
    if not isinstance(items, list) or not items:
        raise graph_error.param("The parameter order['items'] is required.")
    item_sum = 0
    for item in items:
        if not isinstance(item, dict):
            raise graph_error.param("Param order['items'] must contain objects")
        quantity = item.get("quantity", 1)
        if not isinstance(quantity, int) or quantity < 1:
            raise graph_error.value("Item quantity must be a positive integer.")
        item_sum += _amount(item, "amount") * quantity
    subtotal = _amount(order, "subtotal")
    if subtotal != item_sum:
        raise graph_error.value("Order subtotal must equal the sum of item amount x quantity.")
    extras = sum(_amount(order, key) for key in ("tax", "shipping") if key in order)
    discount = _amount(order, "discount") if "discount" in order else 0
    if total != subtotal + extras - discount:
        raise graph_error.value("Total amount must equal subtotal + tax + shipping - discount.")


def _order_status(action: dict[str, Any]) -> None:
    if action.get("name") != "review_order":
        raise graph_error.param("Param interactive['action']['name'] must be review_order")
    params = _required_dict(action, "parameters", "interactive['action']['parameters']")
    _required_str(params, "reference_id", "interactive['action']['parameters']['reference_id']")
    order = _required_dict(params, "order", "interactive['action']['parameters']['order']")
    if order.get("status") not in (
        "pending",
        "processing",
        "partially_shipped",
        "shipped",
        "completed",
        "canceled",
    ):
        raise graph_error.value("Order status is invalid.")


def _amount(container: dict[str, Any], key: str) -> int:
    amount = container.get(key)
    if (
        not isinstance(amount, dict)
        or not isinstance(amount.get("value"), int)
        or not (amount.get("offset") == 100)
    ):
        raise graph_error.param(f"Param {key} must be an object with integer value and offset 100")
    return int(amount["value"])


def _media(kind: str) -> Callable[[dict[str, Any], MediaExists], None]:
    def check(content: dict[str, Any], media: MediaExists) -> None:
        _media_object(content, kind, media)
        caption = content.get("caption")
        if caption is not None:
            if kind in ("audio", "sticker"):
                raise graph_error.param(f"Param {kind}['caption'] is not supported")
            if not isinstance(caption, str) or len(caption) > CAPTION:
                raise graph_error.value(
                    f"Caption length invalid. Min length: 0, Max length: {CAPTION}"
                )

    return check


def _media_object(content: Any, where: str, media: MediaExists) -> None:
    if not isinstance(content, dict):
        raise graph_error.param(f"The parameter {where} is required.")
    media_id, link = content.get("id"), content.get("link")
    if (media_id is None) == (link is None):
        raise graph_error.param(f"Param {where} must have exactly one of id or link")
    if media_id is not None and (not isinstance(media_id, str) or not media(media_id)):
        raise graph_error.param(
            f"Param {where}['id'] is not a valid whatsapp business account media attachment ID"
        )
    if link is not None and (
        not isinstance(link, str) or not link.startswith(("http://", "https://"))
    ):
        raise graph_error.param(f"Param {where}['link'] must be a valid URL")


def _template(content: dict[str, Any], _media: MediaExists) -> None:
    _required_str(content, "name", "template['name']")
    language = _required_dict(content, "language", "template['language']")
    _required_str(language, "code", "template['language']['code']")
    components = content.get("components", [])
    if not isinstance(components, list):
        raise graph_error.param("Param template['components'] must be an array")


def _reaction(content: dict[str, Any], _media: MediaExists) -> None:
    _required_str(content, "message_id", "reaction['message_id']")
    if not isinstance(content.get("emoji", ""), str):
        raise graph_error.param("Param reaction['emoji'] must be a string")


def _location(content: dict[str, Any], _media: MediaExists) -> None:
    for key in ("latitude", "longitude"):
        value = content.get(key)
        if isinstance(value, str):
            try:
                float(value)
            except ValueError:
                raise graph_error.param(f"Param location['{key}'] must be a number") from None
        elif not isinstance(value, int | float):
            raise graph_error.param(f"The parameter location['{key}'] is required.")


def _contacts(content: Any, _media: MediaExists) -> None:
    if not isinstance(content, list) or not content:
        raise graph_error.param("The parameter contacts is required.")


def _required_str(container: dict[str, Any], key: str, where: str) -> str:
    value = container.get(key)
    if not isinstance(value, str) or not value:
        raise graph_error.param(f"The parameter {where} is required.")
    return value


def _required_dict(container: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = container.get(key)
    if not isinstance(value, dict):
        raise graph_error.param(f"The parameter {where} is required.")
    return value


def _max_len(value: str, limit: int, where: str, *, code_100: bool = False) -> None:
    if len(value) > limit:
        details = f"Param {where} must be at most {limit} characters long."
        raise graph_error.param(details) if code_100 else graph_error.value(details)


_ACTION_CHECKS: dict[str, Callable[[dict[str, Any]], None]] = {
    "button": _buttons,
    "list": _list,
    "cta_url": _cta_url,
    "location_request_message": _location_request,
    "order_details": _order_details,
    "order_status": _order_status,
}

_CHECKS: dict[str, Callable[[Any, MediaExists], None]] = {
    "text": _text,
    "interactive": _interactive,
    "template": _template,
    "reaction": _reaction,
    "location": _location,
    "contacts": _contacts,
    **{kind: _media(kind) for kind in MEDIA_TYPES},
}


def is_mark_read(body: Any) -> bool:
    return isinstance(body, dict) and body.get("status") == "read" and "message_id" in body


__all__ = ["GraphError", "is_mark_read", "validate_message"]
