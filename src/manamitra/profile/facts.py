"""The citizen's verified facts and where each came from.

A fact is verified when a department approved an application that stated it (and, where a
certificate was issued on that approval, the certificate carries it too). The profile is read
from those approved applications, newest decision first, so nothing is copied: a fact lives
where it was verified, Aadhaar stays sealed as its field sealed it, and a correction the
citizen asked for holds the fact back until the department decides.

Only steps whose id names a known fact and whose field type matches carry a fact across
services (`FACTS`); a choice carries only when the new service offers the same option.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

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
    )
}


@dataclass(frozen=True)
class Source:
    """Where a fact was verified: an application's approval, or the certificate it issued."""

    application: str
    service_id: str
    department: str
    title: dict[str, str]
    decided_at: datetime | None
    certificate: str | None

    @property
    def kind(self) -> str:
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
    return found


def fits(fact: Fact, step: StepSpec) -> bool:
    """Whether `fact` answers `step` of another service as it stands."""
    kind = FACTS.get(step.id)
    if kind is None or kind.key != fact.key or step.type != kind.step_type:
        return False
    if step.type == "choice" and step.options:
        return any(option.id == fact.value for option in step.options)
    return True
