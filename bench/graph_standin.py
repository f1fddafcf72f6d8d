"""A minimal, fast Graph API stand-in for benchmarks: records when each reply arrives.

Run: python bench/graph_standin.py PORT  — POST /{version}/{phone_id}/messages answers like
Meta (a wamid); GET /stats returns, per recipient, the arrival times (time.time()).
"""

from __future__ import annotations

import itertools
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
counter = itertools.count(1)


async def messages(request: Request) -> Response:
    body = orjson.loads(await request.body())
    to = body.get("to")
    if to:
        arrivals[to].append(time.time())
    payload = {
        "messaging_product": "whatsapp",
        "contacts": [{"input": to, "wa_id": to}],
        "messages": [{"id": f"wamid.BENCH{next(counter):012d}"}],
    }
    return Response(orjson.dumps(payload), media_type="application/json")


async def stats(request: Request) -> Response:
    return Response(orjson.dumps(arrivals), media_type="application/json")


async def reset(request: Request) -> Response:
    arrivals.clear()
    return Response(b"{}", media_type="application/json")


app = Starlette(
    routes=[
        Route("/{version}/{phone_id}/messages", messages, methods=["POST"]),
        Route("/stats", stats),
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
