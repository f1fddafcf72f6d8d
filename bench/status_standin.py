"""A fast Graph API stand-in for broadcast benchmarks that also reports back, as Meta does:
each accepted message gets a `sent`, then a `delivered`, then (for `--read-share` of them) a
`read` status, posted as signed webhooks to the platform, batched up to 100 statuses a POST
(Meta batches statuses under load too). Template endpoints answer one APPROVED template.

Run: python bench/status_standin.py PORT WEBHOOK_URL SECRET [READ_SHARE]
GET /stats → {"messages": N, "statuses_posted": N, "webhook_failures": N, "per_number": {…}}
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import itertools
import random
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator

import httpx
import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

PORT = int(sys.argv[1])
WEBHOOK = sys.argv[2]
SECRET = sys.argv[3].encode()
READ_SHARE = float(sys.argv[4]) if len(sys.argv) > 4 else 0.5
counter = itertools.count(1)
RUN = f"{random.getrandbits(40):010x}"  # wamids stay unique across stand-in runs
per_number: Counter[str] = Counter()
stats = {"messages": 0, "statuses_posted": 0, "webhook_failures": 0, "started": 0.0}
pending: list[dict[str, object]] = []
TEMPLATE = {
    "id": "1",
    "name": "broadcast_bench",
    "language": "te",
    "category": "UTILITY",
    "status": "APPROVED",
    "components": [{"type": "BODY", "text": "హెచ్చరిక: {{1}} లో {{2}}."}],
}


def _json(data: object, status: int = 200) -> Response:
    return Response(orjson.dumps(data), status_code=status, media_type="application/json")


def _status(wamid: str, to: str, state: str) -> dict[str, object]:
    return {"id": wamid, "status": state, "timestamp": str(int(time.time())), "recipient_id": to}


async def messages(request: Request) -> Response:
    body = orjson.loads(await request.body())
    to = str(body.get("to"))
    number = request.path_params["number"]
    n = next(counter)
    if not stats["started"]:
        stats["started"] = time.time()
    stats["messages"] += 1
    per_number[number] += 1
    wamid = "wamid.B" + hashlib.blake2b(f"{RUN}.{n}".encode(), digest_size=12).hexdigest()
    pending.append(_status(wamid, to, "sent"))
    pending.append(_status(wamid, to, "delivered"))
    if random.random() < READ_SHARE:
        pending.append(_status(wamid, to, "read"))
    return _json(
        {
            "messaging_product": "whatsapp",
            "contacts": [{"input": to, "wa_id": to}],
            "messages": [{"id": wamid}],
        }
    )


async def templates(_request: Request) -> Response:
    return _json({"data": [TEMPLATE], "paging": {"cursors": {"before": "MA", "after": "MA"}}})


async def get_stats(_request: Request) -> Response:
    return _json({**stats, "per_number": dict(per_number)})


async def poster() -> None:
    async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=8)) as client:
        inflight: set[asyncio.Task[None]] = set()

        async def post(batch: list[dict[str, object]]) -> None:
            raw = orjson.dumps(
                {
                    "object": "whatsapp_business_account",
                    "entry": [
                        {
                            "id": "102290129340398",
                            "changes": [
                                {
                                    "field": "messages",
                                    "value": {
                                        "messaging_product": "whatsapp",
                                        "metadata": {
                                            "display_phone_number": "919552300009",
                                            "phone_number_id": "106540352242922",
                                        },
                                        "statuses": batch,
                                    },
                                }
                            ],
                        }
                    ],
                }
            )
            signature = "sha256=" + hmac.new(SECRET, raw, hashlib.sha256).hexdigest()
            for _ in range(20):
                try:
                    answer = await client.post(
                        WEBHOOK,
                        content=raw,
                        headers={
                            "Content-Type": "application/json",
                            "X-Hub-Signature-256": signature,
                        },
                    )
                    if answer.status_code == 200:
                        stats["statuses_posted"] += len(batch)
                        return
                except httpx.HTTPError:
                    pass
                stats["webhook_failures"] += 1
                await asyncio.sleep(0.5)

        while True:
            if not pending or len(inflight) >= 8:
                await asyncio.sleep(0.02)
                continue
            batch = pending[:100]
            del pending[:100]
            task = asyncio.create_task(post(batch))
            inflight.add(task)
            task.add_done_callback(inflight.discard)


@contextlib.asynccontextmanager
async def lifespan(_app: Starlette) -> AsyncIterator[None]:
    task = asyncio.get_running_loop().create_task(poster())
    yield
    task.cancel()


app = Starlette(
    routes=[
        Route("/{version}/{number}/messages", messages, methods=["POST"]),
        Route("/{version}/{account}/message_templates", templates, methods=["GET"]),
        Route("/stats", get_stats, methods=["GET"]),
    ],
    lifespan=lifespan,
)

if __name__ == "__main__":
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=PORT,
        log_level="warning",
        loop="uvloop",
        http="httptools",
        access_log=False,
    )
