"""A mobile or reference number that passes the Aadhaar check by chance is masked in the inbox
like any Aadhaar number, yet the step that asked for it still gets the number as typed."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest

import manamitra.fields.identifier  # noqa: F401  (registers the identifier type)
from manamitra.catalog.schema import StepSpec
from manamitra.errors import ValidationError
from manamitra.fields import AskContext, get_field_type
from manamitra.messaging.inbound import Inbound
from manamitra.pipeline.shield import shield
from manamitra.privacy import Cipher, is_valid_aadhaar
from tests.support.parts import build_parts

CIPHER = Cipher(os.urandom(32))
MOBILE_WITH_PREFIX = "919848000006"  # a real-looking mobile number that passes Verhoeff
SERVICE_NUMBER = "512300000016"


def _as_the_inbox_keeps(text: str) -> Inbound:
    typed = Inbound(
        message_id="wamid.x", citizen="919000000001", kind="text",
        sent_at=datetime(2026, 12, 6, tzinfo=UTC), text=text,
    )  # fmt: skip
    return shield(typed, lambda: CIPHER)


def _context() -> AskContext:
    return AskContext(lang="en", answers={}, parts=build_parts(privacy=CIPHER))


def test_the_examples_really_pass_the_aadhaar_check() -> None:
    assert is_valid_aadhaar(MOBILE_WITH_PREFIX) and is_valid_aadhaar(SERVICE_NUMBER)


def test_a_mobile_number_that_passes_the_check_is_masked_but_accepted() -> None:
    inbound = _as_the_inbox_keeps(f"+{MOBILE_WITH_PREFIX}")
    assert MOBILE_WITH_PREFIX not in (inbound.text or "")
    step = StepSpec(id="mobile", type="mobile", prompt={"en": "Mobile?", "te": "మొబైల్?"})
    assert get_field_type("mobile").parse(step, inbound, _context()) == "9848000006"


def test_a_service_number_that_passes_the_check_is_accepted_by_its_identifier_step() -> None:
    inbound = _as_the_inbox_keeps(SERVICE_NUMBER)
    assert SERVICE_NUMBER not in (inbound.text or "")
    step = StepSpec(
        id="service_number", type="identifier", pattern=r"\d{9,13}", example="1234567890",
        prompt={"en": "Service number?", "te": "సర్వీస్ నంబర్?"},
    )  # fmt: skip
    assert get_field_type("identifier").parse(step, inbound, _context()) == SERVICE_NUMBER


def test_free_text_steps_still_see_only_the_masked_number() -> None:
    inbound = _as_the_inbox_keeps(f"my number {SERVICE_NUMBER}")
    step = StepSpec(id="details", type="text", prompt={"en": "Details?", "te": "వివరాలు?"})
    kept = get_field_type("text").parse(step, inbound, _context())
    assert SERVICE_NUMBER not in str(kept) and "0016" in str(kept)


def test_an_aadhaar_number_typed_into_a_mobile_step_is_still_refused() -> None:
    inbound = _as_the_inbox_keeps("5612 8037 0957")
    step = StepSpec(id="mobile", type="mobile", prompt={"en": "Mobile?", "te": "మొబైల్?"})
    with pytest.raises(ValidationError):
        get_field_type("mobile").parse(step, inbound, _context())
