"""A minimal, fast Graph API stand-in for benchmarks: records when each reply arrives.

Run: python bench/graph_standin.py PORT [LATENCY_MS] — POST /{version}/{phone_id}/messages
answers like Meta (a wamid), after a random 0.5–1.5 × LATENCY_MS (default 0: at once);
GET /stats returns, per recipient, the arrival times (time.time()); GET /requests every
message request as [to, body digest, received, answered] (answered null until it is).
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import random
import sys
import time
from collections import defaultdict

import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

arrivals: dict[str, list[float]] = defaultdict(list)
requests: list[list[object]] = []
counter = itertools.count(1)
latency = float(sys.argv[2]) / 1000 if len(sys.argv) > 2 else 0.0


async def messages(request: Request) -> Response:
    raw = await request.body()
    body = orjson.loads(raw)
    to = body.get("to")
    received = time.time()
    if to:
        arrivals[to].append(received)
    seen = [to, hashlib.blake2b(raw, digest_size=8).hexdigest(), received, None]
    requests.append(seen)
    if latency:
        await asyncio.sleep(latency * (0.5 + random.random()))
    seen[3] = time.time()
    payload = {
        "messaging_product": "whatsapp",
        "contacts": [{"input": to, "wa_id": to}],
        "messages": [{"id": f"wamid.BENCH{next(counter):012d}"}],
    }
    return Response(orjson.dumps(payload), media_type="application/json")


async def stats(request: Request) -> Response:
    return Response(orjson.dumps(arrivals), media_type="application/json")


async def all_requests(request: Request) -> Response:
    return Response(orjson.dumps(requests), media_type="application/json")


async def reset(request: Request) -> Response:
    arrivals.clear()
    requests.clear()
    return Response(b"{}", media_type="application/json")


app = Starlette(
    routes=[
        Route("/{version}/{phone_id}/messages", messages, methods=["POST"]),
        Route("/stats", stats),
        Route("/requests", all_requests),
        Route("/reset", reset, methods=["POST"]),
    ]
)

if __name__ == "__main__":
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=int(sys.argv[1]),
        log_level="warning",
        loop="uvloop",
        http="httptools",
        access_log=False,
    )
