"""Who governs a place: the town's urban local body (data/urban.yaml), or, outside towns, the
village's gram panchayat. Civic complaints (data/categories.yaml `local_body`) go to them."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from manamitra.catalog.places import Place, gazetteer
from manamitra.grievances.categories import local_body_categories
from manamitra.yamlio import load_yaml

URBAN_FILE = Path(__file__).parent / "data" / "urban.yaml"
KINDS = ("corporation", "municipality", "nagar_panchayat")
URBAN_DEPARTMENT = "municipal"
RURAL_DEPARTMENT = "panchayat_raj"


@dataclass(frozen=True)
class UrbanBody:
    mandal: str  # the gazetteer mandal id whose town it governs
    kind: str
    whole: bool  # every village of the mandal is in the town
    name: dict[str, str]


@cache
def _data() -> dict[str, Any]:
    return dict(load_yaml(URBAN_FILE.read_text(encoding="utf-8")))


@cache
def urban_bodies() -> dict[str, UrbanBody]:
    data, places = _data(), gazetteer()
    whole = set(data.get("whole", []))
    bodies: dict[str, UrbanBody] = {}
    for kind in KINDS:
        for mandal_id in data.get(kind, []):
            mandal = places.get(mandal_id)
            if mandal is None:
                raise ValueError(f"urban.yaml: {mandal_id} is not a mandal in the gazetteer")
            pattern = data.get("names", {}).get(mandal_id) or data["kinds"][kind]
            name = {
                lang: pattern[lang].format(town=mandal.name(lang), mandal=mandal.name(lang))
                for lang in ("en", "te")
            }
            bodies[mandal_id] = UrbanBody(mandal_id, kind, mandal_id in whole, name)
    return bodies


def headquarters_mandal(district: Place) -> str | None:
    """The mandal of the district's headquarters town: the district's first, unless named."""
    named = _data().get("headquarters", {}).get(district.id)
    if named:
        return str(named)
    return district.children[0].id if district.children else None


def urban_body(mandal: str | None, village: str | None = None) -> UrbanBody | None:
    """The urban body governing the place, or None when the place is rural (or unknown).

    A mandal named without a village counts as its town: people who know only the mandal
    are, more often than not, in its headquarters town."""
    body = urban_bodies().get(mandal or "")
    if body is None:
        return None
    if village is None or body.whole:
        return body
    return body if village.rsplit(".", 1)[-1] == body.mandal.rsplit(".", 1)[-1] else None


def owning_department(
    category: str, department: str, mandal: str | None, village: str | None
) -> str:
    """The department whose office owns a complaint about this place: a civic complaint in a
    town goes to its municipality, in a village to the gram panchayat; the rest stay with
    the department the service names."""
    if category not in local_body_categories() or mandal is None:
        return department
    return URBAN_DEPARTMENT if urban_body(mandal, village) else RURAL_DEPARTMENT
