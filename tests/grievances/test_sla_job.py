"""The serve-time SLA job and the `manamitra sla run-once` command do a pass over the store."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from typer.testing import CliRunner

from manamitra import clock
from manamitra.grievances import cases
from manamitra.grievances.deadlines import sla_job
from manamitra.grievances.offices import seed_offices
from manamitra.store import Database


class _Sender:
    def __init__(self) -> None:
        self.woken = 0

    def notify(self) -> None:
        self.woken += 1


def _overdue(database: Database) -> str:
    with database.unit_of_work() as db:
        seed_offices(db)
        row = cases.register_grievance(
            db,
            cases.NewGrievance(
                citizen="919876544444",
                lang="en",
                service_id="grievances.drainage",
                department="municipal",
                category="drainage",
                description="Drain blocked",
                attachments=[],
                district="ntr",
                mandal="ntr.vijayawada_urban",
            ),
        )
        number = row.number
        step_due = clock.as_utc(row.step_due_at)
    clock.advance(step_due - clock.now() + timedelta(minutes=1))
    return number


def test_background_job_escalates_and_wakes_the_sender(sqlite_database_url: str) -> None:
    database = Database(sqlite_database_url)
    number = _overdue(database)
    sender = _Sender()

    async def one_pass() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(sla_job(database, sender, 60)(stop))
        for _ in range(100):
            await asyncio.sleep(0.05)
            if sender.woken:
                break
        stop.set()
        await task

    asyncio.run(one_pass())
    with database.unit_of_work() as db:
        row = cases.find_grievance(db, number)
        assert row is not None and row.level == 1
    assert sender.woken == 1
    database.dispose()


def test_sla_run_once_command(sqlite_database_url: str, monkeypatch: object) -> None:
    from manamitra.cli.main import app

    database = Database(sqlite_database_url)
    number = _overdue(database)
    database.dispose()
    monkeypatch.setenv("MM_DATABASE_URL", sqlite_database_url)  # type: ignore[attr-defined]
    result = CliRunner().invoke(app, ["sla", "run-once"])
    assert result.exit_code == 0, result.output
    assert "escalated 1" in result.output and number in result.output
