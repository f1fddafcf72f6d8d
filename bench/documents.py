"""Documents and trust throughput on one core.

    .venv/bin/python bench/documents.py [--issue 200] [--verify 20000] [--entries 1000000]

Reports: certificates issued per second (PDF render + QR + signature + media row + log append,
one transaction each, SQLite), verifications per second (offline: key set + signed status
list; and online through the database), and inclusion / consistency proof times in a log of
`--entries` entries (built straight into the node table, as a million issuances would leave
it). Targets: ≥ 100 issued/s, ≥ 5,000 verified/s, inclusion proof < 1 ms at 1,000,000.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


from manamitra.documents import issue_document
from manamitra.documents.demo import DEMO_FACTS, TAHSILDAR, TAHSILDAR_OFFICE
from manamitra.store import Database, migrate
from manamitra.store.models.trust import LogHead, TrustRepository
from manamitra.trust import (
    TrustService,
    merkle,
    verify,
)
from manamitra.trust import status as status_list
from manamitra.trust.keys import FileKeyStore


def _pin_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})


def _platform(tmp: Path, keys: bool = True) -> tuple[Database, TrustService]:
    url = f"sqlite:///{tmp / 'bench.db'}"
    migrate.upgrade(url)
    database = Database(url)
    trust = TrustService(
        FileKeyStore(tmp / "keys"),
        public_url="https://verify.example.in",
        checkpoint_file=tmp / "log" / "checkpoint",
    )
    if keys:
        with database.unit_of_work() as session:
            trust.ensure_keys(TrustRepository(session), ["revenue"])
    return database, trust


class Timer:
    """Wall time and this process's CPU time: on a shared machine the CPU figure is the one
    that says what one core can do."""

    def __enter__(self) -> Timer:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *_: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu


# Every certificate to a different holder, as in real traffic: the renderer remembers shaped
# text, and one name repeated would flatter it.
GIVEN = [
    ("Ravi", "రవి"),
    ("Lakshmi", "లక్ష్మి"),
    ("Venkata", "వెంకట"),
    ("Sravani", "శ్రావణి"),
    ("Naga", "నాగ"),
    ("Padmavathi", "పద్మావతి"),
    ("Srinivas", "శ్రీనివాస్"),
    ("Durga", "దుర్గ"),
    ("Chandra", "చంద్ర"),
    ("Kavya", "కావ్య"),
    ("Suresh", "సురేష్"),
    ("Bhavani", "భవాని"),
]
MIDDLE = [("Kumar", "కుమార్"), ("Sai", "సాయి"), ("Rama", "రామ"), ("Devi", "దేవి"), ("", "")]
FAMILY = [
    ("Reddy", "రెడ్డి"),
    ("Naidu", "నాయుడు"),
    ("Chowdary", "చౌదరి"),
    ("Varma", "వర్మ"),
    ("Sastry", "శాస్త్రి"),
    ("Goud", "గౌడ్"),
    ("Yadav", "యాదవ్"),
]


def holder(i: int) -> tuple[str, str]:
    """The i-th of 420 distinct holder names, in English and Telugu."""
    given, middle = GIVEN[i % len(GIVEN)], MIDDLE[(i // len(GIVEN)) % len(MIDDLE)]
    family = FAMILY[(i // (len(GIVEN) * len(MIDDLE))) % len(FAMILY)]
    parts = [p for p in (given, middle, family) if p[0]]
    return " ".join(p[0] for p in parts), " ".join(p[1] for p in parts)


def issue_one(database: Database, trust: TrustService, number: str, names: tuple[str, str]) -> str:
    with database.unit_of_work() as session:
        issued = issue_document(
            session,
            trust,
            doc_type="income",
            number=number,
            holder_name_en=names[0],
            holder_name_te=names[1],
            facts=DEMO_FACTS["income"],
            office=TAHSILDAR_OFFICE,
            officer=TAHSILDAR,
        )
    return issued.qr_text


def bench_issue(
    database: Database, trust: TrustService, count: int, warmup: int = 10
) -> tuple[Timer, list[str]]:
    """Issue `count` certificates, after `warmup` untimed ones (fonts parsed, first-use
    caches filled: a running platform paid that once at start-up) to holders not reused."""
    for i in range(warmup):
        issue_one(database, trust, f"AP-INC-2026-W{i:06d}", holder(count + i))
    qr_texts = []
    timer = Timer().__enter__()
    for i in range(count):
        qr_texts.append(issue_one(database, trust, f"AP-INC-2026-B{i:06d}", holder(i)))
    timer.__exit__()
    return timer, qr_texts


def bench_verify(
    database: Database, trust: TrustService, qr_texts: list[str], count: int
) -> tuple[Timer, Timer]:
    with database.unit_of_work() as session:
        trust.revoke(session, "AP-INC-2026-B000000", "issued_in_error", "bench")
        offline_status = status_list.load(trust.status_list(session), trust.keyring())
    ring = trust.keyring()
    with Timer() as offline:
        for i in range(count):
            verify(qr_texts[i % len(qr_texts)], ring, offline_status)
    with Timer() as online, database.unit_of_work() as session:
        for i in range(count // 10):
            trust.verify_online(session, qr_texts[i % len(qr_texts)])
    return offline, online


def build_log(database: Database, entries: int) -> bytes:
    """A log of `entries` leaves written as appends would leave it (entries, nodes, head),
    through the driver in big batches: a million appends one by one would take an hour."""
    from manamitra import clock

    frontier: list[bytes] = []
    stamp = clock.now().replace(tzinfo=None).isoformat(sep=" ")
    entry_rows: list[tuple[int, bytes, str, bytes, str]] = []
    node_rows: list[tuple[int, int, bytes]] = []
    with database.unit_of_work() as session:
        connection = session.connection()

        def flush() -> None:
            if not entry_rows:
                return
            connection.exec_driver_sql(
                'INSERT INTO trust_log_entry ("index", leaf_hash, kind, data, created_at) '
                "VALUES (?, ?, ?, ?, ?)",
                entry_rows,
            )
            connection.exec_driver_sql(
                'INSERT INTO trust_log_node (level, "index", hash) VALUES (?, ?, ?)', node_rows
            )
            entry_rows.clear()
            node_rows.clear()

        for index in range(entries):
            data = b'{"kind":"bench","n":%d}' % index
            leaf = merkle.leaf_hash(data)
            frontier, done = merkle.frontier_append(frontier, index, leaf)
            entry_rows.append((index, leaf, "bench", data, stamp))
            node_rows.extend(done)
            if len(entry_rows) >= 100_000:
                flush()
        flush()
        head = session.get(LogHead, 1)
        assert head is not None
        head.size, head.frontier = entries, b"".join(frontier)
    return merkle.frontier_root(frontier)


def bench_proofs(
    database: Database, trust: TrustService, entries: int, samples: int = 2000
) -> dict[str, float]:
    root = build_log(database, entries)
    rng = random.Random(9162)
    inclusion, inclusion_cpu, by_hash, consistency = [], [], [], []
    with database.unit_of_work() as session:
        repo = TrustRepository(session)
        for _ in range(samples):
            index = rng.randrange(entries)
            started, cpu = time.perf_counter(), time.process_time()
            path = trust.log.inclusion_by_index(repo, index, entries)
            inclusion.append(time.perf_counter() - started)
            inclusion_cpu.append(time.process_time() - cpu)
            leaf = merkle.leaf_hash(b'{"kind":"bench","n":%d}' % index)
            assert merkle.verify_inclusion(index, entries, leaf, path, root)
        for _ in range(samples // 4):
            index = rng.randrange(entries)
            leaf = merkle.leaf_hash(b'{"kind":"bench","n":%d}' % index)
            started = time.perf_counter()
            trust.log.inclusion(repo, leaf, entries)
            by_hash.append(time.perf_counter() - started)
        for _ in range(samples // 4):
            first = rng.randrange(1, entries)
            started = time.perf_counter()
            trust.log.consistency(repo, first, entries)
            consistency.append(time.perf_counter() - started)
    ms = 1000.0
    return {
        "inclusion_by_index_ms_median": statistics.median(inclusion) * ms,
        "inclusion_by_index_ms_p99": sorted(inclusion)[int(len(inclusion) * 0.99)] * ms,
        "inclusion_by_index_cpu_ms_mean": statistics.mean(inclusion_cpu) * ms,
        "inclusion_by_leaf_hash_ms_median": statistics.median(by_hash) * ms,
        "consistency_ms_median": statistics.median(consistency) * ms,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issue", type=int, default=200)
    parser.add_argument("--verify", type=int, default=20000)
    parser.add_argument("--entries", type=int, default=1_000_000)
    args = parser.parse_args()
    _pin_one_core()
    # as the platform does at start-up (app.py): keep the imported modules, catalogue and
    # fonts out of every later garbage collection
    gc.collect()
    gc.freeze()
    results: dict[str, float | int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        database, trust = _platform(Path(tmp))
        issued, qr_texts = bench_issue(database, trust, args.issue)
        results["issued_per_s_wall"] = args.issue / issued.wall
        results["issued_per_s_cpu"] = args.issue / issued.cpu
        offline, online = bench_verify(database, trust, qr_texts, args.verify)
        results["verified_offline_per_s_wall"] = args.verify / offline.wall
        results["verified_offline_per_s_cpu"] = args.verify / offline.cpu
        results["verified_online_per_s_wall"] = (args.verify // 10) / online.wall
        results["verified_online_per_s_cpu"] = (args.verify // 10) / online.cpu
        database.dispose()
    with tempfile.TemporaryDirectory() as tmp:
        database, trust = _platform(Path(tmp), keys=False)
        started = time.perf_counter()
        results.update(bench_proofs(database, trust, args.entries))
        results["log_entries"] = args.entries
        results["log_build_s"] = time.perf_counter() - started
        database.dispose()
    for key, value in results.items():
        print(f"{key:36} {value:,.3f}" if isinstance(value, float) else f"{key:36} {value:,}")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
