"""Places as grievances need them: the catalogue's gazetteer (26 districts, their mandals and
villages, dotted ids such as "guntur.tenali") plus the discom serving each district, and the
place a shared location pin stands for."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from manamitra.catalog.places import Place, gazetteer
from manamitra.grievances.local_bodies import headquarters_mandal
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


# A pin this close to a district's headquarters is in the headquarters town.
TOWN_RADIUS_KM = 8.0
EARTH_KM = 6371.0


@dataclass(frozen=True)
class PinPlace:
    district: str | None
    mandal: str | None = None
    village: str | None = None


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(math.sqrt(h))


def _districts_by_distance(latitude: float, longitude: float) -> list[tuple[float, Place]]:
    found = [
        (_km(latitude, longitude, d.latitude, d.longitude), d)
        for d in gazetteer().districts
        if d.latitude is not None and d.longitude is not None
    ]
    return sorted(found, key=lambda pair: pair[0])


def _named(words: str, place: Place) -> bool:
    return any(
        re.search(rf"(?<!\w){re.escape(name.casefold())}(?!\w)", words)
        for name in (place.en, place.te)
        if name
    )


def _named_place(words: str, district: Place) -> PinPlace | None:
    """A village, else a mandal, of the district that the pin's name or address mentions."""
    for mandal in district.children:
        for village in mandal.children:
            if village.en != mandal.en and _named(words, village):
                return PinPlace(district.id, mandal.id, village.id)
    for mandal in district.children:
        if _named(words, mandal):
            return PinPlace(district.id, mandal.id)
    return None


def place_of_pin(latitude: float, longitude: float, words: str | None = None) -> PinPlace:
    """The place a shared pin stands for, as closely as we can tell: a village or mandal its
    name or address mentions (in one of the two nearest districts); else the headquarters
    town when the pin is within it; else only the nearest district."""
    nearest = _districts_by_distance(latitude, longitude)
    if not nearest:
        return PinPlace(None)
    text = (words or "").casefold()
    if text:
        for _, district in nearest[:2]:
            named = _named_place(text, district)
            if named is not None:
                return named
    distance, district = nearest[0]
    if distance <= TOWN_RADIUS_KM:
        return PinPlace(district.id, headquarters_mandal(district))
    return PinPlace(district.id)
