"""Demo data for the console: offices of all 26 districts, officers of every role with known
passwords, and a few hundred grievances and applications spread over every state, so the
inbox, the case pages and the dashboard look like a working office on first start.

Each demo officer works in one office (a tahsildar in Tenali decides Tenali's cases); cases
elsewhere are worked by a section officer of their district, made on demand. Applications
carry the answers their own service asks (demo_answers)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from manamitra import clock, ratings
from manamitra.catalog.loader import Catalog
from manamitra.catalog.places import Place
from manamitra.console import auth
from manamitra.console.demo_answers import Applicant, answers_for
from manamitra.console.queries import can_see
from manamitra.grievances import cases
from manamitra.grievances.applications import case_for
from manamitra.grievances.offices import seed_offices
from manamitra.grievances.places import District, districts
from manamitra.privacy import Cipher
from manamitra.services.application import department_prefix, next_number
from manamitra.services.catalog_check import load_checked_catalog
from manamitra.services.registry import register_all
from manamitra.store import Database
from manamitra.store.models.applications import Application
from manamitra.store.models.console import Officer
from manamitra.store.models.grievances import Grievance, Office
from manamitra.store.models.pipeline import MediaBlob

DEMO_PASSWORD = "Mitra@2026"
DEMO_OFFICERS: tuple[dict[str, Any], ...] = (
    {
        "username": "officer.guntur",
        "role": "officer",
        "department": "municipal",
        "district": "guntur",
        "office_id": "municipal.guntur.tenali",
        "name": "K. Lakshmi (Municipal Engineer, Tenali)",
    },
    {
        "username": "officer.ntr",
        "role": "officer",
        "department": "municipal",
        "district": "ntr",
        "office_id": "municipal.ntr.vijayawada_urban",
        "name": "P. Srinivas (Municipal Engineer, Vijayawada)",
    },
    {
        "username": "supervisor.guntur",
        "role": "supervisor",
        "department": "municipal",
        "district": "guntur",
        "office_id": "municipal.guntur",
        "name": "M. Venkat Rao (Regional Director, Guntur)",
    },
    {
        "username": "tahsildar.guntur",
        "role": "officer",
        "department": "revenue",
        "district": "guntur",
        "office_id": "revenue.guntur.tenali",
        "name": "S. Padmavathi (Tahsildar, Tenali)",
    },
    {
        "username": "collector.guntur",
        "role": "supervisor",
        "department": "revenue",
        "district": "guntur",
        "office_id": "revenue.guntur",
        "name": "A. Ramana (Joint Collector, Guntur)",
    },
    {
        "username": "ae.guntur",
        "role": "officer",
        "department": "apcpdcl",
        "district": "guntur",
        "office_id": "apcpdcl.guntur.tenali",
        "name": "R. Naidu (Assistant Engineer, APCPDCL, Tenali)",
    },
    {
        "username": "admin.municipal",
        "role": "dept_admin",
        "department": "municipal",
        "name": "Commissioner, Municipal Administration",
    },
    {
        "username": "admin.state",
        "role": "state_admin",
        "department": None,
        "name": "RTGS State Command Centre",
    },
)
GRIEVANCE_SERVICES = (
    ("grievances.roads", "municipal", "roads"),
    ("grievances.street_lights", "municipal", "street_lights"),
    ("grievances.drainage", "municipal", "drainage"),
    ("grievances.water_supply", "municipal", "water_supply"),
    ("grievances.sanitation", "municipal", "sanitation"),
    ("grievances.revenue", "revenue", "revenue"),
    ("grievances.police", "police", "police"),
    ("apcpdcl.power_complaint", "apcpdcl", "power_supply"),
)
DESCRIPTIONS = {
    "roads": [
        "Big potholes on the main road near the bus stand, two-wheelers are falling.",
        "రామాలయం దగ్గర రోడ్డు పూర్తిగా దెబ్బతింది, వర్షం వస్తే నడవలేం.",
    ],
    "street_lights": [
        "Street lights on 3rd line have been off for ten days.",
        "మా వీధిలో వీధి దీపాలు వారం రోజులుగా వెలగడం లేదు.",
    ],
    "drainage": [
        "Drain overflowing into houses near the school.",
        "మురుగు కాలువ పూడుకుపోయి నీరు ఇళ్లలోకి వస్తోంది.",
    ],
    "water_supply": [
        "No drinking water supply for three days in ward 12.",
        "మూడు రోజులుగా కుళాయిలో నీరు రావడం లేదు.",
    ],
    "sanitation": [
        "Garbage not collected from the market for a week.",
        "మార్కెట్ దగ్గర చెత్త వారం రోజులుగా తీయడం లేదు.",
    ],
    "revenue": [
        "Mutation pending for six months after land registration.",
        "భూమి రిజిస్ట్రేషన్ అయి ఆరు నెలలైనా మ్యుటేషన్ కాలేదు.",
    ],
    "police": [
        "Loud music every night after 11 pm near the function hall.",
        "ఫంక్షన్ హాల్ దగ్గర రాత్రి 11 తర్వాత కూడా పెద్ద శబ్దంతో పాటలు.",
    ],
    "power_supply": [
        "Power cut in our colony since morning, transformer making noise.",
        "ఉదయం నుంచి మా కాలనీలో కరెంటు లేదు.",
    ],
}
APPLICATION_SERVICES = (
    "revenue.income_certificate",
    "revenue.caste_certificate",
    "municipal.birth_certificate",
)
# Where the demo officers work: half of their district's cases land in their mandal.
BUSY_MANDALS = {"guntur": "guntur.tenali", "ntr": "ntr.vijayawada_urban"}
REJECTIONS = {
    "revenue.income_certificate": "Income proof not valid.",
    "revenue.caste_certificate": "The school record does not show the caste.",
    "municipal.birth_certificate": "No hospital record of this birth.",
}
NAMES = (
    "Ravi Kumar",
    "Lakshmi Devi",
    "Venkata Ramana",
    "Sujatha",
    "Mohammed Irfan",
    "Anjali",
    "Srinivasa Rao",
    "Padma",
    "John Wesley",
    "Bhavani",
)
# A tiny grey PNG (1×1) standing in for a citizen's photo of the problem.
_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763"
    "b8b8b800000383017ffb0a8e0e0000000049454e44ae426082"
)


def seed_console_demo(
    database: Database,
    *,
    grievances: int = 260,
    applications: int = 80,
    seed: int = 7,
    catalog: Catalog | None = None,
    cipher: Cipher,
) -> None:
    """Idempotent: offices always; officers and cases only on an empty console. The officers
    and their password are listed by manamitra.demo_identities."""
    register_all()  # the seeded answers are checked against the field types and kinds
    with database.unit_of_work() as db:
        seed_offices(db)
        fresh = db.scalar(select(func.count()).select_from(Officer)) == 0
        if fresh:
            for spec in DEMO_OFFICERS:
                auth.create_officer(db, password=DEMO_PASSWORD, **spec)
    if fresh:
        with database.unit_of_work() as db:
            seeding = _Seeding(
                db,
                random.Random(seed),
                catalog or load_checked_catalog(),
                cipher,
            )
            seeding.run(grievances, applications)


class _Seeding:
    """One seeding run: the random source, the catalogue, and the section officers made so far."""

    def __init__(self, db: Session, rng: random.Random, catalog: Catalog, cipher: Cipher) -> None:
        self.db = db
        self.rng = rng
        self.catalog = catalog
        self.cipher = cipher
        self.officers = list(db.scalars(select(Officer).where(Officer.role == "officer")))
        self._shared_hash = ""

    def run(self, grievances: int, applications: int) -> None:
        base = clock.now()
        try:
            for index in range(grievances):
                self.grievance(index, base)
            for index in range(applications):
                self.application(index)
        finally:
            _set_now(base)

    def place(self, district: District) -> Place:
        busy = BUSY_MANDALS.get(district.id)
        if busy is not None and self.rng.random() < 0.5:
            return next(m for m in district.mandals if m.id == busy)
        return self.rng.choice(district.mandals)

    def worker(self, case: cases.Case) -> str:
        """The officer who works a case: a demo officer whose office it is, else a section
        officer of the district's office (an account made for the demo)."""
        for officer in self.officers:
            if can_see(officer, case):
                return officer.username
        office = self.db.get(Office, f"{case.department}.{case.district}")
        username = f"staff.{case.department}.{case.district}"[:64]
        if self.db.scalar(select(Officer).where(Officer.username == username)) is None:
            if not self._shared_hash:
                self._shared_hash = auth.hash_password(DEMO_PASSWORD)
            officer = Officer(
                username=username,
                name=f"Section Officer, {office.name_en if office else case.district}",
                password_hash=self._shared_hash,
                role="officer",
                department=case.department,
                district=case.district,
                office_id=office.id if office else None,
                active=True,
                created_at=clock.now(),
            )
            self.db.add(officer)
            self.db.flush()
            self.officers.append(officer)
        return username

    def grievance(self, index: int, base: datetime) -> None:
        db, rng = self.db, self.rng
        all_districts = list(districts().values())
        # Guntur and NTR get more cases so the demo officers' inboxes are full.
        district = (
            districts()["guntur"]
            if index % 3 == 0
            else districts()["ntr"]
            if index % 3 == 1 and index % 2
            else rng.choice(all_districts)
        )
        mandal = self.place(district)
        service_id, department, category = rng.choice(GRIEVANCE_SERVICES)
        if department == "apcpdcl":
            department = district.discom
        _set_now(base - timedelta(days=rng.uniform(0.1, 40)))
        citizen = f"9198{rng.randrange(10_000_000, 99_999_999)}"
        lang = rng.choice(("te", "te", "en"))
        attachments = []
        if rng.random() < 0.4:
            attachments.append(self.photo(f"demo/photo-{index}.png", "photo"))
        row = cases.register_grievance(
            db,
            cases.NewGrievance(
                citizen=citizen,
                lang=lang,
                service_id=service_id,
                department=department,
                category=category,
                description=rng.choice(DESCRIPTIONS[category]),
                attachments=attachments,
                district=district.id,
                mandal=mandal.id,
                # municipal complaints are made in the town (its municipality owns them);
                # the others in one of the mandal's villages
                village=rng.choice(mandal.children).id
                if mandal.children and department != "municipal"
                else None,
            ),
        )
        officer = self.worker(row)
        fate = rng.random()
        steps: list[tuple[str, float]] = []
        if fate > 0.15:
            steps.append(("assign", rng.uniform(0.05, 1.5)))
        if fate > 0.3:
            steps.append(("start", rng.uniform(0.1, 2)))
        if fate > 0.5:
            steps.append(("resolve" if rng.random() > 0.12 else "reject", rng.uniform(0.2, 6)))
        if fate > 0.7 and steps[-1][0] == "resolve":
            steps.append(("close", rng.uniform(0.5, 3)))
        for action, gap in steps:
            if (clock.now() + timedelta(days=gap)) > base:
                break
            clock.advance(timedelta(days=gap))
            if action == "assign":
                row.assigned_to = officer
                cases.transition(
                    db, row, "assign", actor=officer, actor_kind="officer", notify_citizen=False
                )
            elif action == "close":
                row.rating = rng.choice((10, 9, 9, 8, 8, 7, 5, 3, 1))
                row.rating_scale = ratings.SCALE
                cases.transition(
                    db, row, "close", actor="citizen", actor_kind="citizen", notify_citizen=False
                )
            else:
                note = {
                    "resolve": "Work completed and checked on site.",
                    "reject": "Not under this department; please approach the Gram Panchayat.",
                }
                cases.transition(
                    db, row, action, actor=officer, note=note.get(action), notify_citizen=False
                )
        if row.state in ("submitted", "assigned", "in_progress") and row.due_at < base:
            row.breached = True
            if rng.random() < 0.5 and row.office_id and row.office_id.count(".") == 2:
                row.office_id = row.office_id.rsplit(".", 1)[0]
                row.level = 1
                row.assigned_to = None
                cases.record(db, row, "system", "escalated", note="sla")
        _settle(db, row, rng, base)
        _set_now(base)

    def photo(self, key: str, kind: str) -> dict[str, Any]:
        """A stand-in picture stored once under `key`, as an attachment refers to it."""
        if self.db.get(MediaBlob, key) is None:
            self.db.add(
                MediaBlob(
                    key=key,
                    mime_type="image/png",
                    filename=key.rsplit("/", 1)[-1],
                    sha256="0" * 64,
                    size=len(_PNG),
                    content=_PNG,
                    created_at=clock.now(),
                )
            )
        return {
            "kind": kind,
            "media_key": key,
            "mime_type": "image/png",
            "filename": key.rsplit("/", 1)[-1],
        }

    def application(self, index: int) -> None:
        db, rng = self.db, self.rng
        district = districts()["guntur"] if index % 2 else rng.choice(list(districts().values()))
        mandal = self.place(district)
        spec = self.catalog.service(rng.choice(APPLICATION_SERVICES))
        assert spec is not None, "a demo service left the catalogue"
        base = clock.now()
        submitted = base - timedelta(days=rng.uniform(0.1, 20))
        name = rng.choice(NAMES)
        citizen = f"9197{rng.randrange(10_000_000, 99_999_999)}"
        applicant = Applicant(
            name=name,
            citizen=citizen,
            district=district.id,
            mandal=mandal.id,
            village=rng.choice(mandal.children).id if mandal.children else None,
        )
        answers = answers_for(
            spec,
            rng,
            applicant,
            today=clock.to_ist(submitted).date(),
            seal_aadhaar=self.cipher.seal_aadhaar,
            seal_text=self.cipher.seal_text,
            upload=lambda step: {
                k: v
                for k, v in self.photo(f"demo/{step.id}-{index}.png", step.id).items()
                if k != "kind"
            },
        )
        application = Application(
            number=next_number(db, department_prefix(spec.department), submitted),
            service_id=spec.id,
            department=spec.department,
            citizen=citizen,
            title={"en": spec.name.en, "te": spec.name.te},
            applicant_name=name,
            language=rng.choice(("te", "en")),
            status="submitted",
            answers=answers,
            documents=[],
            district=applicant.district,
            mandal=applicant.mandal,
            village=applicant.village,
            fee_paise=spec.fee_paise,
            submitted_at=submitted,
            updated_at=submitted,
        )
        db.add(application)
        db.flush()
        case = case_for(db, application)
        if case is None:
            return
        officer = self.worker(case)
        fate = rng.random()
        actions: list[tuple[str, str | None]] = []
        if fate > 0.3:
            actions.append(("verify", None))
        if fate > 0.55:
            actions.append(
                rng.choice(
                    (
                        ("approve", None),
                        ("reject", REJECTIONS[spec.id]),
                        ("request_document", "Please send your rice card."),
                    )
                )
            )
        for action, note in actions:
            cases.transition(db, case, action, actor=officer, note=note, notify_citizen=False)
            application.status = case.state
        _settle(db, case, rng, clock.now())


def _set_now(moment: datetime) -> None:
    """History is written by moving the platform clock to the moment it happened."""
    clock.reset()
    clock.advance(moment - clock.now())


def _settle(db: Session, case: cases.Case, rng: random.Random, base: datetime) -> None:
    """Leave the seeded history at rest: nothing due for escalation or auto-closure the
    moment the demo starts (that would message the made-up citizens all at once)."""
    if isinstance(case, Grievance) and case.state in ("resolved", "rejected"):
        if case.resolved_at is not None and case.resolved_at < base - cases.reopen_window():
            cases.transition(
                db, case, "close", actor="system", actor_kind="system", notify_citizen=False
            )
        return
    if case.finished_at is None and case.step_due_at is not None:
        later = base + timedelta(hours=rng.uniform(3, 72))
        case.step_due_at = max(clock.as_utc(case.step_due_at), later)
        case.reminded_at = None
        if clock.as_utc(case.due_at) < base:
            case.breached = True
