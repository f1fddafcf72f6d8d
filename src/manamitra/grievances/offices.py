"""The office hierarchy (state → district → mandal per department) and routing to it."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from manamitra.grievances.places import districts
from manamitra.store.models.grievances import Office
from manamitra.yamlio import load_yaml

OFFICES_FILE = Path(__file__).parent / "data" / "offices.yaml"
DISCOMS = {"apepdcl": "APEPDCL", "apcpdcl": "APCPDCL", "apspdcl": "APSPDCL"}


@cache
def _office_data() -> dict[str, Any]:
    return dict(load_yaml(OFFICES_FILE.read_text(encoding="utf-8")))


def office_names() -> dict[str, Any]:
    return dict(_office_data()["departments"])


def office_departments() -> tuple[str, ...]:
    """Departments whose whole hierarchy is seeded up front (the others are made on demand)."""
    return tuple(office_names())


def _names_for(department: str) -> tuple[dict[str, Any], dict[str, str]]:
    """Name patterns, and the department's own name per language for the default pattern."""
    known = office_names().get(department)
    if known is not None:
        return known, {}
    from manamitra.catalog.loader import load_departments

    spec = load_departments().get(department)
    title = (
        {"en": spec.title("en"), "te": spec.title("te")}
        if spec
        else {"en": department.replace("_", " ").title(), "te": department}
    )
    return _office_data()["default"], title


def office_id(department: str, place: str | None = None) -> str:
    """ "revenue", "revenue.guntur", "revenue.guntur.tenali" (place = a district or mandal id)."""
    return f"{department}.{place}" if place else department


def build_offices(department: str) -> list[Office]:
    """Every office row of one department (not yet added to a session)."""
    names, title = _names_for(department)
    discom = DISCOMS.get(department, "")
    state = Office(
        id=office_id(department),
        department=department,
        level="state",
        name_en=names["state"]["en"].format(discom=discom, department=title.get("en", "")),
        name_te=names["state"]["te"].format(discom=discom, department=title.get("te", "")),
    )
    rows = [state]
    for district in districts().values():
        if department in DISCOMS and district.discom != department:
            continue
        district_office = Office(
            id=office_id(department, district.id),
            department=department,
            level="district",
            district=district.id,
            parent_id=state.id,
            name_en=names["district"]["en"].format(
                district=district.en, department=title.get("en", "")
            ),
            name_te=names["district"]["te"].format(
                district=district.te, department=title.get("te", "")
            ),
        )
        rows.append(district_office)
        for mandal in district.mandals:
            rows.append(
                Office(
                    id=office_id(department, mandal.id),
                    department=department,
                    level="mandal",
                    district=district.id,
                    mandal=mandal.id,
                    parent_id=district_office.id,
                    name_en=names["mandal"]["en"].format(
                        mandal=mandal.en, department=title.get("en", "")
                    ),
                    name_te=names["mandal"]["te"].format(
                        mandal=mandal.te, department=title.get("te", "")
                    ),
                )
            )
    return rows


def seed_offices(db: Session) -> int:
    """Insert the offices that are missing (idempotent); returns how many were added."""
    existing = set(db.scalars(select(Office.id)))
    added = 0
    for department in office_departments():
        for office in build_offices(department):
            if office.id not in existing:
                db.add(office)
                added += 1
        db.flush()
    return added


def responsible_department(department: str, district: str | None) -> str:
    """Power complaints go to the discom serving the district, whichever discom was chosen."""
    if department in DISCOMS and district:
        found = districts().get(district)
        if found is not None:
            return found.discom
    return department


def route(db: Session, department: str, district: str | None, mandal: str | None) -> Office | None:
    """The most local office of the department for the place; falls back up the hierarchy."""
    department = responsible_department(department, district)
    if db.get(Office, office_id(department)) is None and department not in DISCOMS:
        _add_department(db, department)
    mandal = ".".join((mandal or "").split(".")[:2]) or None
    if district is None and mandal:
        district = mandal.split(".")[0]
    for candidate in (
        office_id(department, mandal) if mandal else None,
        office_id(department, district) if district else None,
        office_id(department),
    ):
        if candidate is None:
            continue
        office = db.get(Office, candidate)
        if office is not None:
            return office
    return None


def _add_department(db: Session, department: str) -> None:
    """First case of a department without seeded offices: create its hierarchy now."""
    for office in build_offices(department):
        db.add(office)
    db.flush()


def office_name(db: Session, office_id_: str | None, lang: str) -> str:
    office = db.get(Office, office_id_) if office_id_ else None
    if office is None:
        return "-"
    return office.name_te if lang == "te" else office.name_en
