"""Processes with narrower roles (PostgreSQL), and the notification that wakes a worker in a
process other than the webhook's."""

from __future__ import annotations

import asyncio
import threading

import pytest

from manamitra.app import create_app
from manamitra.channels.whatsapp.parse import parse_body
from manamitra.pipeline.inbox_store import store_events
from manamitra.pipeline.wakeup import wake_on_inbox
from manamitra.store import Database
from tests.channels.whatsapp import fixtures
from tests.channels.whatsapp.support import settings
from tests.support.parts import TEST_CIPHER


def test_narrower_roles_need_postgresql(sqlite_database_url: str) -> None:
    with pytest.raises(ValueError, match="needs PostgreSQL"):
        create_app(settings(sqlite_database_url, role="web"), background=False)


def test_a_web_process_runs_only_the_inbox_and_a_jobs_process_the_rest(
    database_url: str,
) -> None:
    if database_url.startswith("sqlite"):
        pytest.skip("roles are for PostgreSQL")
    web = create_app(settings(database_url, role="web"), background=False)
    jobs = create_app(settings(database_url, role="jobs"), background=False)
    everything = create_app(settings(database_url), background=False)
    assert set(web.state.runtime.jobs) == {"inbox-writer"}
    assert {"conversation-worker-0", "outbox-sender", "inbox-wakeup", "sla-clock"} <= set(
        jobs.state.runtime.jobs
    )
    assert set(jobs.state.runtime.jobs) == set(everything.state.runtime.jobs)
    for app in (web, jobs, everything):
        app.state.runtime.database.dispose()


def test_storing_messages_wakes_listeners_in_other_processes(database: Database) -> None:
    if database.is_sqlite:
        pytest.skip("one process on SQLite: the inbox wakes its workers directly")
    elsewhere = Database(database.url)  # stands for another process's pool
    woken = threading.Event()
    [received] = parse_body(fixtures.raw("text")).messages

    async def scenario() -> bool:
        stop = asyncio.Event()
        job = asyncio.create_task(wake_on_inbox(elsewhere, woken.set, stop, timeout=0.2))
        await asyncio.sleep(0.5)  # listening
        assert not woken.is_set()
        await asyncio.to_thread(store_events, database, [received], cipher=TEST_CIPHER)
        found = await asyncio.to_thread(woken.wait, 5)
        stop.set()
        await job
        return found

    assert asyncio.run(scenario())
    elsewhere.dispose()
