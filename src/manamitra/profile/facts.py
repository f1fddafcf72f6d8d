"""The citizen's verified facts and where each came from.

A fact is verified when a department approved an application that stated it (and, where a
certificate was issued on that approval, the certificate carries it too), or when the
department that owns it approved the citizen's correction of it. The profile is read from
those approved applications and corrections, the newest decision winning, so nothing is
copied: a fact lives where it was verified, Aadhaar stays sealed as its field sealed it, and a
correction the citizen asked for holds the fact back until the department decides.

Only steps whose id names a known fact and whose field type matches carry a fact across
services (`FACTS`); a choice carries only when the new service offers the same option.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from manamitra import clock
from manamitra.catalog.loader import Catalog
from manamitra.catalog.schema import StepSpec
from manamitra.store.models.applications import Application, ApplicationStatus
from manamitra.store.models.profile import ProfileCorrection

VERIFIED_STATUSES = (ApplicationStatus.APPROVED.value, ApplicationStatus.ISSUED.value)
SCANNED = 50


@dataclass(frozen=True)
class FactKind:
    """A fact the profile keeps: the step type that asks it; sensitive ones are never shown."""

    key: str
    step_type: str
    sensitive: bool = False


FACTS: dict[str, FactKind] = {
    kind.key: kind
    for kind in (
        FactKind("applicant_name", "name"),
        FactKind("aadhaar", "aadhaar", sensitive=True),
        FactKind("mobile", "mobile"),
        FactKind("father_name", "name"),
        FactKind("relation", "choice"),
        FactKind("date_of_birth", "date"),
        FactKind("gender", "choice"),
        FactKind("social_category", "choice", sensitive=True),
        FactKind("caste", "text", sensitive=True),
        FactKind("religion", "choice", sensitive=True),
        FactKind("address", "text"),
        FactKind("district", "district"),
        FactKind("mandal", "mandal"),
        FactKind("village", "village"),
        FactKind("annual_income", "amount"),
        FactKind("service_number", "identifier"),
        FactKind("consumer_number", "identifier"),
        FactKind("card_number", "identifier"),
        # from a department's records only; shown, never pre-filled (no step asks a list)
        FactKind("family_members", "members"),
    )
}


@dataclass(frozen=True)
class Source:
    """Where a fact was verified: an application's approval, the certificate it issued, a
    correction the department approved (`origin="correction"`, `application` holding the
    correction's number), or the department's own records (`origin="records"`)."""

    application: str
    service_id: str
    department: str
    title: dict[str, str]
    decided_at: datetime | None
    certificate: str | None
    origin: str = ""

    @property
    def kind(self) -> str:
        if self.origin:
            return self.origin
        return "document" if self.certificate else "application"


@dataclass(frozen=True)
class Fact:
    key: str
    value: Any
    step: StepSpec | None  # the step that asked it in the source's service, for showing it
    source: Source

    @property
    def sensitive(self) -> bool:
        return FACTS[self.key].sensitive


def _source(application: Application) -> Source:
    return Source(
        application=application.number,
        service_id=application.service_id,
        department=application.department,
        title=dict(application.title or {}),
        decided_at=application.decided_at,
        certificate=application.certificate_number,
    )


def held_back(db: Session, citizen: str) -> set[str]:
    """Facts with a correction the department has not decided: not offered meanwhile."""
    rows = db.scalars(
        select(ProfileCorrection.fact).where(
            ProfileCorrection.citizen == citizen, ProfileCorrection.status == "requested"
        )
    )
    return set(rows)


def verified_facts(db: Session, citizen: str, catalog: Catalog | None = None) -> dict[str, Fact]:
    """Every verified fact of the citizen's, each from the newest approval that stated it."""
    applications = db.scalars(
        select(Application)
        .where(Application.citizen == citizen, Application.status.in_(VERIFIED_STATUSES))
        .order_by(Application.decided_at.desc(), Application.id.desc())
        .limit(SCANNED)
    ).all()
    skip = held_back(db, citizen)
    found: dict[str, Fact] = {}
    for application in applications:
        spec = catalog.service(application.service_id) if catalog is not None else None
        steps = {step.id: step for step in spec.steps} if spec is not None else {}
        for key, value in (application.answers or {}).items():
            kind = FACTS.get(key)
            if kind is None or key in found or key in skip or value in (None, ""):
                continue
            step = steps.get(key)
            if step is not None and step.type != kind.step_type:
                continue
            found[key] = Fact(key, value, step, _source(application))
    for key, fact in corrected_facts(db, citizen, catalog).items():
        earlier = found.get(key)
        if key in skip:
            continue
        if earlier is None or _newer(fact.source, earlier.source):
            found[key] = fact
    return found


def _newer(one: Source, other: Source) -> bool:
    if other.decided_at is None:
        return True
    return one.decided_at is not None and clock.as_utc(one.decided_at) >= clock.as_utc(
        other.decided_at
    )


def department_title(catalog: Catalog | None, department: str) -> dict[str, str]:
    spec = catalog.departments.get(department) if catalog is not None else None
    if spec is None:
        return {"en": department, "te": department}
    return {"en": spec.name.get("en"), "te": spec.name.get("te")}


def corrected_facts(db: Session, citizen: str, catalog: Catalog | None) -> dict[str, Fact]:
    """The newest approved correction of each fact, as the department approved it."""
    rows = db.scalars(
        select(ProfileCorrection)
        .where(ProfileCorrection.citizen == citizen, ProfileCorrection.status == "approved")
        .order_by(ProfileCorrection.decided_at.desc(), ProfileCorrection.id.desc())
        .limit(SCANNED)
    ).all()
    found: dict[str, Fact] = {}
    for row in rows:
        if row.fact in found or row.fact not in FACTS or row.corrected in (None, ""):
            continue
        source = Source(
            application=row.number,
            service_id="",
            department=row.department or "",
            title=department_title(catalog, row.department or ""),
            decided_at=row.decided_at,
            certificate=None,
            origin="correction",
        )
        found[row.fact] = Fact(row.fact, row.corrected, asking_step(catalog, row.fact), source)
    return found


def asking_step(catalog: Catalog | None, key: str, service_id: str = "") -> StepSpec | None:
    """The step that asks fact `key`: in `service_id` when it asks it, else in any service."""
    if catalog is None or key not in FACTS:
        return None
    wanted = FACTS[key].step_type
    first = catalog.service(service_id) if service_id else None
    for spec in ([first] if first is not None else []) + list(catalog.services.values()):
        for step in spec.steps:
            if step.id == key and step.type == wanted:
                return step
    return None


def fits(fact: Fact, step: StepSpec) -> bool:
    """Whether `fact` answers `step` of another service as it stands."""
    kind = FACTS.get(step.id)
    if kind is None or kind.key != fact.key or step.type != kind.step_type:
        return False
    if step.type == "choice" and step.options:
        return any(option.id == fact.value for option in step.options)
    return True
