"""Account webhooks (`message_template_status_update`, `message_template_quality_update`,
`phone_number_quality_update`) → alerts' account events; a table of field → converter."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from manamitra.alerts.account import AccountEvent, NumberQuality, TemplateQuality, TemplateStatus
from manamitra.errors import PayloadError


def _value(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise PayloadError("value is not an object")
    return value


def _str(value: dict[str, Any], key: str) -> str:
    found = value.get(key)
    if not isinstance(found, str | int) or found == "":
        raise PayloadError(f"{key} missing")
    return str(found)[:512]


def _optional(value: dict[str, Any], key: str) -> str | None:
    found = value.get(key)
    return str(found)[:512] if isinstance(found, str | int) and found != "" else None


def _template_status(value: Any) -> AccountEvent:
    v = _value(value)
    reason = _optional(v, "reason")
    return TemplateStatus(
        name=_str(v, "message_template_name"),
        language=_optional(v, "message_template_language"),
        status=_str(v, "event").upper(),
        reason=None if reason in (None, "NONE") else reason,
    )


def _template_quality(value: Any) -> AccountEvent:
    v = _value(value)
    return TemplateQuality(
        name=_str(v, "message_template_name"),
        language=_optional(v, "message_template_language"),
        quality=_str(v, "new_quality_score").upper(),
    )


def _number_quality(value: Any) -> AccountEvent:
    v = _value(value)
    return NumberQuality(
        display_phone_number=_optional(v, "display_phone_number"),
        event=_str(v, "event").upper(),
        current_limit=_optional(v, "current_limit"),
    )


ACCOUNT_FIELDS: dict[str, Callable[[Any], AccountEvent]] = {
    "message_template_status_update": _template_status,
    "message_template_quality_update": _template_quality,
    "phone_number_quality_update": _number_quality,
}
