"""Walking any spec to its end through the engine, with a valid (and optionally first an
invalid) answer for every question; driven from the specs by field type."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from manamitra import clock
from manamitra.catalog.schema import ServiceSpec, StepSpec
from manamitra.conversation.flow import next_pending
from manamitra.fields.base import get_field_type
from manamitra.messaging.i18n import t
from manamitra.messaging.inbound import Media
from manamitra.messaging.reply import Buttons, ListMenu, LocationRequest, Reply, Text
from manamitra.privacy import verhoeff_digit
from tests.support.engine_driver import Chat, order_reference

AADHAAR = "49871234567" + verhoeff_digit("49871234567")


@dataclass
class Walk:
    replies: list[Reply] = field(default_factory=list)
    errors_seen: list[str] = field(default_factory=list)
    questions: int = 0
    bill: list[Reply] = field(default_factory=list)
    review: list[Reply] = field(default_factory=list)
    answers: dict[str, Any] = field(default_factory=dict)
    labels: dict[str, Any] = field(default_factory=dict)


def _first_option_id(chat: Chat) -> str:
    for choice_id in chat.convo.state.get("valid_ids", []):
        if choice_id.startswith("opt:"):
            return choice_id
    raise AssertionError(f"no option offered: {chat.last!r}")


def send_valid(chat: Chat, step: StepSpec, lang: str) -> list[Reply]:
    params = step.params
    kind = step.type
    example = params.get("example")
    if kind in ("choice", "district", "mandal", "village"):
        return chat.tap(_first_option_id(chat))
    if kind == "yes_no":
        return chat.tap("opt:no" if step.id.endswith("_more") else "opt:yes")
    if kind == "consent":
        return chat.tap("opt:agree")
    if kind == "upload":
        accept = params.get("accept", ["photo", "pdf"])
        if "photo" in accept:
            return chat.send_media(
                "image", Media(id="m-photo-1", mime_type="image/jpeg", file_size=120_000)
            )
        return chat.send_media(
            "document",
            Media(
                id="m-pdf-1", mime_type="application/pdf", filename="plan.pdf", file_size=300_000
            ),
        )
    if kind == "location":
        return chat.send_location(16.5150, 80.6300)
    if example is not None:
        return chat.say(str(example))
    if kind == "name":
        return chat.say("రవి కుమార్" if lang == "te" else "Ravi Kumar")
    if kind == "aadhaar":
        return chat.say(AADHAAR)
    if kind == "mobile":
        return chat.say("98765 43210")
    if kind == "date":
        if params.get("future"):
            return chat.say(
                (clock.to_ist(clock.now()).date() + timedelta(days=3)).strftime("%d-%m-%Y")
            )
        return chat.say("5 Aug 1990")
    if kind == "number":
        low, high = int(params.get("min", 0)), int(params.get("max", 10**6))
        return chat.say(str(max(low, min(high, 5))))
    if kind == "amount":
        return chat.say("1,20,000")
    if kind == "text":
        return chat.say("4-12-7, Bose Road")
    if kind == "complaint":
        return chat.say("The drain near the school has overflowed since Monday")
    raise AssertionError(f"no valid sample for field type {kind}")


def send_invalid(chat: Chat, step: StepSpec, lang: str) -> tuple[list[Reply], str]:
    """Send a wrong answer; return the replies and the localised error expected first."""
    kind, params = step.type, step.params
    samples: dict[str, tuple[str, str, dict[str, Any]]] = {
        "name": ("12345", "errors.name_invalid", {}),
        "aadhaar": ("123412341234", "errors.aadhaar_invalid", {}),
        "mobile": ("12345", "errors.mobile_invalid", {}),
        "date": ("32-13-2020", "errors.date_invalid", {}),
        "number": ("many", "errors.number_invalid", {}),
        "amount": ("lots", "errors.amount_invalid", {}),
        "choice": ("zzzz", "errors.choice_invalid", {}),
        "district": ("Atlantis", "errors.choice_invalid", {}),
        "mandal": ("Atlantis", "errors.choice_invalid", {}),
        "village": ("Atlantis", "errors.choice_invalid", {}),
        "yes_no": ("maybe", "errors.yes_no_invalid", {}),
        "consent": ("no thanks", "errors.consent_required", {}),
        "identifier": ("X#1", "errors.identifier_invalid", {"example": params.get("example")}),
        "upload": ("here it is", "errors.upload_expected", {}),
        "location": ("somewhere", "errors.location_expected", {}),
    }
    if kind == "text":
        limit = int(params.get("max_length", 1000))
        return chat.say("x" * (limit + 1)), t(lang, "errors.text_too_long", max=limit)
    text, key, values = samples[kind]
    return chat.say(text), t(lang, key, **values)


def walk(chat: Chat, spec: ServiceSpec, lang: str, *, invalid_first: bool = False) -> Walk:
    """Start the service, answer every question, submit; return the final replies."""
    result = Walk()
    chat.say("Hi")
    chat.tap(f"lang:{lang}")
    chat.tap(f"svc:{spec.id}")
    for _ in range(80):
        flow = chat.convo.state.get("flow")
        if flow is None:
            result.replies = chat.last
            return result
        if flow.get("phase") == "confirm":
            result.review = chat.last
            result.answers = copy.deepcopy(flow["answers"])
            result.labels = copy.deepcopy(flow.get("labels", {}))
            result.replies = chat.tap("flow:submit")
            reference = order_reference(result.replies)
            if reference is not None and spec.fee_paise:
                result.bill = result.replies
                result.replies = chat.pay(reference)
            continue
        pending = next_pending(spec, flow["answers"])
        assert pending is not None, f"{spec.id}: flow waiting in phase {flow.get('phase')}"
        step = pending.step
        get_field_type(step.type)
        result.questions += 1
        if invalid_first and not pending.is_more_question:
            before = copy.deepcopy(flow["answers"])
            replies, expected = send_invalid(chat, step, lang)
            assert isinstance(replies[0], Text), f"{spec.id}.{step.id}: {replies!r}"
            assert replies[0].body == expected, f"{spec.id}.{step.id}: {replies[0].body!r}"
            assert isinstance(replies[-1], Text | Buttons | ListMenu | LocationRequest)
            assert chat.convo.state["flow"]["answers"] == before, (
                f"{spec.id}.{step.id}: lost answers"
            )
            again = next_pending(spec, chat.convo.state["flow"]["answers"])
            assert again is not None and again.path == pending.path
            result.errors_seen.append(step.id)
        send_valid(chat, step, lang)
    raise AssertionError(f"{spec.id}: did not finish")
