"""Facts from a department's own records: where a register already holds the citizen's
record, the profile offers what it says, "from <department> records".

A record is the citizen's when its identifier is one of their verified facts (a rice card
number an approved application stated) — the department's register is then read through the
platform's record lookups (`RecordLookup`, the same systems the chat's lookups ask), live, so
nothing is copied. A register declares what it adds (`REGISTERS`): the rice card's members,
and the head's name in both scripts when the card's registered mobile is the citizen's own
WhatsApp number. A department that does not answer adds nothing: the profile never waits on
it twice in one turn and never fails because of it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from manamitra.catalog.loader import Catalog
from manamitra.departments.base import Record
from manamitra.errors import DepartmentUnavailableError, ManamitraError
from manamitra.parts import RecordLookup
from manamitra.profile.facts import (
    Fact,
    Source,
    asking_step,
    department_title,
    held_back,
    verified_facts,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Register:
    """A department register the profile reads: where the identifier is found among the
    citizen's verified facts, and which of the record's facts become profile facts."""

    source: str  # the register, as lookups name it
    department: str
    identifier_facts: tuple[str, ...]  # verified facts holding its identifier
    owner_mobile: str | None = None  # a record fact: the registered mobile
    owner_facts: tuple[tuple[str, str], ...] = ()  # (profile fact, record fact) for the owner
    members_fact: str | None = None  # a profile fact listing the record's rows (members)


REGISTERS = (
    Register(
        source="ration_card",
        department="civil_supplies",
        identifier_facts=("card_number",),
        owner_mobile="mobile",
        owner_facts=(("applicant_name", "holder"),),
        members_fact="family_members",
    ),
)


def profile_facts(
    db: Session,
    citizen: str,
    catalog: Catalog | None,
    systems: RecordLookup | None,
    lang: str,
) -> dict[str, Fact]:
    """Every fact the profile offers: verified ones, then what department records add."""
    verified = verified_facts(db, citizen, catalog)
    if systems is None:
        return verified
    skip = held_back(db, citizen)
    added = record_facts(systems, citizen, verified, catalog, lang)
    return {**verified, **{k: f for k, f in added.items() if k not in skip}}


def record_facts(
    systems: RecordLookup,
    citizen: str,
    verified: dict[str, Fact],
    catalog: Catalog | None,
    lang: str,
) -> dict[str, Fact]:
    """The facts the citizen's department records add to `verified` (never replacing one)."""
    found: dict[str, Fact] = {}
    for register in REGISTERS:
        identifier = next(
            (str(verified[k].value) for k in register.identifier_facts if k in verified), None
        )
        if not identifier:
            continue
        record = _read(systems, register, identifier)
        if record is None:
            continue
        source = Source(
            application=f"{register.source}:{identifier}",
            service_id="",
            department=register.department,
            title=department_title(catalog, register.department),
            decided_at=None,
            certificate=None,
            origin="records",
        )
        if register.members_fact and record.rows:
            found[register.members_fact] = Fact(
                register.members_fact, [dict(row) for row in record.rows], None, source
            )
        if register.owner_mobile and _same_mobile(record.facts.get(register.owner_mobile), citizen):
            for key, field in register.owner_facts:
                value = _text(record.facts.get(field), lang)
                if value and key not in verified:
                    found[key] = Fact(key, value, asking_step(catalog, key), source)
    return found


def _read(systems: RecordLookup, register: Register, identifier: str) -> Record | None:
    try:
        return systems.lookup(register.source, identifier, {})
    except DepartmentUnavailableError:
        log.info("department records not read", extra={"register": register.source})
        return None
    except ManamitraError as exc:  # refused, or a record the declaration cannot read
        log.info("department record refused", extra={"register": register.source, "error": exc})
        return None


def _same_mobile(registered: Any, citizen: str) -> bool:
    digits = "".join(ch for ch in str(registered or "") if ch.isdigit())
    return len(digits) >= 10 and citizen.endswith(digits[-10:])


def _text(value: Any, lang: str) -> str:
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("en") or "").strip()
    return str(value or "").strip()
