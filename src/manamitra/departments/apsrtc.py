"""APSRTC reference system: stops with Telugu names, services between the state's towns
(class, departure time, vehicle), fares by distance and class, seat layouts per vehicle type
with ladies' seats, concessions, and the cancellation refund rule by hours before departure."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from manamitra import clock

# stop id → (English, Telugu, latitude, longitude)
STOPS: dict[str, tuple[str, str, float, float]] = {
    "VJA": ("Vijayawada (PNBS)", "విజయవాడ (పీఎన్‌బీఎస్)", 16.5062, 80.6480),
    "VSKP": ("Visakhapatnam (Dwaraka)", "విశాఖపట్నం (ద్వారకా)", 17.7231, 83.3013),
    "TPTY": ("Tirupati", "తిరుపతి", 13.6288, 79.4192),
    "GNT": ("Guntur", "గుంటూరు", 16.3067, 80.4365),
    "NLR": ("Nellore", "నెల్లూరు", 14.4426, 79.9865),
    "KNL": ("Kurnool", "కర్నూలు", 15.8281, 78.0373),
    "RJY": ("Rajamahendravaram", "రాజమహేంద్రవరం", 17.0005, 81.8040),
    "KKD": ("Kakinada", "కాకినాడ", 16.9891, 82.2475),
    "ATP": ("Anantapur", "అనంతపురం", 14.6819, 77.6006),
    "KDP": ("Kadapa", "కడప", 14.4673, 78.8242),
    "OGL": ("Ongole", "ఒంగోలు", 15.5057, 80.0499),
    "SKLM": ("Srikakulam", "శ్రీకాకుళం", 18.2949, 83.8938),
}


@dataclass(frozen=True)
class BusClass:
    id: str
    name: dict[str, str]
    paise_per_km: int
    reservation_paise: int
    layout: tuple[int, int]  # seats left and right of the aisle
    rows: int
    ladies_rows: int


CLASSES: dict[str, BusClass] = {
    "palle_velugu": BusClass(
        "palle_velugu", {"en": "Palle Velugu", "te": "పల్లె వెలుగు"}, 95, 0, (3, 2), 10, 2
    ),
    "express": BusClass("express", {"en": "Express", "te": "ఎక్స్‌ప్రెస్"}, 118, 2000, (2, 2), 11, 2),
    "super_luxury": BusClass(
        "super_luxury", {"en": "Super Luxury", "te": "సూపర్ లగ్జరీ"}, 140, 3000, (2, 2), 10, 1
    ),
    "indra_ac": BusClass("indra_ac", {"en": "Indra AC", "te": "ఇంద్ర ఏసీ"}, 168, 3000, (2, 2), 10, 1),
    "amaravati_ac": BusClass(
        "amaravati_ac", {"en": "Amaravati AC", "te": "అమరావతి ఏసీ"}, 210, 4000, (2, 2), 9, 1
    ),
}

# departure times and classes run between every pair of towns (a representative timetable)
TIMETABLE: tuple[tuple[str, str], ...] = (
    ("06:00", "express"),
    ("08:30", "super_luxury"),
    ("13:15", "palle_velugu"),
    ("21:00", "indra_ac"),
    ("22:30", "amaravati_ac"),
)
CONCESSIONS = {"none": 0, "senior": 25, "disabled": 50}
CHILD_MIN_AGE, CHILD_MAX_AGE = 5, 12


@dataclass(frozen=True)
class Service:
    id: str
    origin: str
    destination: str
    day: date
    departs: str
    bus_class: BusClass
    km: int

    @property
    def departs_at(self) -> datetime:
        hour, minute = (int(x) for x in self.departs.split(":"))
        local = datetime.combine(self.day, time(hour, minute), tzinfo=clock.IST)
        return local.astimezone(clock.now().tzinfo)

    @property
    def pool_key(self) -> str:
        return f"bus:{self.id}:{self.day.isoformat()}"

    @property
    def seats(self) -> int:
        return self.bus_class.rows * sum(self.bus_class.layout)

    def fare(self, age: int, concession: str) -> int:
        base = self.km * self.bus_class.paise_per_km
        if CHILD_MIN_AGE <= age <= CHILD_MAX_AGE:
            base //= 2
        base = base * (100 - CONCESSIONS.get(concession, 0)) // 100
        rounded = (base + 99) // 100 * 100  # fares are whole rupees
        return rounded + self.bus_class.reservation_paise


def passenger_fares(service: Service, ages: list[int], concession: str) -> list[int]:
    """Each passenger's fare in paise, in order (children half, the concession off)."""
    return [service.fare(age, concession) for age in ages]


def route_name(service: Service, lang: str) -> str:
    """ "Vijayawada (PNBS) → Tirupati, Indra AC 21:00": what the citizen confirms and pays for."""
    return (
        f"{stop_name(service.origin, lang)} → {stop_name(service.destination, lang)}, "
        f"{service.bus_class.name['te' if lang == 'te' else 'en']} {service.departs}"
    )


def stop_name(stop: str, lang: str) -> str:
    en, te, _, _ = STOPS[stop]
    return te if lang == "te" else en


def distance_km(a: str, b: str) -> int:
    _, _, lat1, lon1 = STOPS[a]
    _, _, lat2, lon2 = STOPS[b]
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return max(20, round(2 * 6371 * math.asin(math.sqrt(h)) * 1.25))  # roads wind ~25 % more


def services(origin: str, destination: str, day: date) -> list[Service]:
    if origin not in STOPS or destination not in STOPS or origin == destination:
        return []
    km = distance_km(origin, destination)
    found = []
    for departs, class_id in TIMETABLE:
        if class_id == "palle_velugu" and km > 250:
            continue  # village services run short routes only
        found.append(
            Service(
                id=f"{origin}-{destination}-{departs.replace(':', '')}",
                origin=origin,
                destination=destination,
                day=day,
                departs=departs,
                bus_class=CLASSES[class_id],
                km=km,
            )
        )
    return found


def service_by_id(service_id: str, day: date) -> Service | None:
    origin, destination, _ = service_id.split("-", 2)
    return next((s for s in services(origin, destination, day) if s.id == service_id), None)


@dataclass(frozen=True)
class Seat:
    number: str
    window: bool
    ladies: bool


def layout(bus_class: BusClass) -> list[Seat]:
    left, right = bus_class.layout
    per_row = left + right
    seats = []
    for row in range(bus_class.rows):
        for position in range(per_row):
            number = row * per_row + position + 1
            window = position in (0, per_row - 1)
            seats.append(Seat(str(number), window, row < bus_class.ladies_rows))
    return seats


def pick_seats(
    bus_class: BusClass,
    genders: list[str],
    preference: str,
    taken: set[str],
    first: str | None = None,
) -> list[str] | None:
    """Seats for the passengers in order: the seat the first passenger chose (`first`), ladies'
    seats only to women, the window/aisle wish honoured when it can be, else any free seat;
    None if there are not enough (or the chosen seat is gone or not theirs to take)."""
    free = [s for s in layout(bus_class) if s.number not in taken]
    chosen: list[str] = []
    for index, gender in enumerate(genders):
        allowed = [
            s for s in free if s.number not in chosen and (gender == "female" or not s.ladies)
        ]
        if index == 0 and first is not None:
            allowed = [s for s in allowed if s.number == first]
        if gender == "female":
            allowed.sort(key=lambda s: not s.ladies)
        if preference in ("window", "aisle"):
            allowed.sort(key=lambda s: s.window != (preference == "window"))
        if not allowed:
            return None
        chosen.append(allowed[0].number)
    return chosen


def refund_percent(hours_before: float) -> int:
    """APSRTC-style cancellation: full refund less charges well ahead, nothing at the last hour."""
    if hours_before >= 48:
        return 90
    if hours_before >= 24:
        return 75
    if hours_before >= 12:
        return 50
    if hours_before >= 2:
        return 25
    return 0


def upcoming_days(count: int = 7) -> list[date]:
    today = clock.to_ist(clock.now()).date()
    return [today + timedelta(days=i) for i in range(count)]
