"""Service switches without a deploy: on, off (until a time, or until switched back), a
scheduled start, or a pilot in some districts. A dept_admin sets them in the console; every start
of a service reads its row, so a change applies to the next citizen who taps it.

    now = clock.now()
    gate = availability(db, "revenue.income_certificate", now)
    if not gate.open: tell(gate) ...                   # "returns on 12-12-2026 10:00 AM"
    if not gate.admits_district("guntur"): ...         # a pilot elsewhere
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from manamitra import clock
from manamitra.catalog.places import gazetteer
from manamitra.messaging.i18n import t
from manamitra.store.models import ServiceSwitch

STATES = ("on", "off", "pilot")


@dataclass(frozen=True)
class Availability:
    state: str  # on | off | scheduled | pilot
    returns_at: datetime | None = None
    districts: tuple[str, ...] = ()

    @property
    def open(self) -> bool:
        return self.state in ("on", "pilot")

    def admits_district(self, district: str | None) -> bool:
        return self.state != "pilot" or district is None or district in self.districts


def availability(db: Session | None, service_id: str, now: datetime) -> Availability:
    """`db` None (an engine run without a store, as some tests and tools do): on."""
    row = db.get(ServiceSwitch, service_id) if db is not None else None
    if row is None:
        return Availability("on")
    if row.starts_at is not None and now < row.starts_at:
        return Availability("scheduled", returns_at=row.starts_at)
    if row.state == "off":
        if row.until is not None and now >= row.until:
            return Availability("on")
        return Availability("off", returns_at=row.until)
    if row.state == "pilot":
        return Availability("pilot", districts=tuple(row.districts or ()))
    return Availability("on")


def set_switch(
    db: Session,
    service_id: str,
    state: str,
    *,
    actor: str,
    starts_at: datetime | None = None,
    until: datetime | None = None,
    districts: tuple[str, ...] = (),
) -> ServiceSwitch:
    if state not in STATES:
        raise ValueError(f"state must be one of {STATES}")
    known = {d.id for d in gazetteer().districts}
    unknown = [d for d in districts if d not in known]
    if unknown:
        raise ValueError(f"unknown districts: {', '.join(unknown)}")
    if state == "pilot" and not districts:
        raise ValueError("a pilot needs at least one district")
    row = db.get(ServiceSwitch, service_id)
    if row is None:
        row = ServiceSwitch(service_id=service_id, changed_by=actor, changed_at=clock.now())
        db.add(row)
    row.state = state
    row.starts_at = starts_at
    row.until = until if state == "off" else None
    row.districts = list(districts) if state == "pilot" else []
    row.changed_by = actor
    row.changed_at = clock.now()
    return row


def switches(db: Session) -> dict[str, ServiceSwitch]:
    return {row.service_id: row for row in db.query(ServiceSwitch).all()}


def closed_message(gate: Availability, service: str, lang: str) -> str:
    """What a citizen is told when the service they tapped is switched off or not yet open."""
    when = clock.format_ist(gate.returns_at) if gate.returns_at else None
    if gate.state == "scheduled":
        return t(lang, "switch.starts", service=service, when=when)
    if when:
        return t(lang, "switch.closed_until", service=service, when=when)
    return t(lang, "switch.closed", service=service)


def pilot_message(gate: Availability, service: str, district: str, lang: str) -> str:
    names = gazetteer()
    where = ", ".join(names.get(d).name(lang) for d in gate.districts if names.get(d))  # type: ignore[union-attr]
    found = names.get(district)
    return t(
        lang,
        "switch.pilot",
        service=service,
        districts=where,
        district=found.name(lang) if found else district,
    )
