"""The demo's test identities, in one place: what a tester types into the simulator and the
console (Aadhaar numbers, record and account numbers, routes, officers) and how they pay.

Everything here is drawn from the data the demo actually runs on (the reference registers,
the bill systems, the booking inventories, the console's seeded officers), so the start-up
text and the README's "Try it" table (checked against it by a test) cannot promise what the
demo does not have.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

from sqlalchemy import select

from manamitra.catalog.loader import load_departments
from manamitra.catalog.places import gazetteer
from manamitra.console.demo import DEMO_OFFICERS, DEMO_PASSWORD
from manamitra.departments import apsrtc, discoms, echallan, municipal_tax, temples
from manamitra.departments.reference import embedded_systems
from manamitra.formatting import date_numeric
from manamitra.privacy import verhoeff_digit
from manamitra.store import Database
from manamitra.store.models.applications import Application
from manamitra.store.models.grievances import Grievance

# How a test proves the demo accepts an identity: which validator or system takes it.
Check = Literal["aadhaar", "record", "bill", "bus", "temple", "officer", "password", "number"]

# Made-up Aadhaar numbers: 9999 (as UIDAI's own test numbers begin), then a run of zeros no
# real number looks like, then a valid Verhoeff check digit so the Aadhaar field accepts them.
TEST_AADHAAR_PREFIX = "9999"
OPEN_CASE_STATES = ("submitted", "assigned", "in_progress", "in_review")


@dataclass(frozen=True)
class Identity:
    """One thing to type: `value`, what it is, and whose it is or what else is asked."""

    label: str
    value: str
    note: str
    check: Check
    service: str | None = None  # the catalogue service that takes it
    key: str | None = None  # the register key, when the service builds it from several answers


@dataclass(frozen=True)
class Section:
    title: str
    where: str  # where in the demo these are typed
    identities: tuple[Identity, ...]


def sample_aadhaar(serial: int) -> str:
    """A made-up Aadhaar number the field accepts, "9999 0000 001X": a Verhoeff digit appended."""
    body = f"{TEST_AADHAAR_PREFIX}{serial:07d}"
    digits = body + verhoeff_digit(body)
    return " ".join(digits[i : i + 4] for i in range(0, 12, 4))


def _record(label: str, service: str, source: str, value: str, key: str | None = None) -> Identity:
    """A register record, with the second thing its service asks taken from the record."""
    record = embedded_systems().lookup(source, key or value)
    if record is None:
        raise LookupError(f"demo identity {value!r} is not in the {source} register")
    facts = record.facts
    if "date_of_birth" in facts:
        note = f"date of birth {date_numeric(str(facts['date_of_birth']))}"
    elif service.endswith("_download") and "mobile" in facts:
        note = f"mobile {facts['mobile']}"
    elif key is not None and "/" in key and "." in key:
        # The village is picked district → mandal → village, the way the service asks.
        village_id = key.split("/", 1)[0]
        parts = village_id.split(".")
        places = (gazetteer().get(".".join(parts[:end])) for end in (1, 2, 3))
        note = " → ".join(place.en for place in places if place is not None)
    else:
        note = ""
    return Identity(label, value, note, "record", service, key)


def _citizen() -> Section:
    return Section(
        "For any application",
        "when a form asks for it",
        (
            Identity("Aadhaar number", sample_aadhaar(1), "made up; valid check digit", "aadhaar"),
            Identity("Another Aadhaar", sample_aadhaar(2), "a second applicant", "aadhaar"),
        ),
    )


def _records() -> Section:
    return Section(
        "Look up or download a record",
        "type e.g. “rice card”",
        (
            _record("Rice card", "civil_supplies.rice_card_download", "ration_card", "2810453712"),
            _record("Pension ID", "serp.pension_status", "pension", "1020304051"),
            _record("SSC hall ticket", "bse.ssc_hall_ticket", "ssc_hall_ticket", "2512104356"),
            _record(
                "Inter hall ticket", "bie.inter_hall_ticket", "inter_hall_ticket", "2561234567"
            ),
            _record(
                "Adangal / 1-B survey no.",
                "revenue.adangal_copy",
                "adangal",
                "112/2",
                key="guntur.tenali.tenali/112/2",
            ),
            _record(
                "Birth registration",
                "municipal.birth_certificate_copy",
                "birth_register",
                "BR2024001234",
            ),
            _record("Vehicle", "transport.vehicle_details", "vehicle", "AP39AB1234"),
            _record(
                "Driving licence", "transport.licence_status", "driving_licence", "AP0320230001234"
            ),
            _record(
                "Job card",
                "panchayat_raj.wage_status",
                "nrega_job_card",
                "AP-12-003-004-005/0123",
                key="AP12003004005/0123",
            ),
        ),
    )


def _power_account(discom: str) -> Identity:
    """The discom's first account with arrears (a bill with more than one month due)."""
    number, name, _, town, _, _ = next(a for a in discoms.ACCOUNTS[discom] if a[5])
    return Identity(
        f"Power bill, {discom.upper()}",
        number,
        f"{name}, {town}, with arrears",
        "bill",
        f"{discom}.pay_bill",
    )


def _assessment(label: str, service: str, number: str) -> Identity:
    owner, _, area, _, town, _, arrear_halves = municipal_tax.ASSESSMENTS[number]
    due = f", {arrear_halves + 1} half-years due" if arrear_halves else ""
    return Identity(label, number, f"{owner}, {area}, {town}{due}", "bill", service)


def _bills() -> Section:
    licence = "TL2026VJA0012"
    trade, _, owner, _ = municipal_tax.LICENCES[licence]
    vehicle = "AP39AB1234"
    return Section(
        "Pay a bill (sandbox gateway, no real money)",
        "“current bill”, “property tax”, “e-challan”",
        (
            *(_power_account(d) for d in ("apspdcl", "apepdcl", "apcpdcl")),
            _assessment("Property tax", "municipal.pay_property_tax", "1086023456"),
            _assessment("Water tax (tap connection)", "municipal.pay_water_tax", "1073045678"),
            Identity(
                "Trade licence", licence, f"{trade}, {owner}", "bill", "municipal.pay_trade_licence"
            ),
            Identity(
                "Traffic e-challan",
                vehicle,
                f"{len(echallan.CHALLANS[vehicle])} challans",
                "bill",
                "police.pay_echallan",
            ),
        ),
    )


def _town(stop: str) -> str:
    """ "Vijayawada" of "Vijayawada (PNBS)": the town, as the list of stops begins it."""
    return apsrtc.STOPS[stop][0].split(" (")[0]


def booking_days() -> int:
    return len(apsrtc.upcoming_days())


def _bookings() -> Section:
    days = f"today and the next {booking_days() - 1} days"
    origin, destination = "VJA", "VSKP"
    temple = temples.TEMPLES["kanaka_durga"]
    darshan = temple.offerings[0]
    return Section(
        "Book a bus seat or a darshan",
        "Services → Bus tickets / Temple darshan & seva",
        (
            Identity(
                "Bus route",
                f"{_town(origin)} → {_town(destination)}",
                f"any of {len(apsrtc.STOPS)} towns; {days}",
                "bus",
                "apsrtc.book_ticket",
                key=f"{origin}-{destination}",
            ),
            Identity(
                "Darshan",
                f"{temple.name['en'].split(',')[0]}: {darshan.name['en']}",
                f"{len(temples.TEMPLES)} temples; {days}; any photo ID's last 4",
                "temple",
                "endowments.book_darshan",
                key=f"{temple.id}:{darshan.id}",
            ),
        ),
    )


def _district_name(district: str | None) -> str:
    place = gazetteer().get(district) if district else None
    return place.en if place else ""


def _department_name(department: str | None) -> str:
    spec = load_departments().get(department) if department else None
    return (spec.short_name or spec.name).en if spec else ""


def _officers() -> Section:
    officers = tuple(
        Identity(
            ", ".join(
                part
                for part in (
                    spec["role"].replace("_", " ").capitalize(),
                    _department_name(spec.get("department")),
                    _district_name(spec.get("district")),
                )
                if part
            ),
            spec["username"],
            "",
            "officer",
        )
        for spec in DEMO_OFFICERS
    )
    return Section(
        "Officers' console",
        "sign in at /console/login",
        (
            Identity("Password (every officer)", DEMO_PASSWORD, "", "password"),
            *officers,
        ),
    )


@cache
def identity_sections() -> tuple[Section, ...]:
    return (_citizen(), _records(), _bills(), _bookings(), _officers())


def all_identities() -> list[Identity]:
    return [identity for section in identity_sections() for identity in section.identities]


# How to pay in the sandbox gateway, step by step (the checkout page's own button labels).
HOW_TO_PAY = (
    'In the chat, tap "Review and pay" under the bill: the sandbox checkout page opens.',
    'Tap "Pay with UPI" (or "Make the payment fail", "Pay twice", "Abandon"); the receipt '
    "arrives in the chat.",
    "Without a browser, post the order id (in the chat's order) and an outcome (success or "
    "failure):",
)
PAY_API_CALL = ("POST /sandbox/api/pay", '{"order_id": "…", "outcome": "success"}')


def seeded_case_numbers(database: Database) -> list[Identity]:
    """Numbers of cases the demo seeded that wait for the Guntur officers (for the console's
    search); empty when the console was seeded before and they have all been decided."""
    found: list[Identity] = []
    with database.unit_of_work() as db:
        application = db.scalar(
            select(Application.number)
            .where(
                Application.department == "revenue",
                Application.district == "guntur",
                Application.status.in_(OPEN_CASE_STATES),
            )
            .order_by(Application.number)
            .limit(1)
        )
        grievance = db.scalar(
            select(Grievance.number)
            .where(
                Grievance.assigned_to == "officer.guntur",
                Grievance.state.in_(OPEN_CASE_STATES),
            )
            .order_by(Grievance.number)
            .limit(1)
        )
    if application:
        found.append(Identity("Application", application, "tahsildar.guntur decides", "number"))
    if grievance:
        found.append(Identity("Grievance", grievance, "officer.guntur's inbox", "number"))
    return found
