"""Government offices per district and mandal, and Anna Canteens near a point: the embedded
reference directory behind information services ("where is my Tahsildar office?").

Office addresses follow the government's naming (Tahsildar office at the mandal headquarters,
District Police Office at the district headquarters…), derived from the gazetteer so every
one of the 26 districts is covered; a deployment can replace this with its own directory.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from manamitra.catalog.places import Place, gazetteer
from manamitra.yamlio import load_yaml

CANTEENS_FILE = Path(__file__).parent / "places" / "anna_canteens.yaml"
EARTH_KM = 6371.0


@dataclass(frozen=True)
class Office:
    name: dict[str, str]
    address: dict[str, str]
    latitude: float | None = None
    longitude: float | None = None


def _hq(district: Place) -> tuple[str, str]:
    first = district.children[0] if district.children else district
    strip = (" Urban", " Rural", " అర్బన్", " రూరల్")
    en, te = first.en, first.te
    for suffix in strip:
        en, te = en.removesuffix(suffix), te.removesuffix(suffix)
    return en, te


def _where(place: Place, district: Place) -> dict[str, str]:
    return {
        "en": f"{place.en} mandal, {district.en} district",
        "te": f"{place.te} మండలం, {district.te} జిల్లా",
    }


# (office name en, te) at the district headquarters, per kind.
_DISTRICT_OFFICES: dict[str, list[tuple[str, str]]] = {
    "police": [("District Police Office (SP)", "జిల్లా పోలీసు కార్యాలయం (ఎస్పీ)")],
    "rto": [("District Transport Office", "జిల్లా రవాణా కార్యాలయం")],
    "municipal": [("Municipal Commissioner's Office", "పురపాలక కమిషనర్ కార్యాలయం")],
    "hospital": [
        ("District Hospital / Government General Hospital", "జిల్లా ఆసుపత్రి / ప్రభుత్వ సర్వజన ఆసుపత్రి")
    ],
}
# (office name en, te) in every mandal, per kind.
_MANDAL_OFFICES: dict[str, tuple[str, str]] = {
    "tahsildar": ("Tahsildar Office", "తహసీల్దార్ కార్యాలయం"),
    "sub_registrar": ("Sub-Registrar Office", "సబ్ రిజిస్ట్రార్ కార్యాలయం"),
}
OFFICE_KINDS = frozenset({*_DISTRICT_OFFICES, *_MANDAL_OFFICES, "sachivalayam"})
OFFICE_TITLES: dict[str, tuple[str, str]] = {
    "police": ("Police offices", "పోలీసు కార్యాలయాలు"),
    "rto": ("Transport offices", "రవాణా కార్యాలయాలు"),
    "municipal": ("Municipal offices", "పురపాలక కార్యాలయాలు"),
    "hospital": ("Government hospitals", "ప్రభుత్వ ఆసుపత్రులు"),
    "tahsildar": ("Tahsildar offices", "తహసీల్దార్ కార్యాలయాలు"),
    "sub_registrar": ("Sub-registrar offices", "సబ్ రిజిస్ట్రార్ కార్యాలయాలు"),
    "sachivalayam": ("Sachivalayams", "సచివాలయాలు"),
}


def offices(kind: str, district_id: str, mandal_id: str | None = None) -> list[Office]:
    """The offices of `kind` in a district (or, for Sachivalayams, in a mandal)."""
    places = gazetteer()
    district = places.district(district_id)
    if district is None:
        return []
    if kind in _DISTRICT_OFFICES:
        hq_en, hq_te = _hq(district)
        return [
            Office(
                name={"en": f"{en}, {hq_en}", "te": f"{te}, {hq_te}"},
                address={
                    "en": f"{hq_en}, {district.en} district",
                    "te": f"{hq_te}, {district.te} జిల్లా",
                },
                latitude=district.latitude,
                longitude=district.longitude,
            )
            for en, te in _DISTRICT_OFFICES[kind]
        ]
    if kind in _MANDAL_OFFICES:
        en, te = _MANDAL_OFFICES[kind]
        return [
            Office(name={"en": f"{en}, {m.en}", "te": f"{te}, {m.te}"}, address=_where(m, district))
            for m in district.children
        ]
    if kind == "sachivalayam":
        mandal = places.get(mandal_id or "")
        if mandal is None:
            return []
        return [
            Office(
                name={"en": f"Sachivalayam, {v.en}", "te": f"సచివాలయం, {v.te}"},
                address=_where(mandal, district),
            )
            for v in mandal.children
        ]
    return []


@cache
def anna_canteens() -> tuple[Office, ...]:
    raw = load_yaml(CANTEENS_FILE.read_text(encoding="utf-8"))
    return tuple(
        Office(
            name=dict(item["name"]),
            address=dict(item["address"]),
            latitude=float(item["latitude"]),
            longitude=float(item["longitude"]),
        )
        for item in raw["anna_canteens"]
    )


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(math.sqrt(a))


NEAREST_SOURCES = {"anna_canteens": anna_canteens}


def nearest(
    source: str, latitude: float, longitude: float, count: int = 3
) -> list[tuple[Office, float]]:
    places = NEAREST_SOURCES[source]()
    ranked = sorted(
        (
            (p, distance_km(latitude, longitude, p.latitude or 0.0, p.longitude or 0.0))
            for p in places
        ),
        key=lambda pair: pair[1],
    )
    return ranked[:count]
