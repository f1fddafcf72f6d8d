"""The office hierarchy (state → district → mandal → village per department) and routing a
case to the office that owns its place."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from manamitra.catalog.loader import load_departments
from manamitra.catalog.places import Place
from manamitra.grievances.local_bodies import URBAN_DEPARTMENT, owning_department, urban_body
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
    return [Office(**row) for row in office_rows(department)]


_COLUMNS = ("id", "department", "level", "district", "mandal", "parent_id", "name_en", "name_te")


@cache
def office_rows(department: str) -> tuple[dict[str, Any], ...]:
    """Every office of one department as column values, parents before their children (the
    gazetteer and the names are fixed for a process, so this is worked out once)."""
    return tuple(
        {column: getattr(office, column) for column in _COLUMNS}
        for office in _office_objects(department)
    )


def _office_objects(department: str) -> list[Office]:
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
            mandal_office = Office(
                id=office_id(department, mandal.id),
                department=department,
                level="mandal",
                district=district.id,
                mandal=mandal.id,
                parent_id=district_office.id,
                **_mandal_names(department, names, mandal, title),
            )
            rows.append(mandal_office)
            if "village" in names:
                rows.extend(_village_offices(department, names["village"], mandal, mandal_office))
    return rows


def _mandal_names(
    department: str, names: dict[str, Any], mandal: Place, title: dict[str, str]
) -> dict[str, str]:
    body = urban_body(mandal.id) if department == URBAN_DEPARTMENT else None
    if body is not None:
        return {"name_en": body.name["en"], "name_te": body.name["te"]}
    return {
        f"name_{lang}": names["mandal"][lang].format(
            mandal=mandal.name(lang), department=title.get(lang, "")
        )
        for lang in ("en", "te")
    }


def _village_offices(
    department: str, pattern: dict[str, str], mandal: Place, parent: Office
) -> list[Office]:
    """One office per village outside the mandal's town (a town has no gram panchayat)."""
    return [
        Office(
            id=office_id(department, village.id),
            department=department,
            level="village",
            district=parent.district,
            mandal=mandal.id,
            parent_id=parent.id,
            name_en=pattern["en"].format(village=village.en, mandal=mandal.en),
            name_te=pattern["te"].format(village=village.te, mandal=mandal.te),
        )
        for village in mandal.children
        if urban_body(mandal.id, village.id) is None
    ]


def seed_offices(db: Session) -> int:
    """Insert the offices that are missing (idempotent); returns how many were added."""
    existing = set(db.scalars(select(Office.id)))
    added = 0
    for department in office_departments():
        missing = [row for row in office_rows(department) if row["id"] not in existing]
        if missing:
            db.execute(insert(Office), missing)
            added += len(missing)
    return added


def responsible_department(department: str, district: str | None) -> str:
    """Power complaints go to the discom serving the district, whichever discom was chosen."""
    if department in DISCOMS and district:
        found = districts().get(district)
        if found is not None:
            return found.discom
    return department


def route(
    db: Session,
    department: str,
    district: str | None,
    mandal: str | None,
    *,
    village: str | None = None,
    category: str | None = None,
) -> Office | None:
    """The most local office that owns the place (and, for civic categories, the town's
    municipality or the village's gram panchayat); falls back up the hierarchy only where
    the place is known no better."""
    department = responsible_department(department, district)
    mandal = ".".join((mandal or "").split(".")[:2]) or None
    village = village if village and mandal and village.startswith(f"{mandal}.") else None
    if category is not None:
        department = owning_department(category, department, mandal, village)
    if db.get(Office, office_id(department)) is None and department not in DISCOMS:
        _add_department(db, department)
    if district is None and mandal:
        district = mandal.split(".")[0]
    for candidate in (
        office_id(department, village) if village else None,
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
