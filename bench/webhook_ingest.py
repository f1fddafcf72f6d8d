"""Webhook ingest only: signed POSTs → verify → parse → group-commit inbox → 200.

No workers and no sender run, so this isolates the edge and the inbox: acknowledgement
p50/p99 and messages stored per second, on SQLite and PostgreSQL, at an offered rate and at
full speed. Reuses bench/webhook.py's helpers (server process, signed payloads, databases).

    .venv/bin/python bench/webhook_ingest.py [--messages 20000] [--rate 1500] [--connections 64]

`ingest_app()` is the uvicorn factory it starts (MM_* settings from the environment).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import orjson
from fastapi import FastAPI

sys.path.insert(0, str(Path(__file__).parent))
import loadgen
import webhook as e2e


def ingest_app() -> FastAPI:
    """The webhook and its inbox alone (uvicorn --factory), with the platform's fast path."""
    from manamitra.app import Platform
    from manamitra.channels.whatsapp.webhook import build_webhook_router
    from manamitra.observability import Metrics
    from manamitra.pipeline.inbox import InboxWriter
    from manamitra.privacy import Cipher
    from manamitra.settings import load_settings
    from manamitra.store import Database

    settings = load_settings()
    database = Database(settings.database_url)
    inbox = InboxWriter(database, cipher=Cipher(os.urandom(32)))  # a fresh data key per run

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        await inbox.aclose()
        database.dispose()

    app = Platform(lifespan=lifespan)
    routes, app.webhook = build_webhook_router(settings, inbox, Metrics())
    app.include_router(routes)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


def stored(url: str, prefix: str) -> int:
    from sqlalchemy import func, select

    from manamitra.store import Database
    from manamitra.store.models import InboundMessage

    database = Database(url)
    try:
        with database.unit_of_work() as session:
            query = (
                select(func.count())
                .select_from(InboundMessage)
                .where(InboundMessage.wamid.like(f"wamid.BENCH{prefix}%"))
            )
            return int(session.execute(query).scalar_one())
    finally:
        database.dispose()


def cpu_seconds(pid: int) -> float:
    """User + system CPU a process has used (Linux /proc): steadier than wall time on a
    machine shared with other work."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(store: str, args: argparse.Namespace) -> dict[str, Any]:
    from manamitra.store import migrate

    out: dict[str, Any] = {}
    with e2e.database(store) as url:
        migrate.upgrade(url)
        port = e2e.free_port()
        env = {
            "MM_DATABASE_URL": url,
            "MM_WHATSAPP_APP_SECRET": e2e.SECRET,
            "MM_LOG_LEVEL": "WARNING",
        }
        server = e2e.uvicorn_command(port, "webhook_ingest:ingest_app", Path(__file__).parent)
        with e2e.process(server, env) as proc:
            e2e.wait_ready(f"http://127.0.0.1:{port}/healthz")
            offset = 0
            for label, rate, count in (
                ("warmup", None, 1000),
                (f"offered {args.rate:g}/s", args.rate, args.messages),
                ("full speed", None, args.messages),
            ):
                run = f"{store[:2].upper()}{offset}"
                bodies, _ = e2e.requests_for(port, count, run, offset)
                offset += count
                started = time.perf_counter()
                cpu_before = cpu_seconds(proc.pid)
                results = asyncio.run(
                    loadgen.run("127.0.0.1", port, bodies, args.connections, rate=rate)
                )
                elapsed = time.perf_counter() - started
                server_cpu = cpu_seconds(proc.pid) - cpu_before
                if label == "warmup":
                    continue
                acks = [r.acked_at - r.sent_at for r in results]
                out[label] = {
                    "messages": count,
                    "non_200": sum(1 for r in results if r.status != 200),
                    "stored": stored(url, run),
                    "stored_per_s": round(count / elapsed),
                    "ack_p50_ms": e2e.ms(loadgen.percentile(acks, 50)),
                    "ack_p99_ms": e2e.ms(loadgen.percentile(acks, 99)),
                    "server_cpu_us_per_msg": round(server_cpu / count * 1e6),
                }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=20000)
    parser.add_argument("--rate", type=float, default=1500)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--stores", default="sqlite,postgres")
    args = parser.parse_args()
    report: dict[str, Any] = {}
    for store in args.stores.split(","):
        if store == "postgres" and not e2e.postgres_reachable():
            report[store] = "skipped: PostgreSQL not reachable"
            continue
        report[store] = measure(store, args)
        print(store, orjson.dumps(report[store]).decode(), flush=True)
    print(orjson.dumps(report, option=orjson.OPT_INDENT_2).decode())


if __name__ == "__main__":
    main()
