"""The service spec format (spec_version 1), validated with pydantic on load.

A spec is one YAML document::

    spec_version: 1
    id: revenue.income_certificate
    department: revenue
    category: revenue
    kind: application
    name: {en: Income certificate, te: ఆదాయ ధృవీకరణ పత్రం}
    description: {en: "...", te: "..."}
    keywords: {en: [income], te: [ఆదాయం], roman: [aadayam]}
    documents_required: [{en: Ration card, te: రేషన్ కార్డు}]
    fee_paise: 3500
    sla_days: 7
    eligibility: {en: "Residents of Andhra Pradesh...", te: "..."}
    office: {en: "Apply here or at the village secretariat; the Tahsildar decides.", te: "..."}
    steps:
      - {id: applicant_name, type: name, prompt: {en: "Your full name?", te: "మీ పూర్తి పేరు?"}}
      - {id: has_land, type: yes_no, prompt: {en: "...", te: "..."}}
      - {id: land_acres, type: number, when: {field: has_land, equals: true}, prompt: {...}}
    application: {certificate: income}

Field types (`type:`) are registered in manamitra.fields; the kind's own block
(`application:`, `lookup:`, `download:`, `information:`, `payment:`, `booking:`, `grievance:`)
is free-form here and validated by the kind itself when the catalogue loads.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SPEC_VERSION = 1

HEADLINE_CATEGORIES = ("electricity", "revenue", "municipal", "grievances", "temples", "bus")
CATEGORIES = (*HEADLINE_CATEGORIES, "other")
KINDS = ("application", "lookup", "download", "information", "payment", "booking", "grievance")


class Localized(BaseModel):
    """Text in Telugu and English; both are required so no citizen meets a blank."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    en: str = Field(min_length=1)
    te: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.te if lang == "te" else self.en


class Keywords(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    en: tuple[str, ...] = ()
    te: tuple[str, ...] = ()
    roman: tuple[str, ...] = ()


class Condition(BaseModel):
    """Ask a step only when an earlier answer matches (`equals`, `in`, or `not_equals`)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    field: str
    equals: Any = None
    not_equals: Any = None
    in_: tuple[Any, ...] | None = Field(default=None, alias="in")

    def holds(self, answers: dict[str, Any]) -> bool:
        value = answers.get(self.field)
        if self.in_ is not None:
            return value in self.in_
        if self.not_equals is not None:
            return value != self.not_equals
        return value == self.equals


class OptionSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, max_length=64)
    label: Localized
    description: Localized | None = None


class Repeat(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    min: int = Field(default=1, ge=0)
    max: int = Field(default=10, ge=1, le=20)
    item_label: Localized | None = None


class StepSpec(BaseModel):
    """One question. Extra keys are options of the field type (e.g. `max_length`, `of`)."""

    model_config = ConfigDict(extra="allow", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    type: str
    prompt: Localized | None = None
    hint: Localized | None = None
    optional: bool = False
    when: Condition | None = None
    options: tuple[OptionSpec, ...] = ()
    options_from: str | None = None
    repeat: Repeat | None = None
    steps: tuple[StepSpec, ...] = ()
    summary_label: Localized | None = None

    @property
    def params(self) -> dict[str, Any]:
        return dict(self.model_extra or {})

    @model_validator(mode="after")
    def _group_has_steps(self) -> StepSpec:
        if self.type == "group" and not self.steps:
            raise ValueError("a group step needs `steps`")
        if self.type != "group" and self.prompt is None:
            raise ValueError(f"step {self.id!r} needs a `prompt`")
        return self


class SpecMigration(BaseModel):
    """How answers given under an earlier `version` of this service move to the current one
    (goflow-style, declared): steps renamed, answers dropped, answers set. A conversation inside
    a version with no migration to the current one finishes on the version it started."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    from_version: int = Field(alias="from", ge=1)
    rename: dict[str, str] = {}
    drop: tuple[str, ...] = ()
    set: dict[str, Any] = {}


class ServiceSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    spec_version: int = SPEC_VERSION
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
    department: str
    category: Literal[
        "electricity", "revenue", "municipal", "grievances", "temples", "bus", "other"
    ]
    kind: Literal[
        "application", "lookup", "download", "information", "payment", "booking", "grievance"
    ]
    name: Localized
    short_name: Localized | None = None
    description: Localized
    keywords: Keywords = Keywords()
    documents_required: tuple[Localized, ...] = ()
    fee_paise: int = Field(default=0, ge=0)
    sla_days: int | None = Field(default=None, ge=0)
    eligibility: Localized | None = None
    office: Localized | None = None
    steps: tuple[StepSpec, ...] = ()
    application: dict[str, Any] | None = None
    lookup: dict[str, Any] | None = None
    download: dict[str, Any] | None = None
    information: dict[str, Any] | None = None
    payment: dict[str, Any] | None = None
    booking: dict[str, Any] | None = None
    grievance: dict[str, Any] | None = None
    order: int = 100
    # this service's own revision: raise it when its steps change, and declare `migrations`
    # from earlier versions whose conversations may move across (catalog/versions.py)
    version: int = Field(default=1, ge=1)
    migrations: tuple[SpecMigration, ...] = ()

    @model_validator(mode="after")
    def _migrations_lead_here(self) -> ServiceSpec:
        seen: set[int] = set()
        for migration in self.migrations:
            if migration.from_version >= self.version or migration.from_version in seen:
                raise ValueError(
                    f"migrations: from {migration.from_version} must be an earlier version, once"
                )
            seen.add(migration.from_version)
        return self

    @field_validator("spec_version")
    @classmethod
    def _known_version(cls, value: int) -> int:
        if value > SPEC_VERSION:
            raise ValueError(f"spec_version {value} is newer than this engine ({SPEC_VERSION})")
        return value

    @model_validator(mode="after")
    def _unique_step_ids(self) -> ServiceSpec:
        seen: set[str] = set()
        for step in _walk(self.steps):
            if step.id in seen:
                raise ValueError(f"step id {step.id!r} used twice")
            seen.add(step.id)
        return self

    def title(self, lang: str) -> str:
        return (self.short_name or self.name).get(lang)

    @property
    def kind_config(self) -> dict[str, Any]:
        return getattr(self, self.kind) or {}


def _walk(steps: tuple[StepSpec, ...]) -> list[StepSpec]:
    found: list[StepSpec] = []
    for step in steps:
        found.append(step)
        found.extend(_walk(step.steps))
    return found


class DepartmentSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: Localized
    short_name: Localized | None = None
    category: Literal[
        "electricity", "revenue", "municipal", "grievances", "temples", "bus", "other"
    ] = "other"
    # Prefix of application numbers ("REV" in REV-2026-000123); defaults to the id, upper-cased.
    code: str | None = Field(default=None, pattern=r"^[A-Z]{2,6}$")

    @property
    def number_prefix(self) -> str:
        return self.code or self.id[:6].upper()

    def title(self, lang: str) -> str:
        return (self.short_name or self.name).get(lang)
