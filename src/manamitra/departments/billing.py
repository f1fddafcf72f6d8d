"""Bills, taxes and fines owed to a department: what a reference system answers for one
account, and the department's own record of what was paid (table `department_payment`)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from manamitra import clock
from manamitra.store.models import DepartmentPayment


@dataclass(frozen=True)
class Due:
    """One payable item: a month's bill, a half-year's tax, a challan."""

    ref: str
    label: dict[str, str]
    amount_paise: int
    due_date: date | None = None


@dataclass(frozen=True)
class Statement:
    system: str
    account: str
    holder: str
    lines: dict[str, list[str]]  # account details, by language
    dues: list[Due]
    history: list[tuple[dict[str, str], int, bool]] = field(
        default_factory=list
    )  # label, paise, paid
    holder_te: str = ""  # the holder's name as the department writes it in Telugu, if it does

    @property
    def holder_names(self) -> dict[str, str]:
        return {"en": self.holder, "te": self.holder_te or self.holder}

    @property
    def total_paise(self) -> int:
        return sum(d.amount_paise for d in self.dues)


Lookup = Callable[[Session, str], Statement | None]


@dataclass(frozen=True)
class BillSystem:
    id: str
    name: dict[str, str]
    lookup: Lookup


BILL_SYSTEMS: dict[str, BillSystem] = {}


def bill_system(system: BillSystem) -> BillSystem:
    BILL_SYSTEMS[system.id] = system
    return system


def paid_refs(db: Session, system: str, account: str) -> set[str]:
    return set(
        db.scalars(
            select(DepartmentPayment.bill_ref).where(
                DepartmentPayment.system == system, DepartmentPayment.account == account
            )
        )
    )


def record_paid(
    db: Session, system: str, account: str, dues: list[tuple[str, int]], order_id: str
) -> bool:
    """Mark the dues paid by `order_id`; False (nothing written) if any was paid already."""
    refs = [ref for ref, _ in dues]
    taken = set(
        db.scalars(
            select(DepartmentPayment.bill_ref).where(
                DepartmentPayment.system == system, DepartmentPayment.bill_ref.in_(refs)
            )
        )
    )
    if taken:
        return False
    now = clock.now()
    for ref, amount in dues:
        db.add(
            DepartmentPayment(
                system=system,
                account=account,
                bill_ref=ref,
                order_id=order_id,
                amount_paise=amount,
                paid_at=now,
            )
        )
    db.flush()
    return True


def seed_number(text: str) -> int:
    """A stable pseudo-random number per account, so the reference data never changes."""
    return int(hashlib.sha256(text.encode()).hexdigest()[:12], 16)


def month_start(day: date, back: int) -> date:
    """The first day of the month `back` months before `day`'s month."""
    index = day.year * 12 + (day.month - 1) - back
    return date(index // 12, index % 12 + 1, 1)


MONTHS_TE = (
    "జనవరి",
    "ఫిబ్రవరి",
    "మార్చి",
    "ఏప్రిల్",
    "మే",
    "జూన్",
    "జూలై",
    "ఆగస్టు",
    "సెప్టెంబర్",
    "అక్టోబర్",
    "నవంబర్",
    "డిసెంబర్",
)


def month_label(day: date) -> dict[str, str]:
    return {"en": day.strftime("%b %Y"), "te": f"{MONTHS_TE[day.month - 1]} {day.year}"}
