"""Places as grievances need them: the catalogue's gazetteer (26 districts, their mandals and
villages, dotted ids such as "guntur.tenali") plus the discom serving each district."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from manamitra.catalog.places import Place, gazetteer
from manamitra.yamlio import load_yaml

DISCOMS_FILE = Path(__file__).parent / "data" / "discoms.yaml"


@dataclass(frozen=True)
class District:
    id: str
    en: str
    te: str
    discom: str
    mandals: tuple[Place, ...]

    def name(self, lang: str) -> str:
        return self.te if lang == "te" else self.en


@cache
def discom_of() -> dict[str, str]:
    data = load_yaml(DISCOMS_FILE.read_text(encoding="utf-8"))
    return {district: discom for discom, names in data.items() for district in names}


@cache
def districts() -> dict[str, District]:
    found: dict[str, District] = {}
    served = discom_of()
    places = gazetteer()
    for place in places.districts:
        found[place.id] = District(
            id=place.id,
            en=place.en,
            te=place.te,
            discom=served.get(place.id, "apspdcl"),
            mandals=places.mandals(place.id),
        )
    return found


def district(district_id: str | None) -> District | None:
    return districts().get((district_id or "").split(".")[0])


def place_name(place_id: str | None, lang: str) -> str:
    """ "Tenali, Guntur" for a mandal or village id; the district's name for a district id."""
    if not place_id:
        return ""
    places = gazetteer()
    parts = place_id.split(".")
    names = []
    for depth in range(len(parts), 0, -1):
        found = places.get(".".join(parts[:depth]))
        if found is not None:
            names.append(found.name(lang))
    return ", ".join(names) or place_id
