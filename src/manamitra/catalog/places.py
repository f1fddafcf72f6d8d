"""Andhra Pradesh's districts, mandals and villages (data in places/andhra_pradesh.yaml).

Answers keep dotted ids: "guntur", "guntur.tenali", "guntur.tenali.kothapalli", so a village
id alone routes an application to its mandal and district office.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from manamitra.yamlio import load_yaml

PLACES_FILE = Path(__file__).parent / "places" / "andhra_pradesh.yaml"


@dataclass(frozen=True)
class Place:
    id: str
    en: str
    te: str
    latitude: float | None = None
    longitude: float | None = None
    children: tuple[Place, ...] = ()

    def name(self, lang: str) -> str:
        return self.te if lang == "te" else self.en


@dataclass(frozen=True)
class Gazetteer:
    districts: tuple[Place, ...]
    by_id: dict[str, Place]

    def district(self, place_id: str) -> Place | None:
        return self.by_id.get(place_id.split(".")[0])

    def get(self, place_id: str) -> Place | None:
        return self.by_id.get(place_id)

    def mandals(self, district_id: str) -> tuple[Place, ...]:
        found = self.by_id.get(district_id)
        return found.children if found else ()

    def villages(self, mandal_id: str) -> tuple[Place, ...]:
        found = self.by_id.get(mandal_id)
        return found.children if found else ()

    def label(self, place_id: str, lang: str) -> str:
        """ "Tenali, Guntur" style, from the most specific part up."""
        parts = place_id.split(".")
        names = []
        for end in range(len(parts), 0, -1):
            found = self.by_id.get(".".join(parts[:end]))
            if found is not None:
                names.append(found.name(lang))
        return ", ".join(names) if names else place_id


@cache
def gazetteer(path: Path = PLACES_FILE) -> Gazetteer:
    raw = load_yaml(path.read_text(encoding="utf-8"))
    by_id: dict[str, Place] = {}
    districts = []
    for d in raw["districts"]:
        mandals = []
        for m in d["mandals"]:
            mandal_id = f"{d['id']}.{m['id']}"
            villages = tuple(
                Place(id=f"{mandal_id}.{v['id']}", en=v["name"]["en"], te=v["name"]["te"])
                for v in m["villages"]
            )
            mandal = Place(mandal_id, m["name"]["en"], m["name"]["te"], children=villages)
            mandals.append(mandal)
            by_id.update({v.id: v for v in villages})
            by_id[mandal_id] = mandal
        hq = d.get("headquarters") or {}
        district = Place(
            d["id"],
            d["name"]["en"],
            d["name"]["te"],
            hq.get("latitude"),
            hq.get("longitude"),
            tuple(mandals),
        )
        by_id[district.id] = district
        districts.append(district)
    return Gazetteer(districts=tuple(districts), by_id=by_id)
