"""Every test identity the README's "Try it" table lists is one the demo knows, and the demo's
own data accepts it: the Aadhaar field takes the Aadhaar numbers, the services' identifier
fields and registers find the records, the bill systems find dues on the accounts, the
console signs the officers in. So the README cannot drift from the demo."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from manamitra import clock
from manamitra.catalog.loader import load_catalog
from manamitra.catalog.schema import ServiceSpec, StepSpec
from manamitra.console import auth
from manamitra.console.demo import seed_console_demo
from manamitra.demo_identities import (
    HOW_TO_PAY,
    OPEN_CASE_STATES,
    Identity,
    all_identities,
    booking_days,
    seeded_case_numbers,
)
from manamitra.departments import apsrtc, temples
from manamitra.departments.billing import BILL_SYSTEMS
from manamitra.departments.reference import embedded_systems
from manamitra.fields.aadhaar import AadhaarField
from manamitra.fields.base import AskContext
from manamitra.fields.identifier import IdentifierField
from manamitra.formatting import date_numeric
from manamitra.grievances.applications import find_application
from manamitra.grievances.cases import find_grievance
from manamitra.messaging.inbound import Inbound
from manamitra.privacy import Cipher, mask_aadhaar
from manamitra.store import Database
from tests.support.parts import TEST_CIPHER, build_parts

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
SANDBOX = ROOT / "src" / "manamitra" / "sandbox"


def _try_it_section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.find("\n## Try it")
    if start == -1:
        return ""
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def readme_rows() -> list[tuple[str, str, str]]:
    """(what, value, note) of every table row of "Try it" whose value is in backticks."""
    rows = []
    for line in _try_it_section().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and re.fullmatch(r"`[^`]+`", cells[1]):
            rows.append((cells[0], cells[1].strip("`"), cells[2]))
    return rows


README_ROWS = readme_rows()
KNOWN = {(i.label, i.value): i for i in all_identities()}


def _identity(label: str, value: str) -> Identity:
    found = KNOWN.get((label, value))
    assert found is not None, f"README lists {label}: {value}, which the demo does not know"
    return found


def _inbound(text: str) -> Inbound:
    return Inbound(
        message_id="wamid.try-it", citizen="919876543210", kind="text", sent_at=clock.now(),
        text=text,
    )  # fmt: skip


def _service(service_id: str | None) -> ServiceSpec:
    spec = load_catalog().service(service_id or "")
    assert spec is not None, f"no catalogue service {service_id!r}"
    return spec


def _identifier_step(spec: ServiceSpec) -> StepSpec:
    return next(step for step in spec.steps if step.type == "identifier")


def test_readme_lists_every_demo_identity_and_nothing_else() -> None:
    assert README_ROWS, "README.md has no Try it table"
    listed = {(what, value) for what, value, _ in README_ROWS}
    assert listed == set(KNOWN)
    notes = {(what, value): note for what, value, note in README_ROWS}
    assert all(notes[key] == (i.note or "") for key, i in KNOWN.items())


@pytest.mark.parametrize(
    ("what", "value"),
    [(w, v) for w, v, _ in README_ROWS if KNOWN.get((w, v)) and KNOWN[(w, v)].check == "aadhaar"],
)
def test_readme_aadhaar_numbers_pass_the_aadhaar_field(what: str, value: str) -> None:
    identity = _identity(what, value)
    step = _service("revenue.income_certificate").steps
    aadhaar_step = next(s for s in step if s.type == "aadhaar")
    ctx = AskContext(lang="en", answers={}, parts=build_parts(privacy=Cipher(os.urandom(32))))
    sealed = AadhaarField().parse(aadhaar_step, _inbound(identity.value), ctx)
    assert mask_aadhaar(sealed) == f"XXXX XXXX {identity.value[-4:]}"
    assert identity.value.startswith("9999"), "only UIDAI's test series, never a resident's"


@pytest.mark.parametrize(
    ("what", "value"),
    [(w, v) for w, v, _ in README_ROWS if KNOWN.get((w, v)) and KNOWN[(w, v)].check == "record"],
)
def test_readme_record_numbers_fit_the_service_and_are_in_its_register(
    what: str, value: str
) -> None:
    identity = _identity(what, value)
    spec = _service(identity.service)
    source = (spec.lookup or spec.download or {})["source"]
    step = _identifier_step(spec)
    typed = IdentifierField.clean(identity.value, step)
    assert re.fullmatch(str(step.params["pattern"]), typed), f"{value} refused by {step.id}"
    record = embedded_systems().lookup(source, identity.key or typed)
    assert record is not None, f"{value} not in the {source} register"
    if "date of birth" in identity.note:
        assert identity.note.endswith(date_numeric(str(record.facts["date_of_birth"])))
    if identity.note.startswith("mobile "):
        assert identity.note == f"mobile {record.facts['mobile']}"
        assert any(s.type == "mobile" for s in spec.steps), "the service asks for the mobile"


@pytest.mark.parametrize(
    ("what", "value"),
    [(w, v) for w, v, _ in README_ROWS if KNOWN.get((w, v)) and KNOWN[(w, v)].check == "bill"],
)
def test_readme_accounts_have_dues_to_pay(what: str, value: str, sqlite_database_url: str) -> None:
    identity = _identity(what, value)
    system = _service(identity.service).payment["system"]  # type: ignore[index]
    database = Database(sqlite_database_url)
    try:
        with database.unit_of_work() as db:
            statement = BILL_SYSTEMS[system].lookup(db, identity.value)
    finally:
        database.dispose()
    assert statement is not None, f"{value} unknown to {system}"
    assert statement.dues, f"{value} has nothing to pay"
    assert statement.holder in identity.note or identity.value in statement.holder


def test_readme_bookings_exist_on_every_offered_day() -> None:
    rows = [_identity(w, v) for w, v, _ in README_ROWS]
    bus = next(i for i in rows if i.check == "bus")
    origin, destination = (bus.key or "").split("-")
    assert bus.value == (
        f"{apsrtc.STOPS[origin][0].split(' (')[0]} → {apsrtc.STOPS[destination][0].split(' (')[0]}"
    )
    days = apsrtc.upcoming_days()
    assert len(days) == booking_days()
    assert f"the next {len(days) - 1} days" in bus.note
    assert all(apsrtc.services(origin, destination, day) for day in days)
    darshan = next(i for i in rows if i.check == "temple")
    temple_id, offering_id = (darshan.key or "").split(":")
    offering = temples.TEMPLES[temple_id].offering(offering_id)
    assert offering is not None and darshan.value.endswith(offering.name["en"])


def test_readme_officers_sign_in_with_the_readme_password(sqlite_database_url: str) -> None:
    rows = [_identity(w, v) for w, v, _ in README_ROWS]
    password = next(i.value for i in rows if i.check == "password")
    officers = [i.value for i in rows if i.check == "officer"]
    assert officers
    database = Database(sqlite_database_url)
    try:
        seed_console_demo(database, grievances=0, applications=0, cipher=TEST_CIPHER)
        with database.unit_of_work() as db:
            for username in officers:
                assert auth.authenticate(db, username, password).officer is not None, username
    finally:
        database.dispose()


def test_seeded_case_numbers_are_found_and_open(database: Database) -> None:
    seed_console_demo(database, grievances=40, applications=20, cipher=TEST_CIPHER)
    numbers = seeded_case_numbers(database)
    assert [n.label for n in numbers] == ["Application", "Grievance"]
    with database.unit_of_work() as db:
        application = find_application(db, numbers[0].value)
        grievance = find_grievance(db, numbers[1].value)
        assert application is not None and application.district == "guntur"
        assert application.status in OPEN_CASE_STATES
        assert grievance is not None and grievance.assigned_to == "officer.guntur"
        assert grievance.state in OPEN_CASE_STATES


def test_how_to_pay_names_the_buttons_the_simulator_and_checkout_show() -> None:
    checkout = (SANDBOX / "templates" / "gateway_checkout.html").read_text(encoding="utf-8")
    simulator = (SANDBOX / "static" / "simulator.js").read_text(encoding="utf-8")
    quoted = [q for step in HOW_TO_PAY for q in re.findall(r'"([^"]+)"', step)]
    assert "Review and pay" in quoted and "Pay with UPI" in quoted
    for label in quoted:
        # A button's text starts with the label ("Abandon (close without paying)").
        assert f">{label}" in checkout or f'"{label}"' in simulator, label
        assert label in _try_it_section(), f"README's Try it does not say {label!r}"
