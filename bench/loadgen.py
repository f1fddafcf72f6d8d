"""A small keep-alive HTTP/1.1 load generator for signed webhook POSTs (asyncio streams).

httpx costs more CPU per request than the server under test on this 2-core machine, so the
client speaks HTTP/1.1 itself: one pipelined-free request at a time per connection.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import time
from collections.abc import Sequence
from dataclasses import dataclass


def signed_request(host: str, port: int, path: str, body: bytes, secret: str) -> bytes:
    signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        f"X-Hub-Signature-256: sha256={signature}\r\n\r\n"
    )
    return head.encode() + body


@dataclass
class Result:
    sent_at: float
    acked_at: float
    status: int


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = 0
    chunked = False
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.lower() == "content-length":
            length = int(value.strip())
        elif name.lower() == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    if chunked:
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length:
        await reader.readexactly(length)
    return status


async def run(
    host: str, port: int, requests: Sequence[bytes], connections: int, rate: float | None = None
) -> list[Result]:
    """Send every request over `connections` keep-alive connections; optional open-loop rate."""
    results: list[Result | None] = [None] * len(requests)
    next_index = 0
    start = time.perf_counter()

    async def worker() -> None:
        nonlocal next_index
        reader, writer = await asyncio.open_connection(host, port)
        try:
            while next_index < len(requests):
                index = next_index
                next_index += 1
                if rate is not None:
                    due = start + index / rate
                    delay = due - time.perf_counter()
                    if delay > 0:
                        await asyncio.sleep(delay)
                sent = time.time()
                writer.write(requests[index])
                status = await _read_response(reader)
                results[index] = Result(sent, time.time(), status)
        finally:
            writer.close()

    await asyncio.gather(*(worker() for _ in range(connections)))
    return [r for r in results if r is not None]


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]
