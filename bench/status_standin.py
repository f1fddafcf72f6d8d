"""A fast Graph API stand-in for broadcast benchmarks that also reports back, as Meta does:
each accepted message gets a `sent`, then a `delivered`, then (for `--read-share` of them) a
`read` status, posted as signed webhooks to the platform, batched up to 100 statuses a POST
(Meta batches statuses under load too). Template endpoints answer one APPROVED template.

It checks each message as Meta would (bearer token, `messaging_product`, a `to` of digits, a
template with name and language; 400 with Meta's error 100 otherwise), records every
recipient to count those sent the same campaign twice, and measures each number's busiest
second (sliding one-second window) to show the platform never exceeds Meta's per-number rate.

A plain ASGI app (no framework) and an aiohttp client for the webhooks keep its own CPU per
message small, so it is not what limits the benchmark; statuses wait up to 0.2 s to fill a
POST of 100.

Run: python bench/status_standin.py PORT WEBHOOK_URL SECRET [READ_SHARE]
GET /stats → {"messages": N, "statuses_posted": N, "webhook_failures": N, "refused": N,
"duplicates": N, "per_number": {…}, "busiest_second": {number: N}, "cpu_seconds": S}
"""

from __future__ import annotations

import asyncio
import collections
import hashlib
import hmac
import itertools
import random
import resource
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import orjson
import uvicorn
from webhook import messages_webhook

PORT = int(sys.argv[1])
WEBHOOK = sys.argv[2]
SECRET = sys.argv[3].encode()
READ_SHARE = float(sys.argv[4]) if len(sys.argv) > 4 else 0.5
counter = itertools.count(1)
RUN = f"{random.getrandbits(40):010x}"  # wamids stay unique across stand-in runs
per_number: Counter[str] = Counter()
stats = {
    "messages": 0,
    "statuses_posted": 0,
    "webhook_failures": 0,
    "refused": 0,
    "duplicates": 0,
    "started": 0.0,
}
recipients: set[str] = set()
recent: dict[str, collections.deque[float]] = collections.defaultdict(collections.deque)
busiest: Counter[str] = Counter()
pending: list[dict[str, object]] = []
TEMPLATE = {
    "id": "1",
    "name": "broadcast_bench",
    "language": "te",
    "category": "UTILITY",
    "status": "APPROVED",
    "components": [{"type": "BODY", "text": "హెచ్చరిక: {{1}} లో {{2}}."}],
}


Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
JSON_HEADERS = [(b"content-type", b"application/json")]


async def _answer(send: Send, data: object, status: int = 200) -> None:
    await send({"type": "http.response.start", "status": status, "headers": JSON_HEADERS})
    await send({"type": "http.response.body", "body": orjson.dumps(data)})


def _status(wamid: str, to: str, state: str) -> dict[str, object]:
    return {"id": wamid, "status": state, "timestamp": str(int(time.time())), "recipient_id": to}


def _refused(message: str) -> tuple[int, object]:
    stats["refused"] += 1
    error = {"message": message, "type": "OAuthException", "code": 100, "fbtrace_id": "bench"}
    return 400, {"error": error}


def _invalid(headers: dict[bytes, bytes], body: object) -> str | None:
    """Why Meta would refuse this message, or None."""
    if not headers.get(b"authorization", b"").startswith(b"Bearer "):
        return "missing access token"
    if not isinstance(body, dict) or body.get("messaging_product") != "whatsapp":
        return "messaging_product must be whatsapp"
    to = body.get("to")
    if not isinstance(to, str) or not to.isdigit() or not 8 <= len(to) <= 15:
        return "invalid recipient"
    template = body.get("template")
    if body.get("type") != "template" or not isinstance(template, dict):
        return "a broadcast is a template message"
    language = template.get("language")
    if not template.get("name") or not isinstance(language, dict) or not language.get("code"):
        return "template name and language required"
    return None


def _count(number: str) -> None:
    """Keep the number's sends of the last second; remember its busiest second."""
    now = time.monotonic()
    window = recent[number]
    window.append(now)
    while window[0] <= now - 1.0:
        window.popleft()
    busiest[number] = max(busiest[number], len(window))


def message(number: str, headers: dict[bytes, bytes], raw: bytes) -> tuple[int, object]:
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return _refused("body is not JSON")
    why = _invalid(headers, body)
    if why:
        return _refused(why)
    to = str(body["to"])
    if to in recipients:
        stats["duplicates"] += 1
    recipients.add(to)
    _count(number)
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
    return 200, {
        "messaging_product": "whatsapp",
        "contacts": [{"input": to, "wa_id": to}],
        "messages": [{"id": wamid}],
    }


def current_stats() -> dict[str, object]:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        **stats,
        "per_number": dict(per_number),
        "busiest_second": dict(busiest),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
    }


async def _body(receive: Receive) -> bytes:
    chunks = []
    while True:
        event = await receive()
        chunks.append(event.get("body", b""))
        if not event.get("more_body"):
            return b"".join(chunks)


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        await _lifespan(receive, send)
        return
    parts = scope["path"].strip("/").split("/")
    if scope["method"] == "POST" and len(parts) == 3 and parts[2] == "messages":
        status, data = message(parts[1], dict(scope["headers"]), await _body(receive))
        await _answer(send, data, status)
    elif scope["method"] == "GET" and len(parts) == 3 and parts[2] == "message_templates":
        page = {"data": [TEMPLATE], "paging": {"cursors": {"before": "MA", "after": "MA"}}}
        await _answer(send, page)
    elif scope["method"] == "GET" and parts == ["stats"]:
        await _answer(send, current_stats())
    else:
        await _answer(send, {"error": {"message": "unknown path", "code": 100}}, 404)


async def _lifespan(receive: Receive, send: Send) -> None:
    task: asyncio.Task[None] | None = None
    while True:
        event = await receive()
        if event["type"] == "lifespan.startup":
            task = asyncio.get_running_loop().create_task(poster())
            await send({"type": "lifespan.startup.complete"})
        elif event["type"] == "lifespan.shutdown":
            if task is not None:
                task.cancel()
            await send({"type": "lifespan.shutdown.complete"})
            return


async def poster() -> None:
    connector = aiohttp.TCPConnector(limit=8)
    async with aiohttp.ClientSession(
        connector=connector, timeout=aiohttp.ClientTimeout(total=30)
    ) as client:
        inflight: set[asyncio.Task[None]] = set()

        async def post(batch: list[dict[str, object]]) -> None:
            raw = messages_webhook({"statuses": batch})
            signature = "sha256=" + hmac.new(SECRET, raw, hashlib.sha256).hexdigest()
            headers = {"Content-Type": "application/json", "X-Hub-Signature-256": signature}
            for _ in range(20):
                try:
                    async with client.post(WEBHOOK, data=raw, headers=headers) as answer:
                        await answer.read()
                        if answer.status == 200:
                            stats["statuses_posted"] += len(batch)
                            return
                except (aiohttp.ClientError, TimeoutError):
                    pass
                stats["webhook_failures"] += 1
                await asyncio.sleep(0.5)

        oldest = 0.0
        while True:
            await asyncio.sleep(0.02)
            if not pending or len(inflight) >= 8:
                continue
            now = time.monotonic()
            oldest = oldest or now
            if len(pending) < 100 and now - oldest < 0.2:
                continue  # Meta batches statuses under load: fill the POST
            oldest = 0.0
            batch = pending[:100]
            del pending[:100]
            task = asyncio.create_task(post(batch))
            inflight.add(task)
            task.add_done_callback(inflight.discard)


if __name__ == "__main__":
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=PORT,
        log_level="warning",
        loop="uvloop",
        http="httptools",
        access_log=False,
        lifespan="on",
    )
