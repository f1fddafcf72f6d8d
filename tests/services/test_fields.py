"""The field types this area adds: Aadhaar, place pickers, upload, location, identifier."""

from __future__ import annotations

from typing import Any

import pytest

from manamitra import clock
from manamitra.catalog.schema import StepSpec
from manamitra.errors import SpecError, ValidationError
from manamitra.fields import AskContext, get_field_type
from manamitra.fields.base import PageRequest
from manamitra.messaging.inbound import Inbound, Location, Media
from manamitra.messaging.reply import ListMenu, LocationRequest, Text
from manamitra.privacy import verhoeff_digit
from tests.support.parts import build_parts

PROMPT = {"en": "Q?", "te": "ప్ర?"}


def _step(type_: str, **params: Any) -> StepSpec:
    return StepSpec.model_validate({"id": "s", "type": type_, "prompt": PROMPT, **params})


def _text(text: str) -> Inbound:
    return Inbound(message_id="m", citizen="91", kind="text", sent_at=clock.now(), text=text)


def _ctx(**answers: Any) -> AskContext:
    return AskContext(lang="te", answers=answers, parts=build_parts())


def test_aadhaar_is_stored_sealed_and_displayed_masked() -> None:
    number = "49871234567" + verhoeff_digit("49871234567")
    field = get_field_type("aadhaar")
    value = field.parse(_step("aadhaar"), _text(f"{number[:4]} {number[4:8]} {number[8:]}"), _ctx())
    assert set(value) == {"enc", "last4"} and number not in str(value)
    assert field.display(_step("aadhaar"), value, "te") == f"XXXX XXXX {number[-4:]}"


@pytest.mark.parametrize("typed", ["12345678901", "023412341234", "234123412345", "abcd"])
def test_bad_aadhaar_is_refused(typed: str) -> None:
    with pytest.raises(ValidationError) as caught:
        get_field_type("aadhaar").parse(_step("aadhaar"), _text(typed), _ctx())
    assert caught.value.message_key == "errors.aadhaar_invalid"


def test_district_list_is_paged_and_takes_a_typed_telugu_name() -> None:
    field = get_field_type("district")
    replies = field.prompt(_step("district"), _ctx())
    assert isinstance(replies[0], ListMenu)
    rows = [r for s in replies[0].sections for r in s.rows]
    assert len(rows) <= 10 and rows[-1].id.startswith("page:")
    assert field.parse(_step("district"), _text("శ్రీ సత్యసాయి"), _ctx()) == "sri_sathya_sai"
    page = Inbound(
        message_id="m", citizen="91", kind="choice", sent_at=clock.now(), choice_id="page:1"
    )
    assert isinstance(field.parse(_step("district"), page, _ctx()), PageRequest)


def test_mandals_and_villages_follow_the_earlier_answers() -> None:
    mandal = get_field_type("mandal")
    assert (
        mandal.parse(_step("mandal"), _text("Tenali"), _ctx(district="guntur")) == "guntur.tenali"
    )
    with pytest.raises(ValidationError):
        mandal.parse(_step("mandal"), _text("Tenali"), _ctx(district="kurnool"))
    village = get_field_type("village")
    assert (
        village.parse(_step("village"), _text("1"), _ctx(mandal="guntur.tenali"))
        == "guntur.tenali.tenali"
    )
    assert village.display(_step("village"), "guntur.tenali.tenali", "te") == "తెనాలి"


def _media(kind: str, mime: str, size: int | None = 1000) -> Inbound:
    return Inbound(
        message_id="m",
        citizen="91",
        kind=kind,
        sent_at=clock.now(),  # type: ignore[arg-type]
        media=Media(id="wa-1", mime_type=mime, file_size=size, filename="x"),
    )


def test_upload_keeps_a_reference_and_checks_type_and_size() -> None:
    field = get_field_type("upload")
    step = _step("upload", accept=["photo"], max_mb=2)
    value = field.parse(step, _media("image", "image/jpeg"), _ctx())
    assert value["media_key"] == "wa-media:wa-1" and value["mime_type"] == "image/jpeg"
    with pytest.raises(ValidationError) as wrong_type:
        field.parse(step, _media("document", "application/pdf"), _ctx())
    assert wrong_type.value.message_key == "errors.upload_wrong_type"
    with pytest.raises(ValidationError) as too_big:
        field.parse(step, _media("image", "image/png", 3 * 1024 * 1024), _ctx())
    assert too_big.value.params == {"limit_mb": 2}
    with pytest.raises(ValidationError):
        field.parse(step, _text("here"), _ctx())
    with pytest.raises(SpecError):
        field.check(_step("upload", accept=["video"]))
    prompt = field.prompt(step, _ctx())[0]
    assert isinstance(prompt, Text) and "2 MB" in prompt.body


def test_location_takes_a_pin_or_a_district_name() -> None:
    field = get_field_type("location")
    pin = Inbound(
        message_id="m",
        citizen="91",
        kind="location",
        sent_at=clock.now(),
        location=Location(16.5, 80.6),
    )
    assert field.parse(_step("location"), pin, _ctx())["latitude"] == 16.5
    assert field.parse(_step("location"), _text("గుంటూరు"), _ctx())["name"] == "Guntur"
    assert isinstance(field.prompt(_step("location"), _ctx())[0], LocationRequest)
    with pytest.raises(ValidationError):
        field.parse(_step("location"), _text("somewhere"), _ctx())


def test_identifier_checks_its_pattern_and_example() -> None:
    field = get_field_type("identifier")
    step = _step("identifier", pattern=r"AP\d{2}[A-Z]{1,2}\d{4}", example="AP39AB1234")
    assert field.parse(step, _text("ap 39 ab 1234"), _ctx()) == "AP39AB1234"
    with pytest.raises(ValidationError) as caught:
        field.parse(step, _text("TS09"), _ctx())
    assert caught.value.params == {"example": "AP39AB1234"}
    with pytest.raises(SpecError):
        field.check(_step("identifier", pattern=r"\d{4}", example="12"))


@pytest.mark.parametrize(
    ("typed", "rupees"),
    [
        ("1.2 lakh", 120_000),
        ("1,20,000", 120_000),
        ("120000", 120_000),
        ("₹1.2L", 120_000),
        ("1 lakh 20 thousand", 120_000),
        ("12 వేలు", 12_000),
        ("లక్ష", 100_000),
        ("2 లక్షల 50 వేలు", 250_000),
        ("₹120,000", 120_000),
        ("Rs. 1500/-", 1_500),
        ("౧౫౦౦ రూపాయలు", 1_500),
        ("12k", 12_000),
        ("1.5 crore", 15_000_000),
    ],
)
def test_amounts_are_read_as_people_type_them(typed: str, rupees: int) -> None:
    amount = get_field_type("amount")
    assert amount.parse(_step("amount"), _text(typed), _ctx()) == rupees * 100


@pytest.mark.parametrize("typed", ["lots", "1,2,3", "12 34", "1.234", "abc lakh", "-5"])
def test_what_is_not_an_amount_is_refused(typed: str) -> None:
    with pytest.raises(ValidationError):
        get_field_type("amount").parse(_step("amount"), _text(typed), _ctx())


def test_amounts_are_shown_with_indian_grouping() -> None:
    assert get_field_type("amount").display(_step("amount"), 12_000_000, "te") == "₹1,20,000"
