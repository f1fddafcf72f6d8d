"""Typed fields: text, name, number, amount, date, mobile, PIN code, email."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from typing import Any

from manamitra import clock
from manamitra.catalog.schema import StepSpec
from manamitra.errors import SpecError, ValidationError
from manamitra.fields.base import (
    AskContext,
    FieldType,
    number_as_typed,
    require_text,
)
from manamitra.fields.rupees import AmountTextError, parse_rupees
from manamitra.formatting import date_numeric, money
from manamitra.messaging.inbound import Inbound
from manamitra.privacy import SEALED_MASK, is_sealed_text

MAX_TEXT = 1000


def _digits(text: str) -> str:
    """Every kind of decimal digit (Telugu ౦-౯ included) as ASCII; everything else kept."""
    return "".join(str(unicodedata.digit(ch)) if ch.isdigit() else ch for ch in text)


def _compact(text: str) -> str:
    """Digits as ASCII with the spaces and dashes people type inside numbers removed."""
    return re.sub(r"[\s-]", "", _digits(text))


class TextField(FieldType):
    """Free text, trimmed, with length limits; `sealed: true` keeps the answer sealed with the
    data key (a caste), never in clear at rest, "••••••" wherever it is shown unopened
    (`Cipher.open_answers`)::

    - {id: address, type: text, max_length: 300, prompt: {en: "Your address?", te: "మీ చిరునామా?"}}
    """

    name = "text"

    def check(self, step: StepSpec) -> None:
        if not isinstance(step.params.get("sealed", False), bool):
            raise SpecError(f"steps.{step.id}.sealed: true or false")

    def parse(self, step: StepSpec, inbound: Inbound, ctx: AskContext) -> Any:
        text = " ".join(require_text(inbound).split())
        max_length = int(step.params.get("max_length", MAX_TEXT))
        min_length = int(step.params.get("min_length", 1))
        if len(text) > max_length:
            raise ValidationError("errors.text_too_long", max=max_length)
        if len(text) < min_length:
            raise ValidationError("errors.text_too_short", min=min_length)
        if step.params.get("sealed"):
            return ctx.cipher().seal_text(text)
        return text

    def display(self, step: StepSpec, value: Any, lang: str) -> str:
        return SEALED_MASK if is_sealed_text(value) else str(value)


_NAME_PATTERN = re.compile(r"^[A-Za-z\u0C00-\u0C7F][A-Za-z\u0C00-\u0C7F .'\u200c\u200d-]*$")


class NameField(FieldType):
    """A person's name in Telugu or English letters::

    - {id: applicant_name, type: name, prompt: {en: "Full name?", te: "పూర్తి పేరు?"}}
    """

    name = "name"

    def parse(self, step: StepSpec, inbound: Inbound, ctx: AskContext) -> Any:
        text = unicodedata.normalize("NFC", " ".join(require_text(inbound).split()))
        if len(text) > int(step.params.get("max_length", 100)):
            raise ValidationError("errors.text_too_long", max=step.params.get("max_length", 100))
        if len(text) < 2 or not _NAME_PATTERN.match(text):
            raise ValidationError("errors.name_invalid")
        return text


class NumberField(FieldType):
    """A whole number, optionally within `min`/`max`::

    - {id: members, type: number, min: 1, max: 20, prompt: {en: "How many?", te: "ఎంత మంది?"}}
    """

    name = "number"

    def parse(self, step: StepSpec, inbound: Inbound, ctx: AskContext) -> Any:
        text = _compact(require_text(inbound)).replace(",", "")
        if not re.fullmatch(r"\d{1,12}", text):
            raise ValidationError("errors.number_invalid")
        value = int(text)
        low, high = step.params.get("min"), step.params.get("max")
        if (low is not None and value < int(low)) or (high is not None and value > int(high)):
            raise ValidationError(
                "errors.number_out_of_range",
                min=low if low is not None else 0,
                max=high if high is not None else "∞",
            )
        return value


class AmountField(FieldType):
    """Rupees as people type them ("1,20,000", "1.2 lakh", "12 వేలు"), stored as paise::

    - {id: annual_income, type: amount, max_rupees: 100000000, prompt: {en: "Yearly income (₹)?", te: "సంవత్సర ఆదాయం (₹)?"}}
    """

    name = "amount"

    def parse(self, step: StepSpec, inbound: Inbound, ctx: AskContext) -> Any:
        try:
            paise = parse_rupees(require_text(inbound))
        except AmountTextError as exc:
            raise ValidationError("errors.amount_invalid") from exc
        high = step.params.get("max_rupees")
        if high is not None and paise > int(high) * 100:
            raise ValidationError("errors.number_out_of_range", min=0, max=high)
        return paise

    def display(self, step: StepSpec, value: Any, lang: str) -> str:
        return money(int(value))


_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
    "జనవరి": 1,
    "ఫిబ్రవరి": 2,
    "మార్చి": 3,
    "ఏప్రిల్": 4,
    "మే": 5,
    "జూన్": 6,
    "జూలై": 7,
    "ఆగస్టు": 8,
    "సెప్టెంబరు": 9,
    "సెప్టెంబర్": 9,
    "అక్టోబరు": 10,
    "అక్టోబర్": 10,
    "నవంబరు": 11,
    "నవంబర్": 11,
    "డిసెంబరు": 12,
    "డిసెంబర్": 12,
}


def parse_date(text: str, today: date) -> date:
    """05-08-1990, 5/8/90, 5.8.1990, 1990-08-05, 5 Aug 1990, 5 ఆగస్టు 1990 (day first, as in India)."""
    cleaned = _digits(text.strip().casefold()).replace(",", " ")
    if cleaned in {"today", "ఈరోజు", "ఈ రోజు"}:
        return today
    if cleaned in {"tomorrow", "రేపు"}:
        return today + timedelta(days=1)
    match = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", cleaned)
    if match:
        return date(int(match[1]), int(match[2]), int(match[3]))
    match = re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})", cleaned)
    if match:
        day, month, year = int(match[1]), int(match[2]), int(match[3])
    else:
        match = re.fullmatch(r"(\d{1,2})\s*[- ]?\s*([^\d\s-]+)[\s-]*(\d{2}|\d{4})", cleaned)
        if not match:
            raise ValueError(text)
        word = match[2].strip(".")
        month_number = _MONTHS.get(word) or _MONTHS.get(word[:3])
        if month_number is None:
            raise ValueError(text)
        day, month, year = int(match[1]), month_number, int(match[3])
    if year < 100:
        # Two-digit years: the most recent such year not in the future (90 → 1990, 05 → 2005).
        year += 2000 if 2000 + year <= today.year else 1900
    return date(year, month, day)


class DateField(FieldType):
    """A date in any common Indian form; `past: true` or `future: true` to restrict::

    - {id: date_of_birth, type: date, past: true, prompt: {en: "Date of birth?", te: "పుట్టిన తేదీ?"}}
    """

    name = "date"

    def parse(self, step: StepSpec, inbound: Inbound, ctx: AskContext) -> Any:
        today = clock.to_ist(clock.now()).date()
        try:
            value = parse_date(require_text(inbound), today)
        except ValueError as exc:
            raise ValidationError("errors.date_invalid") from exc
        if step.params.get("past") and value > today:
            raise ValidationError("errors.date_in_future")
        if step.params.get("future") and value < today:
            raise ValidationError("errors.date_in_past")
        max_days = step.params.get("max_days_ahead")
        if max_days is not None and value > today + timedelta(days=int(max_days)):
            raise ValidationError(
                "errors.date_out_of_range",
                min=today.strftime("%d-%m-%Y"),
                max=(today + timedelta(days=int(max_days))).strftime("%d-%m-%Y"),
            )
        return value.isoformat()

    def display(self, step: StepSpec, value: Any, lang: str) -> str:
        return date_numeric(str(value))


class MobileField(FieldType):
    """An Indian mobile number (10 digits from 6-9; +91 or 0 prefix accepted)::

    - {id: mobile, type: mobile, prompt: {en: "Mobile number?", te: "మొబైల్ నంబర్?"}}
    """

    name = "mobile"

    def parse(self, step: StepSpec, inbound: Inbound, ctx: AskContext) -> Any:
        text = _compact(number_as_typed(inbound, ctx)).replace("+", "")
        if len(text) == 12 and text.startswith("91"):
            text = text[2:]
        elif len(text) == 11 and text.startswith("0"):
            text = text[1:]
        if not re.fullmatch(r"[6-9]\d{9}", text):
            raise ValidationError("errors.mobile_invalid")
        return text


class PincodeField(FieldType):
    """A 6-digit Indian PIN code; Andhra Pradesh codes start with 5::

    - {id: pincode, type: pincode, prompt: {en: "PIN code?", te: "పిన్ కోడ్?"}}
    """

    name = "pincode"

    def parse(self, step: StepSpec, inbound: Inbound, ctx: AskContext) -> Any:
        text = _compact(require_text(inbound))
        if not re.fullmatch(r"[1-9]\d{5}", text):
            raise ValidationError("errors.pincode_invalid")
        return text


_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,24}$")


class EmailField(FieldType):
    """An email address::

    - {id: email, type: email, optional: true, prompt: {en: "Email?", te: "ఈమెయిల్?"}}
    """

    name = "email"

    def parse(self, step: StepSpec, inbound: Inbound, ctx: AskContext) -> Any:
        text = require_text(inbound)
        if not _EMAIL.match(text) or ".." in text:
            raise ValidationError("errors.email_invalid")
        return text.lower()
