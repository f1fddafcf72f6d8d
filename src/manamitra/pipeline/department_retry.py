"""Finishing a citizen's service when the department that was down answers again.

Every few seconds, for each department with citizens waiting (`department_wait`), the job asks
the department's declared probe (its health path) unless its circuit is still open; once it
answers, each waiting citizen still on that service's "try again" screen gets a platform-made
tap on "Try again" in the inbox, which the worker processes like their own, in order, exactly
once (a wamid of our own). A citizen who moved on is simply no longer waited for.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import httpx
from sqlalchemy import select

from manamitra.departments.health import OPEN
from manamitra.departments.wiring import WiredDepartments
from manamitra.messaging.inbound import Inbound
from manamitra.pipeline.inbox_store import Received, store_events
from manamitra.store import Database
from manamitra.store.models import Conversation, DepartmentWait

log = logging.getLogger(__name__)


def _answers(wired: WiredDepartments, department: str) -> bool:
    engine = wired.engines.get(department)
    health = wired.health.get(department)
    if engine is None or (health is not None and health.state == OPEN):
        return False
    try:
        return engine.probe().status_code < 500
    except httpx.HTTPError:
        return False


def retry_waiting(database: Database, wired: WiredDepartments, phone_number_id: str) -> int:
    """One pass; returns how many citizens' services were handed back to the worker."""
    with database.unit_of_work() as db:
        waits = list(db.scalars(select(DepartmentWait)))
        if not waits:
            return 0
        back = {d for d in {w.department for w in waits} if _answers(wired, d)}
        handed: list[Received] = []
        for wait in waits:
            if wait.department not in back:
                continue
            convo = db.get(Conversation, wait.citizen)
            flow = (convo.state or {}).get("flow") if convo is not None else None
            db.delete(wait)
            if not flow or flow.get("service") != wait.service_id or flow.get("phase") != "failed":
                continue
            inbound = Inbound(
                message_id=f"mm-department-retry:{wait.citizen}:{wait.since.timestamp():.0f}",
                citizen=wait.citizen,
                kind="choice",
                # when the citizen submitted: the 24-hour window is not moved by our own tap
                sent_at=wait.since,
                choice_id="flow:retry",
                extra={"made_by": "department_retry", "department": wait.department},
            )
            number = (convo.phone_number_id if convo is not None else None) or phone_number_id
            handed.append(Received(inbound, number))
    if handed:
        store_events(database, handed)
        log.info("department back: services handed back", extra={"count": len(handed)})
    return len(handed)


def department_retry_job(
    database: Database,
    wired: WiredDepartments,
    phone_number_id: str,
    wake: Callable[[], None],
    every_seconds: float = 5.0,
) -> Callable[[asyncio.Event], Awaitable[None]]:
    async def run(stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                if await asyncio.to_thread(retry_waiting, database, wired, phone_number_id):
                    wake()
            except Exception:  # a failed pass is logged and retried; the job must not die
                log.exception("department retry pass failed")
            try:
                await asyncio.wait_for(stop.wait(), timeout=every_seconds)
            except TimeoutError:
                continue

    return run
