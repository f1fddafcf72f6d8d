"""Bookings bench: holds per second under contention, and p99 time from "pay" to the ticket
delivered to the citizen's phone (through the sandbox gateway, the platform and the emulator).

    .venv/bin/python bench/bookings.py [--threads 16] [--holds 2000] [--pays 100]
        [--database-url postgresql://postgres@127.0.0.1:5432/test]   # default: a SQLite file

Part 1 runs `hold` from many threads against a few pools (every thread fights for the same
rows). Part 2 starts the whole platform (demo) on a free port, books `--pays` darshan holds,
pays each through POST /sandbox/api/pay from `--concurrency` testers (8), and times until the e-ticket
document is in the emulator's outbox for that citizen.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import httpx
import uvicorn

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.support

from manamitra import clock
from manamitra.bookings.inventory import HoldRequest, booking_id_for, ensure_pool, hold
from manamitra.settings import load_settings
from manamitra.store import Database, migrate
from tests.support.bookings import hold_darshan


def _fresh_url(base: str | None, tmp: Path) -> str:
    if not base:
        return f"sqlite:///{tmp / 'bench.db'}"
    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    return f"{base}?options=-csearch_path%3D{schema}"


def holds_per_second(url: str, threads: int, total: int, pools: int = 4) -> tuple[float, int, int]:
    database = Database(url, pool_size=threads)
    starts = clock.now() + timedelta(days=2)
    with database.unit_of_work() as db:
        pool_ids = [
            ensure_pool(db, key=f"bench:{i}", domain="temple", capacity=total, starts_at=starts).id
            for i in range(pools)
        ]
    won = [0] * threads
    lost = [0] * threads
    per_thread = total // threads
    barrier = threading.Barrier(threads)

    def run(index: int) -> None:
        from manamitra.store.models import BookingPool

        barrier.wait()
        for n in range(per_thread):
            with database.unit_of_work() as db:
                pool = db.get(BookingPool, pool_ids[n % pools])
                assert pool is not None
                got = hold(
                    db,
                    pool,
                    HoldRequest(
                        booking_id=booking_id_for("B", f"{index}:{n}"),
                        citizen=f"9190{index:04d}{n:04d}",
                        domain="temple",
                        service_id="bench",
                        quantity=1,
                        amount_paise=100,
                        details={},
                    ),
                )
            if got is None:
                lost[index] += 1
            else:
                won[index] += 1

    began = time.perf_counter()
    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - began
    database.dispose()
    return sum(won) / elapsed, sum(won), sum(lost)


def _free_socket() -> socket.socket:
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    return sock


def pay_to_ticket(url: str, tmp: Path, pays: int, concurrency: int = 8) -> list[float]:
    from manamitra.app import create_app

    sock = _free_socket()
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    settings = load_settings(
        database_url=url,
        graph_api_url=f"{base}/sandbox/graph",
        public_url=base,
        data_dir=tmp / "var",
    )
    os.environ["MM_PUBLIC_URL"] = base
    app = create_app(settings, demo=True)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=1))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    runtime = app.state.runtime
    payments = runtime.parts.payments
    orders: list[tuple[str, str]] = []
    with runtime.database.unit_of_work() as db:
        pool = ensure_pool(
            db,
            key="bench:pay",
            domain="temple",
            capacity=pays,
            starts_at=clock.now() + timedelta(days=2),
        )
        for n in range(pays):
            citizen = f"9188{n:08d}"
            _, order = hold_darshan(db, payments, pool, citizen)
            orders.append((citizen, order.id))

    def one(item: tuple[str, str]) -> float:
        citizen, order_id = item
        with httpx.Client(base_url=base, timeout=60) as client:
            began = time.perf_counter()
            client.post("/sandbox/api/pay", json={"order_id": order_id}).raise_for_status()
            while True:
                sent = client.get("/sandbox/api/outbox", params={"to": citizen}).json()
                if any(b.get("type") == "document" for b in sent):
                    return time.perf_counter() - began
                if time.perf_counter() - began > 60:
                    raise TimeoutError(order_id)
                time.sleep(0.01)

    with ThreadPoolExecutor(concurrency) as pool_:
        latencies = list(pool_.map(one, orders))
    server.should_exit = True
    thread.join(timeout=10)
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--holds", type=int, default=2000)
    parser.add_argument("--pays", type=int, default=100)
    parser.add_argument("--database-url", default=os.environ.get("MM_BENCH_DATABASE_URL"))
    parser.add_argument("--only", choices=("holds", "pay"), default=None)
    parser.add_argument("--concurrency", type=int, default=8, help="testers paying at once")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        url = _fresh_url(args.database_url, tmp)
        migrate.upgrade(url)
        store = "postgresql" if url.startswith("postgres") else "sqlite"
        if args.only != "pay":
            rate, won, lost = holds_per_second(url, args.threads, args.holds)
            print(
                f"[{store}] holds under contention: {rate:,.0f} holds/s "
                f"({won} held, {lost} refused, {args.threads} threads, 4 pools)"
            )
        if args.only == "holds":
            return
        pay_url = (
            _fresh_url(args.database_url, tmp / "pay")
            if args.database_url
            else f"sqlite:///{tmp / 'pay.db'}"
        )
        (tmp / "pay").mkdir(exist_ok=True)
        migrate.upgrade(pay_url)
        latencies = sorted(pay_to_ticket(pay_url, tmp, args.pays, args.concurrency))
        p50 = statistics.median(latencies)
        p99 = latencies[max(0, int(len(latencies) * 0.99) - 1)]
        print(
            f"[{store}] pay → ticket delivered: p50 {p50 * 1000:,.0f} ms, "
            f"p99 {p99 * 1000:,.0f} ms, max {latencies[-1] * 1000:,.0f} ms ({len(latencies)} payments, {args.concurrency} concurrent)"
        )


if __name__ == "__main__":
    main()
