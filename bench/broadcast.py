"""Broadcast benchmark on PostgreSQL: a campaign to N citizens resolved and queued in the
database (time and peak RSS), then sent by the platform's campaign sender to a Graph stand-in
that posts `sent`, `delivered` and `read` statuses back as signed webhooks, for several
layouts of business numbers × sending processes.

    .venv/bin/python bench/broadcast.py [--citizens 1000000] [--send-seconds 30]
        [--layouts 1x1,2x1,2x2] [--url postgresql://postgres@127.0.0.1:5432/test]
        [--resolve-only]

`--resolve-only` seeds and resolves, then stops (no sending): it reports the resolving
process's wall and CPU time and peak RSS, the PostgreSQL backend's CPU time (read from
/proc, so the server must run on this machine) and the database's size after resolving.

A layout NxP runs one web process (MM_ROLE=web: webhooks and the inbox) and P jobs
processes (MM_ROLE=jobs: the campaign sender among them), with N business numbers at Meta's
maximum of 1,000 messages/s each. Each process limits each number on its own, so every jobs
process gets MM_SEND_RATE=1000/P: together they never exceed 1,000/s a number (the stand-in
reports each number's busiest second to show it). sends/s is what the stand-in received over
the measured window (after a warm-up); statuses/s what the platform recorded on the
recipients (delivered or read) over the same window; CPU is each process's user + system
seconds over the window, and per 1,000 messages across all of them (platform and stand-in).
Each layout continues the same campaign. A fresh schema is created and dropped; all traffic
stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import resource
import secrets
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import httpx
import psycopg

sys.path.insert(0, str(Path(__file__).parent))
from webhook import PHONE_NUMBER_ID, PYTHON, ROOT, SECRET, free_port, uvicorn_command

EXTRA_NUMBERS = ["106540352242923", "106540352242924", "106540352242925"]


def seed(url: str, citizens: int) -> float:
    """N citizens subscribed to every topic, 1 % of them out of `weather` (a SQL seed)."""
    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO alert_subscription (citizen, topic, subscribed, source, changed_at)"
            " SELECT '91' || lpad(g::text, 10, '0'), '*', true, 'bench', now()"
            " FROM generate_series(1, %s) g",
            (citizens,),
        )
        conn.execute(
            "INSERT INTO alert_subscription (citizen, topic, subscribed, source, changed_at)"
            " SELECT '91' || lpad(g::text, 10, '0'), 'weather', false, 'bench', now()"
            " FROM generate_series(1, %s, 100) g",
            (citizens,),
        )
        conn.execute("ANALYZE alert_subscription")
    return time.perf_counter() - started


def backend_cpu_seconds(pid: int) -> float | None:
    """utime + stime of a PostgreSQL backend on this machine (None when not readable)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def resolve_in_process(url: str) -> None:
    """In a process of its own, so its peak RSS is the resolution's: print JSON."""
    from sqlalchemy import text

    from manamitra import alerts
    from manamitra.alerts.templates import TemplateInfo, save
    from manamitra.store import Database

    database = Database(url, pool_size=1)
    with database.engine.connect() as conn:  # the pool's one connection: the resolver's
        backend = int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())
    save(
        database,
        [TemplateInfo("broadcast_bench", "te", "utility", "హెచ్చరిక: {{1}} లో {{2}}.", "APPROVED")],
    )
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    server_cpu0 = backend_cpu_seconds(backend)
    cpu0 = time.process_time()
    started = time.perf_counter()
    campaign = alerts.create(
        database,
        alerts.NewCampaign(
            template="broadcast_bench",
            language="te",
            audience="all",
            params=["Krishna", "heavy rain"],
            topic="weather",
            by="bench.one",
        ),
    )
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu0
    server_cpu1 = backend_cpu_seconds(backend)
    progress = alerts.progress(database, campaign)
    alerts.approve(database, campaign, "bench.two")
    alerts.start(database, campaign)
    print(
        json.dumps(
            {
                "campaign": campaign,
                "seconds": round(seconds, 1),
                "client_cpu_s": round(cpu, 1),
                "server_cpu_s": (
                    round(server_cpu1 - server_cpu0, 1)
                    if server_cpu0 is not None and server_cpu1 is not None
                    else None
                ),
                "recipients": progress.recipients,
                "opted_out": progress.counts["opted_out"],
                "canary": progress.canary_size,
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                "rss_before_mb": round(baseline / 1024),
            }
        )
    )


def database_mb(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT pg_database_size(current_database())").fetchone()
    assert row is not None
    return int(row[0]) // 2**20


def vm_hwm_mb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far (/proc/PID/stat, in clock ticks)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def database_cpu(url: str) -> dict[int, float]:
    """CPU seconds so far of each PostgreSQL backend serving this database (the server runs
    on this machine: its share of the 2 cores counts too)."""
    with psycopg.connect(url) as conn:
        pids = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid()"
        ).fetchall()
    return {pid: cpu_seconds(pid) for (pid,) in pids}


def done_count(url: str, campaign: int) -> tuple[int, int]:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT count(*) FILTER (WHERE status IN ('sent','delivered','read')),"
            " count(*) FILTER (WHERE status IN ('delivered','read'))"
            " FROM alert_recipient WHERE campaign_id = %s",
            (campaign,),
        ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def run_layout(
    url: str, campaign: int, numbers: int, processes: int, seconds: float, warmup: float
) -> dict[str, object]:
    web_port, graph_port = free_port(), free_port()
    env = {
        **os.environ,
        "MM_DATABASE_URL": url,
        "MM_WHATSAPP_APP_SECRET": SECRET,
        "MM_GRAPH_API_URL": f"http://127.0.0.1:{graph_port}",
        "MM_WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
        "MM_WHATSAPP_EXTRA_PHONE_NUMBER_IDS": ",".join(EXTRA_NUMBERS[: numbers - 1]),
        "MM_SEND_RATE": str(1000 / processes),
        "MM_ALERTS_DAILY_LIMIT": "0",
        "MM_ALERTS_CANARY_WAIT_SECONDS": "0",
        "MM_LOG_LEVEL": "WARNING",
        "MM_DATA_DIR": str(Path("/tmp") / f"mm-broadcast-{os.getpid()}"),
        # one key for all the processes (started together on a fresh dir they would agree on one)
        "MM_DATA_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
    }
    standin = subprocess.Popen(
        [
            PYTHON,
            str(ROOT / "bench" / "status_standin.py"),
            str(graph_port),
            f"http://127.0.0.1:{web_port}/webhooks/whatsapp",
            SECRET,
            "0.5",
        ],
        cwd=ROOT,
    )
    ports = [web_port] + [free_port() for _ in range(processes)]
    roles = ["web"] + ["jobs"] * processes
    procs = [
        subprocess.Popen(uvicorn_command(port), env={**env, "MM_ROLE": role}, cwd=ROOT)
        for port, role in zip(ports, roles, strict=True)
    ]
    try:
        deadline = time.monotonic() + 300
        for index, role in enumerate(roles):  # every process up (slow on a busy machine)
            while True:
                if procs[index].poll() is not None and role == "jobs":
                    # its free port was taken meanwhile by someone else: another port
                    ports[index] = free_port()
                    procs[index] = subprocess.Popen(
                        uvicorn_command(ports[index]), env={**env, "MM_ROLE": role}, cwd=ROOT
                    )
                try:
                    answer = httpx.get(f"http://127.0.0.1:{ports[index]}/healthz", timeout=2)
                    if answer.status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("the platform did not start")
                time.sleep(0.2)
        time.sleep(warmup)
        pids = [proc.pid for proc in procs]
        stats = httpx.get(f"http://127.0.0.1:{graph_port}/stats").json()
        sent0, statuses0 = done_count(url, campaign)
        cpu0 = [cpu_seconds(pid) for pid in pids]
        database0 = database_cpu(url)
        t0 = time.monotonic()
        time.sleep(seconds)
        stats1 = httpx.get(f"http://127.0.0.1:{graph_port}/stats").json()
        cpu1 = [cpu_seconds(pid) for pid in pids]
        database1 = database_cpu(url)
        database = round(sum(t - database0.get(pid, 0.0) for pid, t in database1.items()), 1)
        sent1, statuses1 = done_count(url, campaign)
        elapsed = time.monotonic() - t0
        messages = stats1["messages"] - stats["messages"]
        cpu = [round(b - a, 1) for a, b in zip(cpu0, cpu1, strict=True)]
        standin_cpu = round(stats1["cpu_seconds"] - stats["cpu_seconds"], 1)
        return {
            "layout": f"{numbers} number(s) x {processes} jobs process(es)",
            "sends_per_s": round(messages / elapsed),
            "recorded_sent_per_s": round((sent1 - sent0) / elapsed),
            "statuses_recorded_per_s": round((statuses1 - statuses0) / elapsed),
            "status_webhooks_posted": stats1["statuses_posted"],
            "busiest_second_per_number": stats1["busiest_second"],
            "refused_by_standin": stats1["refused"],
            "sent_twice": stats1["duplicates"],
            "cpu_seconds": {
                "web": cpu[0],
                "jobs": cpu[1:],
                "standin": standin_cpu,
                "postgresql": database,
            },
            "cpu_seconds_per_1000_messages": round(
                1000 * (sum(cpu) + standin_cpu + database) / max(1, messages), 2
            ),
            "wall_seconds": round(elapsed, 1),
            "load_average": os.getloadavg(),
            "peak_rss_mb": {
                "web": vm_hwm_mb(procs[0].pid),
                "jobs": [vm_hwm_mb(p.pid) for p in procs[1:]],
            },
        }
    finally:
        # the platform first: its last sends still find the stand-in
        for group in (procs, [standin]):
            for proc in group:
                proc.terminate()
            for proc in group:
                try:
                    proc.wait(20)
                except subprocess.TimeoutExpired:
                    proc.kill()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--citizens", type=int, default=1_000_000)
    parser.add_argument("--send-seconds", type=float, default=30)
    parser.add_argument("--warmup", type=float, default=8)
    parser.add_argument("--layouts", default="1x1,2x1,2x2")
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--resolve-only", action="store_true", help="seed and resolve; no sending")
    parser.add_argument("--resolve-in", default="", help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    if args.resolve_in:
        resolve_in_process(args.resolve_in)
        return
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(args.url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    url = f"{args.url}?options={quote(f'-csearch_path={schema}')}"
    try:
        from manamitra.store import migrate

        migrate.upgrade(url)
        seeded = seed(url, args.citizens)
        print(f"seeded {args.citizens:,} subscribed citizens in {seeded:.1f} s", flush=True)
        out = subprocess.run(
            [PYTHON, __file__, "--resolve-in", url], cwd=ROOT, capture_output=True, check=True
        )
        resolved = json.loads(out.stdout.decode().strip().splitlines()[-1])
        resolved["database_mb"] = database_mb(url)
        print(f"resolved and queued: {json.dumps(resolved)}", flush=True)
        if args.resolve_only:
            return
        for layout in args.layouts.split(","):
            numbers, processes = (int(x) for x in layout.split("x"))
            result = run_layout(
                url, resolved["campaign"], numbers, processes, args.send_seconds, args.warmup
            )
            print(json.dumps(result), flush=True)
    finally:
        with psycopg.connect(args.url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


if __name__ == "__main__":
    main()
