"""End-to-end webhook benchmark: signed inbound messages in, replies out at a Graph stand-in.

Measures, on this machine and in one run:
  * the ceiling: a bare Starlette endpoint that only reads the body;
  * for SQLite and (when reachable) PostgreSQL: webhook acknowledgement p50/p99, inbound
    messages per second sustained end to end (until the last reply reaches the Graph
    stand-in), and webhook-to-reply p50/p99 — at a fixed offered rate and at full speed.

Citizens write to `--numbers` business numbers (default 3) and are answered from the number
they wrote to, each number sending at most `--send-rate` (1,000/s, Meta's ceiling per number).

    .venv/bin/python bench/webhook.py [--messages 15000] [--rates 1500,400] [--connections 64]
                                      [--numbers 3] [--server-workers 2] [--inbox-workers 1]
                                      [--pg-roles split|all]

On PostgreSQL `--server-workers` processes run: with `--pg-roles split` (the default) one
serves HTTP and the inbox (MM_ROLE=web) and the others run workers and sender (MM_ROLE=jobs);
with `all` every process runs everything. SQLite always runs one process.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
import orjson

sys.path.insert(0, str(Path(__file__).parent))
import loadgen

SECRET = "bench-app-secret"
PHONE_NUMBER_ID = "106540352242922"


def business_numbers(count: int) -> list[str]:
    """The primary and `count - 1` more numbers on the account: Meta allows one number
    1,000 messages/s, inbound and outbound together, so 1,500 conversations' messages a
    second in and as many replies out need three."""
    return [PHONE_NUMBER_ID] + [f"1065403522429{30 + i}" for i in range(count - 1)]


PYTHON = sys.executable
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


@contextmanager
def process(
    args: list[str], env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen(
        args,
        env={**os.environ, **(env or {})},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def messages_webhook(value: dict[str, Any], number: str = PHONE_NUMBER_ID) -> bytes:
    """A `messages` webhook as Meta posts it, `value` holding its messages or statuses."""
    metadata = {"display_phone_number": "919552300009", "phone_number_id": number}
    change = {"field": "messages", "value": {"messaging_product": "whatsapp", "metadata": metadata}}
    change["value"].update(value)
    entry = {"id": "102290129340398", "changes": [change]}
    return orjson.dumps({"object": "whatsapp_business_account", "entry": [entry]})


def webhook_body(citizen: str, index: int, run: str, number: str = PHONE_NUMBER_ID) -> bytes:
    message = {
        "from": citizen,
        "id": f"wamid.BENCH{run}{index:08d}",
        "timestamp": str(int(time.time())),
        "type": "text",
        "text": {"body": "Hi"},
    }
    return messages_webhook(
        {
            "contacts": [{"profile": {"name": "Bench Citizen"}, "wa_id": citizen}],
            "messages": [message],
        },
        number,
    )


def requests_for(
    port: int, count: int, run: str, offset: int = 0, numbers: int = 1
) -> tuple[list[bytes], list[str]]:
    """Signed webhook requests, one message from each of `count` citizens, spread over the
    business numbers."""
    citizens = [f"91{7000000000 + offset + i}" for i in range(count)]
    ours = business_numbers(numbers)
    bodies = [
        loadgen.signed_request(
            "127.0.0.1",
            port,
            "/webhooks/whatsapp",
            webhook_body(c, i, run, ours[i % len(ours)]),
            SECRET,
        )
        for i, c in enumerate(citizens)
    ]
    return bodies, citizens


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def measure_ceiling(args: argparse.Namespace) -> dict[str, Any]:
    port = free_port()
    with process([PYTHON, str(ROOT / "bench" / "bare_starlette.py"), str(port)]):
        wait_ready(f"http://127.0.0.1:{port}/webhooks/whatsapp")
        bodies, _ = requests_for(port, args.messages, "CEIL")
        started = time.perf_counter()
        results = asyncio.run(loadgen.run("127.0.0.1", port, bodies, args.connections))
        elapsed = time.perf_counter() - started
    acks = [r.acked_at - r.sent_at for r in results]
    return {
        "requests_per_s": round(len(results) / elapsed),
        "ack_p50_ms": ms(loadgen.percentile(acks, 50)),
        "ack_p99_ms": ms(loadgen.percentile(acks, 99)),
    }


@contextmanager
def database(store: str) -> Iterator[str]:
    if store == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{tmp}/bench.db"
        return
    import psycopg

    base = os.environ.get("MM_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{base}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def uvicorn_command(
    port: int, app: str = "manamitra.app:create_app", app_dir: Path | None = None
) -> list[str]:
    """A production-like uvicorn server (httptools, uvloop, no access log) for `app`."""
    return [
        PYTHON,
        "-m",
        "uvicorn",
        app,
        "--factory",
        *(["--app-dir", str(app_dir)] if app_dir else []),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--log-level",
        "warning",
        "--no-access-log",
    ]


def measure_platform(store: str, args: argparse.Namespace, graph_port: int) -> dict[str, Any]:
    from manamitra.store import migrate

    out: dict[str, Any] = {}
    with database(store) as url:
        migrate.upgrade(url)
        port = free_port()
        env = {
            "MM_DATABASE_URL": url,
            "MM_WHATSAPP_APP_SECRET": SECRET,
            "MM_GRAPH_API_URL": f"http://127.0.0.1:{graph_port}",
            "MM_SEND_RATE": str(args.send_rate),
            "MM_WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
            "MM_WHATSAPP_EXTRA_PHONE_NUMBER_IDS": ",".join(business_numbers(args.numbers)[1:]),
            "MM_LOG_LEVEL": "WARNING",
            "MM_INBOX_WORKERS": str(args.inbox_workers),
        }
        split = store == "postgres" and args.pg_roles == "split"
        servers = [(port, {**env, "MM_ROLE": "web"} if split else env, args.server_workers)]
        if split:  # one process for HTTP and the inbox, others for workers and the sender
            servers.append((free_port(), {**env, "MM_ROLE": "jobs"}, args.server_workers - 1))
        with ExitStack() as running:
            for server_port, server_env, count in servers:
                command = uvicorn_command(server_port)
                if store == "postgres" and count > 1 and not (split and server_port == port):
                    command += ["--workers", str(count)]
                proc = running.enter_context(process(command, server_env))
                try:
                    wait_ready(f"http://127.0.0.1:{server_port}/healthz")
                except RuntimeError as exc:
                    detail = proc.stderr.read().decode()[-3000:] if proc.stderr else ""
                    raise RuntimeError(detail) from exc
            offset = 0
            steps: list[tuple[str, float | None, int]] = [("warmup", None, 500)]
            steps += [(f"offered {r:g}/s", r, args.messages) for r in args.rates]
            steps.append(("full speed", None, args.messages))
            for label, rate, count in steps:
                httpx.post(f"http://127.0.0.1:{graph_port}/reset")
                bodies, citizens = requests_for(
                    port, count, f"{store[:2].upper()}{offset}", offset, args.numbers
                )
                offset += count
                started = time.time()
                results = asyncio.run(
                    loadgen.run("127.0.0.1", port, bodies, args.connections, rate=rate)
                )
                ack_done = time.time()
                arrivals = wait_for_replies(graph_port, set(citizens), timeout=120)
                if label == "warmup":
                    continue
                sent_at = {c: r.sent_at for c, r in zip(citizens, results, strict=True)}
                latencies = [arrivals[c] - sent_at[c] for c in citizens if c in arrivals]
                last = max(arrivals.values()) if arrivals else ack_done
                acks = [r.acked_at - r.sent_at for r in results]
                out[label] = {
                    "messages": count,
                    "non_200": sum(1 for r in results if r.status != 200),
                    "acked_per_s": round(count / (ack_done - started)),
                    "end_to_end_per_s": round(len(arrivals) / (last - started)),
                    "replies_received": len(arrivals),
                    "ack_p50_ms": ms(loadgen.percentile(acks, 50)),
                    "ack_p99_ms": ms(loadgen.percentile(acks, 99)),
                    "reply_p50_ms": ms(loadgen.percentile(latencies, 50)),
                    "reply_p99_ms": ms(loadgen.percentile(latencies, 99)),
                }
    return out


def wait_for_replies(graph_port: int, citizens: set[str], timeout: float) -> dict[str, float]:
    deadline = time.monotonic() + timeout
    found: dict[str, float] = {}
    while time.monotonic() < deadline:
        stats = httpx.get(f"http://127.0.0.1:{graph_port}/stats", timeout=30).json()
        found = {c: times[0] for c, times in stats.items() if c in citizens}
        if len(found) >= len(citizens):
            break
        time.sleep(0.5)
    return found


def postgres_reachable() -> bool:
    try:
        import psycopg

        base = os.environ.get("MM_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
        with psycopg.connect(base, connect_timeout=3):
            return True
    except Exception:  # noqa: BLE001 - any failure means "not here"
        return False


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=15000)
    parser.add_argument(
        "--rates", default="1500,400", help="offered rates (messages/s) to run, comma-separated"
    )
    parser.add_argument(
        "--server-workers",
        type=int,
        default=1,
        help="server processes (PostgreSQL only; SQLite always runs one)",
    )
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument(
        "--send-rate", type=float, default=1000, help="per business number (Meta: up to 1,000)"
    )
    parser.add_argument(
        "--inbox-workers",
        type=int,
        default=1,
        help="conversation worker threads per server process (PostgreSQL; SQLite runs one):"
        " on two cores more threads only contend for the interpreter lock",
    )
    parser.add_argument(
        "--pg-roles",
        choices=("all", "split"),
        default="split",
        help="PostgreSQL: every process runs everything (all), or one process serves HTTP and"
        " the inbox while the other --server-workers - 1 run workers and sender (split)",
    )
    parser.add_argument(
        "--numbers",
        type=int,
        default=3,
        help="business numbers the citizens write to (each sends at --send-rate)",
    )
    parser.add_argument("--stores", default="sqlite,postgres")
    args = parser.parse_args()
    args.rates = [float(r) for r in args.rates.split(",") if r]
    report: dict[str, Any] = {
        "machine_cpus": os.cpu_count(),
        "messages": args.messages,
        "business_numbers": args.numbers,
        "send_rate_per_number": args.send_rate,
    }
    report["ceiling_bare_starlette"] = measure_ceiling(args)
    print(orjson.dumps(report["ceiling_bare_starlette"]).decode(), flush=True)
    graph_port = free_port()
    with process([PYTHON, str(ROOT / "bench" / "graph_standin.py"), str(graph_port)]):
        wait_ready(f"http://127.0.0.1:{graph_port}/stats")
        for store in args.stores.split(","):
            if store == "postgres" and not postgres_reachable():
                report[store] = "skipped: PostgreSQL not reachable"
                continue
            report[store] = measure_platform(store, args, graph_port)
            print(store, orjson.dumps(report[store]).decode(), flush=True)
    print(orjson.dumps(report, option=orjson.OPT_INDENT_2).decode())


if __name__ == "__main__":
    main()
