"""Crash benchmark: kill -9 the serving processes under steady webhook load, restart, drain,
then count what reached the Graph stand-in.

Thousands of citizens each send one signed message, `--rate` a second, from before the
first kill until after the last; a message that is not answered 200 is sent again (as Meta
does) until it is. At random moments (`--kills` times, each `--settle` + 1 to `--between`
seconds after the last restart was serving) the serving processes are killed with SIGKILL
and restarted. The Graph
stand-in answers after Meta-like latency (`--graph-latency-ms`), so sends are in flight
when a process dies. Prints, per store:

  * messages acknowledged, answered exactly once, lost (acknowledged, never answered);
  * repeated side effects (a reply written twice for one message);
  * replies delivered twice, per kill, beside the sender's HTTP requests in flight at the
    stand-in at that kill, and the replies the restarted sender found marked on the wire;
  * recovery: how long after the restart was serving the replies in flight at the kill went
    again; from the restart (process spawned) until the last reply to a message acknowledged
    before the kill arrived (this includes the backlog built up while it was down), and the
    longest delay of such a reply.

    .venv/bin/python bench/chaos.py [--stores sqlite,postgres] [--rate 250] [--between 6]
                                    [--settle 12] [--kills 5] [--graph-latency-ms 150]

SQLite runs one process (everything); PostgreSQL runs a web process (MM_ROLE=web: HTTP and
the inbox) and a jobs process (workers and sender), and each kill takes one or both.
All traffic stays on 127.0.0.1; every phase has a time limit.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson

sys.path.insert(0, str(Path(__file__).parent))
import loadgen
import webhook
from webhook import PHONE_NUMBER_ID, PYTHON, ROOT, SECRET, free_port, uvicorn_command

RETRY_AFTER = 0.5  # a refused or failed webhook is sent again this much later
TAKE_OVER_LINE = b"claims of dead processes given back"


@dataclass
class Server:
    """One serving process: its role, port and environment; restarted after each kill."""

    role: str
    port: int
    env: dict[str, str]
    logs: Path
    proc: subprocess.Popen[bytes] | None = None
    incarnation: int = 0

    def start(self) -> None:
        self.incarnation += 1
        log = (self.logs / f"{self.role}-{self.incarnation}.log").open("wb")
        self.proc = subprocess.Popen(
            uvicorn_command(self.port),
            env={**os.environ, **self.env, "MM_ROLE": self.role},
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        log.close()

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    @property
    def sends(self) -> bool:
        return self.role in ("all", "jobs")

    def log_text(self, incarnation: int) -> bytes:
        path = self.logs / f"{self.role}-{incarnation}.log"
        return path.read_bytes() if path.exists() else b""


async def ready(port: int, limit: float = 90.0) -> float:
    deadline = time.monotonic() + limit
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            try:
                if (await client.get(f"http://127.0.0.1:{port}/healthz", timeout=2)).is_success:
                    return time.time()
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"the server on port {port} did not come back")


@dataclass
class Kill:
    at: float
    roles: list[str]
    restarted_at: float = 0.0
    ready_at: float = 0.0
    in_flight: int = 0  # the stand-in's unanswered requests at the kill (if a sender died)
    marked_on_wire: int = 0  # what the restarted sender found claimed with its request out
    claimed_not_sent: int = 0
    incarnations: dict[str, int] = field(default_factory=dict)


class Load:
    """Open-loop webhook load: a new citizen's message every 1 / rate seconds until `stop`,
    each sent until it is acknowledged (or `limit` seconds after the stop)."""

    def __init__(self, port: int, run: str, rate: float, connections: int) -> None:
        self.port = port
        self.run_id = run
        self.rate = rate
        self.connections = connections
        self.citizens: list[str] = []
        self.bodies: list[bytes] = []
        self.acked: dict[int, float] = {}
        self.attempts = 0
        self.due: asyncio.Queue[int] = asyncio.Queue()

    async def run(self, stop: asyncio.Event, limit: float) -> None:
        workers = [asyncio.create_task(self._worker()) for _ in range(self.connections)]
        await self._feed(stop)
        deadline = time.monotonic() + limit
        while len(self.acked) < len(self.bodies) and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        for task in workers:
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)

    async def _feed(self, stop: asyncio.Event) -> None:
        start = time.perf_counter()
        index = 0
        while not stop.is_set():
            delay = start + index / self.rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            citizen = f"91{8000000000 + index}"
            body = webhook.webhook_body(citizen, index, self.run_id)
            self.citizens.append(citizen)
            self.bodies.append(
                loadgen.signed_request("127.0.0.1", self.port, "/webhooks/whatsapp", body, SECRET)
            )
            self.due.put_nowait(index)
            index += 1

    def _again(self, index: int) -> None:
        asyncio.get_running_loop().call_later(RETRY_AFTER, self.due.put_nowait, index)

    async def _worker(self) -> None:
        stream: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        while True:
            index = await self.due.get()
            try:
                if stream is None:
                    stream = await asyncio.open_connection("127.0.0.1", self.port)
                reader, writer = stream
                self.attempts += 1
                writer.write(self.bodies[index])
                status = await asyncio.wait_for(loadgen._read_response(reader), timeout=15)
            except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError):
                if stream is not None:
                    stream[1].close()
                stream = None
                self._again(index)
                await asyncio.sleep(0.05)
                continue
            if status == 200:
                self.acked.setdefault(index, time.time())
            else:
                self._again(index)


async def chaos(
    servers: list[Server], kills: int, graph_port: int, rng: random.Random, args: argparse.Namespace
) -> list[Kill]:
    """Kill at random moments: each a random 1-`--between` seconds after the previous
    restart was serving again and the replies it held back had gone out."""
    done: list[Kill] = []
    await asyncio.sleep(rng.uniform(2.0, args.between))
    async with httpx.AsyncClient() as client:
        for _ in range(kills):
            victims = [s for s in servers if len(servers) == 1 or rng.random() < 0.6]
            if not victims:
                victims = [rng.choice(servers)]
            at = time.time()
            for server in victims:
                server.kill()
            kill = Kill(at, [s.role for s in victims])
            if any(s.sends for s in victims):
                seen = (await client.get(f"http://127.0.0.1:{graph_port}/requests")).json()
                kill.in_flight = sum(1 for r in seen if r[2] <= at and (r[3] is None or r[3] > at))
            await asyncio.sleep(rng.uniform(0.2, 1.0))
            kill.restarted_at = time.time()
            for server in victims:
                server.start()
                kill.incarnations[server.role] = server.incarnation
            for server in victims:
                kill.ready_at = max(kill.ready_at, await ready(server.port))
            done.append(kill)
            await asyncio.sleep(args.settle + rng.uniform(1.0, args.between))
    return done


def outbox_rows(url: str) -> list[Any]:
    from sqlalchemy import text

    from manamitra.store import Database

    database = Database(url)
    try:
        with database.engine.connect() as conn:
            return list(
                conn.execute(
                    text(
                        "SELECT o.citizen, o.kind, o.status, o.body, o.uncertain_sends,"
                        " i.wamid AS inbound FROM outbound_message o"
                        " LEFT JOIN inbound_message i ON i.id = o.source_inbound_id"
                    )
                )
            )
    finally:
        database.dispose()


def unsent(url: str) -> int:
    from sqlalchemy import text

    from manamitra.store import Database

    database = Database(url)
    try:
        with database.engine.connect() as conn:
            return int(
                conn.execute(
                    text(
                        "SELECT (SELECT count(*) FROM outbound_message"
                        " WHERE status IN ('pending', 'sending'))"
                        " + (SELECT count(*) FROM inbound_message WHERE status = 'pending')"
                    )
                ).scalar_one()
            )
    finally:
        database.dispose()


async def drain(url: str, graph_port: int, citizens: set[str], limit: float) -> None:
    deadline = time.monotonic() + limit
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            stats = (await client.get(f"http://127.0.0.1:{graph_port}/stats", timeout=30)).json()
            if citizens <= stats.keys() and await asyncio.to_thread(unsent, url) == 0:
                return
            await asyncio.sleep(0.5)


def run_store(store: str, args: argparse.Namespace, graph_port: int) -> dict[str, Any]:
    from manamitra.store import migrate

    rng = random.Random(f"{args.seed}-{store}")
    run = f"CH{store[:2].upper()}{int(time.time()) % 100000}"
    with webhook.database(store) as url, tempfile.TemporaryDirectory() as logs:
        migrate.upgrade(url)
        env = {
            "MM_DATABASE_URL": url,
            "MM_WHATSAPP_APP_SECRET": SECRET,
            "MM_GRAPH_API_URL": f"http://127.0.0.1:{graph_port}",
            "MM_WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
            "MM_SEND_RATE": "1000",
            "MM_LOG_LEVEL": "WARNING",
            "MM_DATA_DIR": str(Path(logs) / "data"),
        }
        roles = ["all"] if store == "sqlite" else ["web", "jobs"]
        servers = [Server(role, free_port(), env, Path(logs)) for role in roles]
        httpx.post(f"http://127.0.0.1:{graph_port}/reset")
        load = Load(0, run, args.rate, args.connections)
        try:
            for server in servers:
                server.start()
            for server in servers:
                asyncio.run(ready(server.port))
            load.port = servers[0].port

            async def main() -> list[Kill]:
                stop = asyncio.Event()
                loading = asyncio.create_task(load.run(stop, limit=120))
                kills = await chaos(servers, args.kills, graph_port, rng, args)
                stop.set()
                await loading
                acked = {load.citizens[i] for i in load.acked}
                await drain(url, graph_port, acked, args.drain_limit)
                return kills

            started = time.time()
            kills = asyncio.run(main())
            finished = time.time()
            for kill in kills:
                for server in servers:
                    if server.sends and server.role in kill.incarnations:
                        log = server.log_text(kill.incarnations[server.role])
                        for line in log.splitlines():
                            if TAKE_OVER_LINE in line:
                                record = orjson.loads(line)
                                kill.marked_on_wire += int(record.get("maybe_sent", 0))
                                kill.claimed_not_sent += int(record.get("not_sent", 0))
        finally:
            for server in servers:
                server.stop()
        seen = httpx.get(f"http://127.0.0.1:{graph_port}/requests", timeout=60).json()
        rows = outbox_rows(url)
    return analyse(store, load.citizens, load, kills, seen, rows, finished - started)


def analyse(
    store: str,
    citizens: list[str],
    load: Load,
    kills: list[Kill],
    seen: list[list[Any]],
    rows: list[Any],
    elapsed: float,
) -> dict[str, Any]:
    acked = {citizens[i]: at for i, at in load.acked.items()}
    # what reached "WhatsApp": per citizen, each distinct reply body and its arrival times
    arrivals: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for to, digest, received, _answered in seen:
        if to:
            arrivals[to][digest].append(received)
    # a reply row written twice for one message would show as two rows with one body
    written = Counter((r.citizen, orjson.dumps(r.body, option=orjson.OPT_SORT_KEYS)) for r in rows)
    repeated_rows = sum(n - 1 for n in written.values() if n > 1)
    to_send = Counter(r.citizen for r in rows if r.kind != "mark_read" and r.status == "sent")
    twice_at: list[float] = []  # when each second copy arrived
    exactly_once = 0
    lost = 0
    for citizen in acked:
        got = arrivals.get(citizen, {})
        if not got:
            lost += 1
            continue
        copies = [times for times in got.values()]
        for times in copies:
            twice_at.extend(sorted(times)[1:])
        if all(len(t) == 1 for t in copies) and len(copies) == to_send[citizen]:
            exactly_once += 1
    per_kill = []
    for k, kill in enumerate(kills):
        until = kills[k + 1].at if k + 1 < len(kills) else float("inf")
        again = [at for at in twice_at if kill.at < at <= until]
        # replies to messages acked before this kill but first answered after it
        delayed = [
            min(t for times in arrivals[c].values() for t in times)
            for c, at in acked.items()
            if at < kill.at
            and arrivals.get(c)
            and min(t for times in arrivals[c].values() for t in times) > kill.at
        ]
        last = max(delayed, default=kill.ready_at)
        per_kill.append(
            {
                "killed": "+".join(kill.roles),
                "down_s": round(kill.restarted_at - kill.at, 2),
                "start_s": round(kill.ready_at - kill.restarted_at, 2),
                "in_flight_at_kill": kill.in_flight,
                "marked_on_wire": kill.marked_on_wire,
                "claimed_not_sent": kill.claimed_not_sent,
                "delivered_twice": len(again),
                # when the replies in flight at the kill went again, after the restart served
                "resent_after_ready_s": round(max(again, default=kill.ready_at) - kill.ready_at, 2),
                "replies_delayed": len(delayed),
                "recovery_after_restart_s": round(max(0.0, last - kill.restarted_at), 2),
                "recovery_after_ready_s": round(max(0.0, last - kill.ready_at), 2),
                "longest_delay_s": round(max((t - kill.at for t in delayed), default=0.0), 2),
            }
        )
    return {
        "store": store,
        "messages": len(citizens),
        "webhook_posts": load.attempts,
        "acknowledged": len(acked),
        "answered_exactly_once": exactly_once,
        "lost": lost,
        "repeated_side_effects": repeated_rows,
        "delivered_twice": len(twice_at),
        "uncertain_sends_recorded": sum(r.uncertain_sends for r in rows),
        "seconds": round(elapsed, 1),
        "kills": per_kill,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--stores", default="sqlite,postgres")
    parser.add_argument("--rate", type=float, default=250, help="messages per second offered")
    parser.add_argument(
        "--between", type=float, default=6, help="most seconds of plain load between kills"
    )
    parser.add_argument(
        "--settle",
        type=float,
        default=12,
        help="seconds after a restart is serving before the next kill may come",
    )
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--graph-latency-ms", type=float, default=150)
    parser.add_argument("--drain-limit", type=float, default=180)
    parser.add_argument("--seed", default="1")
    args = parser.parse_args()
    graph_port = free_port()
    report = []
    with webhook.process(
        [
            PYTHON,
            str(ROOT / "bench" / "graph_standin.py"),
            str(graph_port),
            str(args.graph_latency_ms),
        ]
    ):
        webhook.wait_ready(f"http://127.0.0.1:{graph_port}/stats")
        for store in args.stores.split(","):
            if store == "postgres" and not webhook.postgres_reachable():
                print("postgres: skipped, not reachable", flush=True)
                continue
            result = run_store(store, args, graph_port)
            report.append(result)
            print(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode(), flush=True)


if __name__ == "__main__":
    main()
