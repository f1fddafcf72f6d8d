"""Document templates as data: one YAML file per family (certificate, receipt, ticket) under
`documents/templates/`, validated at load so a bad template stops start-up, not an issuance.

    family: certificate
    layout: certificate
    types:
      income:
        department: revenue            # whose key signs it
        number_prefix: INC
        validity_days: 365
        title: {te: "ఆదాయ ధ్రువీకరణ పత్రం", en: "INCOME CERTIFICATE"}
        statement: {te: "… {holder} … {annual_income} …", en: "… {holder} … {annual_income} …"}
        fields:
          - {key: annual_income, format: rupees, qr: true, qr_key: inc,
             label: {te: "వార్షిక ఆదాయం", en: "Annual income"}}
    common_fields: []
"""

from __future__ import annotations

import string
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from manamitra import clock
from manamitra.errors import PayloadError, SpecError
from manamitra.formatting import indian_grouping, money, money_exact
from manamitra.names import to_latin, to_telugu
from manamitra.yamlio import load_yaml

TEMPLATES = Path(__file__).parent / "templates"
Format = Literal[
    "text", "bilingual", "name", "rupees", "paise", "money", "count", "date", "datetime", "choice"
]
# formats given as `x_en` and `x_te`: a name may come in one script only, and is then shown in
# the other by transliteration (`names`)
_TWO_SCRIPTS = ("bilingual", "name")
LANGUAGES = ("te", "en")


class Bilingual(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    te: str
    en: str

    def get(self, language: str) -> str:
        return self.te if language == "te" else self.en


class FieldSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    format: Format = "text"
    label: Bilingual
    qr: bool = False
    qr_key: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]{0,5}$")
    required: bool = True
    choices: dict[str, Bilingual] = Field(default_factory=dict)
    # the choice printed when the application did not gather this fact
    default: str | None = None

    @model_validator(mode="after")
    def _choices_for_choice(self) -> FieldSpec:
        if (self.format == "choice") != bool(self.choices):
            raise ValueError(f"field {self.key}: choices go with format 'choice' only")
        if self.default is not None and self.default not in self.choices:
            raise ValueError(f"field {self.key}: default {self.default!r} is not a choice")
        return self

    def fact_keys(self) -> tuple[str, ...]:
        return (f"{self.key}_en", f"{self.key}_te") if self.format in _TWO_SCRIPTS else (self.key,)

    def in_both_scripts(self, facts: dict[str, Any]) -> dict[str, Any]:
        """This field's facts with each half in its own script: a name given in one script is
        transliterated into the other; Telugu words in an English half are spelt in Latin
        letters (the English half is read by people who may not read Telugu)."""
        if self.format == "choice" and facts.get(self.key) in (None, "") and self.default:
            return {self.key: self.default}
        if self.format not in _TWO_SCRIPTS:
            return {}
        english = str(facts.get(f"{self.key}_en") or "").strip()
        telugu = str(facts.get(f"{self.key}_te") or "").strip()
        if self.format == "name":
            english, telugu = english or telugu, telugu or english
            return {f"{self.key}_en": to_latin(english), f"{self.key}_te": to_telugu(telugu)}
        return {f"{self.key}_en": to_latin(english or telugu), f"{self.key}_te": telugu or english}

    def show(self, facts: dict[str, Any], language: str) -> str:
        """The fact as a citizen reads it, in one language."""
        if self.format in _TWO_SCRIPTS:
            return str(facts[f"{self.key}_{language}"])
        value = facts[self.key]
        if self.format == "choice":
            return self.choices[str(value)].get(language)
        return format_value(self.format, value)

    def qr_value(self, facts: dict[str, Any]) -> str | int:
        value = facts[f"{self.key}_en" if self.format in _TWO_SCRIPTS else self.key]
        if self.format == "datetime":
            moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
            return int(moment.timestamp())  # five bytes of CBOR instead of 25 of ISO text
        return value if isinstance(value, int) else str(value)


class TypeSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    department: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    number_prefix: str = Field(pattern=r"^[A-Z]{2,5}$")
    validity_days: int | None = Field(default=None, gt=0)
    title: Bilingual
    statement: Bilingual
    fields: list[FieldSpec]


class FamilySpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    family: str
    layout: Literal["certificate", "receipt", "ticket"]
    types: dict[str, TypeSpec]
    common_fields: list[FieldSpec] = Field(default_factory=list)

    @model_validator(mode="after")
    def _placeholders_known(self) -> FamilySpec:
        for name, spec in self.types.items():
            known = {"holder", "number"} | {f.key for f in [*spec.fields, *self.common_fields]}
            for language in LANGUAGES:
                text = spec.statement.get(language)
                used = {p for _, p, _, _ in string.Formatter().parse(text) if p}
                unknown = used - known
                if unknown:
                    raise ValueError(
                        f"{self.family}.{name} statement ({language}) uses "
                        f"unknown placeholders {sorted(unknown)}"
                    )
        return self


class DocumentType(BaseModel):
    """One type with its family's layout and common fields resolved."""

    model_config = ConfigDict(frozen=True)
    name: str
    family: str
    layout: str
    spec: TypeSpec
    common_fields: list[FieldSpec]

    @property
    def all_fields(self) -> list[FieldSpec]:
        return [*self.spec.fields, *self.common_fields]

    def in_both_scripts(self, facts: dict[str, Any]) -> dict[str, Any]:
        """`facts` with every name in both scripts and each language's half in its script."""
        fixed = dict(facts)
        for spec in self.all_fields:
            fixed.update(spec.in_both_scripts(facts))
        return fixed

    def check_facts(self, facts: dict[str, Any]) -> None:
        for spec in self.all_fields:
            present = all(facts.get(k) not in (None, "") for k in spec.fact_keys())
            if spec.required and not present:
                raise PayloadError(
                    f"{self.name}: fact {spec.key!r} is required "
                    f"(give {', '.join(spec.fact_keys())})"
                )
            if present and spec.format == "choice" and str(facts[spec.key]) not in spec.choices:
                raise PayloadError(f"{self.name}: {spec.key} must be one of {sorted(spec.choices)}")

    def statement(self, language: str, facts: dict[str, Any], holder: str, number: str) -> str:
        values: dict[str, str] = {"holder": holder, "number": number}
        for spec in self.all_fields:
            if all(facts.get(k) not in (None, "") for k in spec.fact_keys()):
                values[spec.key] = spec.show(facts, language)
            else:
                values[spec.key] = "—"
        return self.spec.statement.get(language).format_map(values)

    def qr_facts(self, facts: dict[str, Any]) -> dict[str, str | int]:
        # `qr_key` is a short name for the QR only: every byte counts below version 12
        return {
            (f.qr_key or f.key): f.qr_value(facts)
            for f in self.all_fields
            if f.qr and all(facts.get(k) not in (None, "") for k in f.fact_keys())
        }


def format_value(fmt: str, value: Any) -> str:
    if fmt == "rupees":
        return f"₹ {indian_grouping(int(value))}"
    if fmt == "paise":
        return money_exact(int(value))
    if fmt == "money":
        return money(int(value))
    if fmt == "date":
        day = value if isinstance(value, date) else date.fromisoformat(str(value))
        return day.strftime("%d-%m-%Y")
    if fmt == "datetime":
        if isinstance(value, int):
            moment = datetime.fromtimestamp(value, UTC)
        else:
            moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        return clock.format_ist(moment, "%d-%m-%Y %I:%M %p")
    return str(value)


@cache
def families() -> dict[str, FamilySpec]:
    found: dict[str, FamilySpec] = {}
    for path in sorted(TEMPLATES.glob("*.yaml")):
        try:
            spec = FamilySpec.model_validate(load_yaml(path.read_text("utf-8")))
        except ValidationError as exc:
            raise SpecError(f"document template {path.name}: {exc}") from exc
        found[spec.family] = spec
    return found


@cache
def document_types() -> dict[str, DocumentType]:
    types: dict[str, DocumentType] = {}
    for family in families().values():
        for name, spec in family.types.items():
            if name in types:
                raise SpecError(f"document type {name!r} is declared twice")
            types[name] = DocumentType(
                name=name,
                family=family.family,
                layout=family.layout,
                spec=spec,
                common_fields=family.common_fields,
            )
    return types


def document_type(name: str) -> DocumentType:
    try:
        return document_types()[name]
    except KeyError as exc:
        raise PayloadError(
            f"no document type {name!r}; known: {', '.join(sorted(document_types()))}"
        ) from exc
