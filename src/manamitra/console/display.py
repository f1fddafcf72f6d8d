"""Stored codes turned into what an officer reads: an application's answers by their question's
label (through each field type's own `display`), services, offices, officers and places by
name, and phone numbers spaced, in the officer's language."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from manamitra.catalog.schema import ServiceSpec, StepSpec
from manamitra.fields import display_answer
from manamitra.store.models.console import Officer
from manamitra.store.models.grievances import Office

ATTACHMENT_TYPES = ("upload",)


@dataclass(frozen=True)
class Answers:
    """An application's answers as the case page shows them."""

    facts: list[tuple[str, str]]
    attachments: list[dict[str, Any]]


def _label(step: StepSpec, lang: str) -> str:
    label = step.summary_label or step.prompt
    return label.get(lang) if label is not None else step.id


def application_answers(spec: ServiceSpec | None, answers: dict[str, Any], lang: str) -> Answers:
    """Each answer under its question's short label, in the order the citizen was asked;
    uploads become attachments. Without the spec (a service since withdrawn) plain values
    are shown under their keys."""
    facts: list[tuple[str, str]] = []
    attachments: list[dict[str, Any]] = []
    if spec is None:
        for key, value in answers.items():
            if isinstance(value, dict) and "media_key" in value:
                attachments.append({"kind": key, **value})
            elif isinstance(value, str | int | float) and not isinstance(value, bool):
                facts.append((key.replace("_", " ").capitalize(), str(value)))
        return Answers(facts, attachments)
    for step in spec.steps:
        if step.id not in answers or answers[step.id] is None:
            continue
        value = answers[step.id]
        if step.type in ATTACHMENT_TYPES and isinstance(value, dict) and "media_key" in value:
            attachments.append({"kind": _label(step, lang), **value})
            continue
        facts.append((_label(step, lang), display_answer(step, value, lang)))
    return Answers(facts, attachments)


def phone(number: str | None) -> str:
    """+91 98123 45678 from 919812345678; anything else as it is."""
    digits = number or ""
    if len(digits) == 12 and digits.startswith("91") and digits.isdigit():
        return f"+91 {digits[2:7]} {digits[7:]}"
    return digits or "—"


@dataclass
class Names:
    """Names for the codes one page shows, looked up once per page."""

    db: Session
    catalog: Any
    lang: str
    words: dict[str, Any]
    _offices: dict[str, str] = field(default_factory=dict)
    _officers: dict[str, str] | None = None

    def service(self, service_id: str) -> str:
        spec = self.catalog.service(service_id) if self.catalog is not None else None
        if spec is None:
            return str(self.words.get("unknown_service", "—"))
        return str(spec.name.get(self.lang))

    def department(self, department: str | None) -> str:
        catalog = self.catalog
        found = catalog.departments.get(department) if catalog is not None and department else None
        if found is not None:
            return str(found.title(self.lang))
        return department or str(self.words["all_departments"])

    def office(self, office_id: str | None) -> str:
        if not office_id:
            return "—"
        if office_id not in self._offices:
            office = self.db.get(Office, office_id)
            self._offices[office_id] = (
                "—" if office is None else office.name_te if self.lang == "te" else office.name_en
            )
        return self._offices[office_id]

    def officer(self, username: str | None) -> str:
        """An officer's name; the citizen and the system by what they are."""
        if not username:
            return "—"
        if username in ("citizen", "system"):
            return str(self.words["actor"][username])
        if self._officers is None:
            self._officers = dict(self.db.execute(select(Officer.username, Officer.name)).all())
        return self._officers.get(username, username)

    def role(self, role: str) -> str:
        return str(self.words["roles"].get(role, role))
