"""Department health across processes: each process publishes its counters to the database
and the console's figures are the platform's sums, latencies and circuit; two real processes
publish to the same store; ended processes keep counting after their rows are folded."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from manamitra import clock
from manamitra.departments.declaration import Circuit
from manamitra.departments.health import DepartmentHealth
from manamitra.departments.shared_health import (
    ENDED,
    FOLD_AFTER,
    FRESH,
    fold_ended,
    platform_snapshots,
    publish,
    publish_once,
)
from manamitra.store import Database
from manamitra.store.models import DepartmentHealthShare

SRC = Path(__file__).resolve().parents[2] / "src"


class Ticks:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _health(department: str = "serp", failures: int = 3) -> tuple[DepartmentHealth, Ticks]:
    ticks = Ticks()
    return DepartmentHealth(department, Circuit(failures=failures, open_seconds=30), ticks), ticks


def test_two_processes_counters_add_up_and_an_open_circuit_shows(database: Database) -> None:
    first, _ = _health()
    second, ticks = _health()
    for seconds in (0.010, 0.020, 0.030):
        first.succeeded(seconds)
    first.succeeded(0.040, found=False)
    for _ in range(3):  # the second process's circuit opens
        second.failed(0.500, "serp/pension: HTTP 503")
    ticks.now += 5
    with database.unit_of_work() as session:
        publish(session, "process-a", [first])
        publish(session, "process-b", [second])
    with database.unit_of_work() as session:
        serp = platform_snapshots(session, ["serp"])["serp"]
    assert (serp["calls"], serp["errors"], serp["not_found"]) == (7, 3, 1)
    assert serp["state"] == "open" and (serp["open_in"], serp["processes"]) == (1, 2)
    assert serp["last_error"] == "serp/pension: HTTP 503"
    assert 4 <= serp["seconds_since_error"] <= 6
    # the latest calls of both processes: 10, 20, 30, 40, 500, 500, 500 ms
    assert (serp["p50_ms"], serp["p95_ms"]) == (40, 500)
    assert serp["p50_ms"] != first.latency_ms(0.5)  # not one process's view


def test_publishing_again_replaces_and_counts_nothing_twice(database: Database) -> None:
    health, _ = _health()
    health.succeeded(0.01)
    for _ in range(3):
        publish_once(database, "process-a", [health])
    health.succeeded(0.01)
    publish_once(database, "process-a", [health])
    with database.unit_of_work() as session:
        assert platform_snapshots(session, ["serp"])["serp"]["calls"] == 2
        assert len(session.scalars(select(DepartmentHealthShare)).all()) == 1


def test_a_silent_process_no_longer_holds_the_circuit_open(database: Database) -> None:
    health, _ = _health()
    for _ in range(3):
        health.failed(0.2, "HTTP 503")
    publish_once(database, "process-gone", [health])
    clock.advance(FRESH + timedelta(seconds=1))
    with database.unit_of_work() as session:
        serp = platform_snapshots(session, ["serp"])["serp"]
    assert serp["state"] == "closed" and serp["processes"] == 0
    assert serp["calls"] == 3  # its calls still count


def test_ended_processes_are_folded_and_still_counted(database: Database) -> None:
    old, _ = _health()
    for _ in range(4):
        old.succeeded(0.05)
    old.failed(0.05, "timed out")
    older, _ = _health()
    older.succeeded(0.05)
    publish_once(database, "process-old", [old])
    publish_once(database, "process-older", [older])
    clock.advance(FOLD_AFTER + timedelta(seconds=5))
    alive, _ = _health()
    alive.succeeded(0.07)
    publish_once(database, "process-now", [alive])  # publishing folds the silent ones
    with database.unit_of_work() as session:
        rows = {r.process: r for r in session.scalars(select(DepartmentHealthShare))}
        assert set(rows) == {ENDED, "process-now"}
        assert (rows[ENDED].calls, rows[ENDED].errors) == (6, 1)
        assert rows[ENDED].last_error == "timed out"
        assert fold_ended(session) == 0  # nothing left to fold
        serp = platform_snapshots(session, ["serp"])["serp"]
    assert (serp["calls"], serp["errors"]) == (7, 1)
    assert serp["p50_ms"] == 70  # latencies are the running processes' latest calls
    assert serp["last_error"] == "timed out"


CHILD = """
import sys
sys.path.insert(0, {src!r})
from manamitra import processes
from manamitra.departments.declaration import Circuit
from manamitra.departments.health import DepartmentHealth
from manamitra.departments.shared_health import publish_once
from manamitra.store import Database
health = DepartmentHealth("civil_supplies", Circuit(failures=2, open_seconds=60))
for _ in range({ok}):
    health.succeeded(0.015)
for _ in range({failed}):
    health.failed(0.4, "civil_supplies/ration_card: HTTP 503")
database = Database({url!r})
publish_once(database, processes.current().id, [health])
database.dispose()
print(processes.current().id)
"""


def _child(url: str, ok: int, failed: int) -> str:
    done = subprocess.run(
        [sys.executable, "-c", CHILD.format(src=str(SRC), url=url, ok=ok, failed=failed)],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.stdout.strip()


@pytest.mark.postgres
def test_the_console_figures_are_every_real_processs(database: Database) -> None:
    url = str(database.url)
    first = _child(url, ok=5, failed=0)
    second = _child(url, ok=1, failed=2)
    assert first != second
    with database.unit_of_work() as session:
        supplies = platform_snapshots(session, ["civil_supplies", "serp"])["civil_supplies"]
    assert (supplies["calls"], supplies["errors"]) == (8, 2)
    assert supplies["state"] == "open" and (supplies["open_in"], supplies["processes"]) == (1, 2)
    assert (supplies["p50_ms"], supplies["p95_ms"]) == (15, 400)
