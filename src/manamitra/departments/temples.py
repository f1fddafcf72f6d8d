"""Endowments department reference system: temples of the state, their darshan types, sevas
and accommodation, each with daily slots and quotas, ticket prices, per-person limits per day,
and the cancellation rule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from manamitra import clock


@dataclass(frozen=True)
class Offering:
    id: str
    kind: str  # darshan | seva | room
    name: dict[str, str]
    price_paise: int
    slots: tuple[str, ...]
    quota: int  # per slot
    max_per_booking: int = 6


@dataclass(frozen=True)
class Temple:
    id: str
    name: dict[str, str]
    town: dict[str, str]
    offerings: tuple[Offering, ...]

    def offering(self, offering_id: str) -> Offering | None:
        return next((o for o in self.offerings if o.id == offering_id), None)


def _d(id_: str, en: str, te: str, price: int, slots: tuple[str, ...], quota: int) -> Offering:
    return Offering(id_, "darshan", {"en": en, "te": te}, price, slots, quota)


def _s(id_: str, en: str, te: str, price: int, slots: tuple[str, ...], quota: int) -> Offering:
    return Offering(id_, "seva", {"en": en, "te": te}, price, slots, quota, max_per_booking=2)


def _r(id_: str, en: str, te: str, price: int, quota: int) -> Offering:
    return Offering(id_, "room", {"en": en, "te": te}, price, ("12:00",), quota, max_per_booking=1)


MORNING = ("06:00", "08:00", "10:00")
DAY = ("06:00", "09:00", "12:00", "16:00", "19:00")

TEMPLES: dict[str, Temple] = {
    t.id: t
    for t in (
        Temple(
            "srisailam",
            {"en": "Srisailam Mallikarjuna Swamy", "te": "శ్రీశైలం మల్లికార్జున స్వామి"},
            {"en": "Srisailam", "te": "శ్రీశైలం"},
            (
                _d("sheeghra", "Sheeghra darshan", "శీఘ్ర దర్శనం", 30000, DAY, 200),
                _d("athi_sheeghra", "Athi sheeghra darshan", "అతి శీఘ్ర దర్శనం", 50000, DAY, 100),
                _s("rudrabhishekam", "Rudrabhishekam", "రుద్రాభిషేకం", 150000, MORNING, 20),
                _r("cottage", "Cottage (1 day)", "కాటేజీ (ఒక రోజు)", 120000, 40),
            ),
        ),
        Temple(
            "kanaka_durga",
            {"en": "Kanaka Durga, Vijayawada", "te": "కనకదుర్గ అమ్మవారు, విజయవాడ"},
            {"en": "Vijayawada", "te": "విజయవాడ"},
            (
                _d("special", "Special darshan", "ప్రత్యేక దర్శనం", 30000, DAY, 300),
                _d("antaralayam", "Antaralayam darshan", "అంతరాలయ దర్శనం", 50000, DAY, 80),
                _s("kumkumarchana", "Kumkumarchana", "కుంకుమార్చన", 50000, MORNING, 30),
                _s("chandi_homam", "Chandi homam", "చండీ హోమం", 200000, ("07:00",), 10),
            ),
        ),
        Temple(
            "annavaram",
            {"en": "Annavaram Satyanarayana Swamy", "te": "అన్నవరం సత్యనారాయణ స్వామి"},
            {"en": "Annavaram", "te": "అన్నవరం"},
            (
                _d("special", "Special darshan", "ప్రత్యేక దర్శనం", 20000, DAY, 250),
                _s("vratham", "Satyanarayana vratham", "సత్యనారాయణ వ్రతం", 150000, MORNING, 50),
                _r("choultry", "Choultry room (1 day)", "సత్రం గది (ఒక రోజు)", 50000, 60),
            ),
        ),
        Temple(
            "simhachalam",
            {"en": "Simhachalam Varaha Lakshmi Narasimha", "te": "సింహాచలం వరాహ లక్ష్మీ నరసింహ స్వామి"},
            {"en": "Simhachalam", "te": "సింహాచలం"},
            (
                _d("special", "Special darshan", "ప్రత్యేక దర్శనం", 10000, DAY, 300),
                _d("vip", "VIP darshan", "వీఐపీ దర్శనం", 30000, DAY, 60),
                _s("nityakalyanam", "Nitya kalyanam", "నిత్య కళ్యాణం", 100000, ("09:00",), 25),
            ),
        ),
        Temple(
            "srikalahasti",
            {"en": "Srikalahasti", "te": "శ్రీకాళహస్తి"},
            {"en": "Srikalahasti", "te": "శ్రీకాళహస్తి"},
            (
                _d("special", "Special darshan", "ప్రత్యేక దర్శనం", 20000, DAY, 250),
                _s("rahu_ketu", "Rahu-Ketu pooja", "రాహు-కేతు పూజ", 75000, DAY, 100),
            ),
        ),
        Temple(
            "kanipakam",
            {"en": "Kanipakam Varasiddhi Vinayaka", "te": "కాణిపాకం వరసిద్ధి వినాయక"},
            {"en": "Kanipakam", "te": "కాణిపాకం"},
            (
                _d("special", "Special darshan", "ప్రత్యేక దర్శనం", 15000, DAY, 250),
                _s("abhishekam", "Abhishekam", "అభిషేకం", 70000, MORNING, 20),
            ),
        ),
        Temple(
            "dwaraka_tirumala",
            {"en": "Dwaraka Tirumala", "te": "ద్వారకా తిరుమల"},
            {"en": "Dwaraka Tirumala", "te": "ద్వారకా తిరుమల"},
            (
                _d("special", "Special darshan", "ప్రత్యేక దర్శనం", 10000, DAY, 200),
                _s("kalyanam", "Nitya kalyanam", "నిత్య కళ్యాణం", 100000, ("10:00",), 20),
                _r("guest_house", "Guest house (1 day)", "అతిథి గృహం (ఒక రోజు)", 80000, 30),
            ),
        ),
    )
}

ID_TYPES = {
    "aadhaar": {"en": "Aadhaar", "te": "ఆధార్"},
    "voter": {"en": "Voter ID", "te": "ఓటరు కార్డు"},
    "pan": {"en": "PAN", "te": "పాన్"},
    "passport": {"en": "Passport", "te": "పాస్‌పోర్ట్"},
    "licence": {"en": "Driving licence", "te": "డ్రైవింగ్ లైసెన్స్"},
}
MAX_PERSONS_PER_MOBILE_PER_DAY = 6


def tickets(offering: Offering, persons: int) -> int:
    """Tickets paid for: one room whoever stays; else one per person, up to the limit."""
    return 1 if offering.kind == "room" else min(persons, offering.max_per_booking)


def slot_start(day: date, slot: str) -> datetime:
    hour, minute = (int(x) for x in slot.split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=clock.IST).astimezone(
        clock.now().tzinfo
    )


def pool_key(temple: str, offering: str, day: date, slot: str) -> str:
    return f"temple:{temple}:{offering}:{day.isoformat()}:{slot.replace(':', '')}"


def refund_percent(hours_before: float) -> int:
    """Temple tickets: most back when cancelled a day ahead, none in the last 24 hours."""
    if hours_before >= 72:
        return 90
    if hours_before >= 24:
        return 50
    return 0
