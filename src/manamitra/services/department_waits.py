"""Citizens whose service stopped at a department that did not answer: kept here so the platform
can finish it for them when the department is back (`pipeline/department_retry.py`)."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from manamitra import clock
from manamitra.store.models import DepartmentWait


def wait(db: Session | None, citizen: str, service_id: str, department: str) -> None:
    if db is None:
        return
    row = db.get(DepartmentWait, citizen)
    if row is None:
        db.add(
            DepartmentWait(
                citizen=citizen, service_id=service_id, department=department, since=clock.now()
            )
        )
    else:
        row.service_id, row.department = service_id, department


def done(db: Session | None, citizen: str) -> None:
    if db is None:
        return
    row = db.get(DepartmentWait, citizen)
    if row is not None:
        db.delete(row)
        db.flush()  # a failure in the same turn waits afresh (wait() must not find this row)


def waiting_by_department(db: Session) -> Counter[str]:
    rows = db.execute(
        select(DepartmentWait.department, func.count()).group_by(DepartmentWait.department)
    )
    return Counter({department: int(count) for department, count in rows})
