"""Posting webhook bodies to the platform as Meta does: signed, and retried when refused.

Meta signs the exact bytes it sends (`X-Hub-Signature-256: sha256=<HMAC-SHA256(app secret,
body)>`) and retries any answer but 200 for days; the emulator retries a bounded number of
times with growing pauses, in the background, so that one slow or failing platform never
blocks the simulated phones.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any

import httpx

log = logging.getLogger(__name__)


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def encode(payload: dict[str, Any]) -> bytes:
    # Meta sends compact JSON with non-ASCII escaped (\u0c24…); receivers must hash raw bytes.
    return json.dumps(payload, separators=(",", ":")).encode()


@dataclass
class RetryPolicy:
    attempts: int = 5
    first_pause: float = 0.5
    factor: float = 2.0

    def pauses(self) -> list[float]:
        return [self.first_pause * self.factor**n for n in range(max(self.attempts - 1, 0))]


class WebhookDelivery:
    """Delivers webhook bodies to one URL; owns the background tasks it starts."""

    def __init__(
        self,
        url: str,
        app_secret: str,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        retry: RetryPolicy | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.url = url
        self.app_secret = app_secret
        self.transport = transport
        self.retry = retry or RetryPolicy()
        self.timeout = timeout
        self.delivered = 0
        self.failed = 0
        self._clients: dict[asyncio.AbstractEventLoop, httpx.AsyncClient] = {}
        self._tasks: set[asyncio.Task[Any]] = set()

    def use_transport(
        self, transport: httpx.AsyncBaseTransport | None, url: str | None = None
    ) -> None:
        """Deliver through `transport` from now on (before the first delivery, in tests)."""
        self.transport = transport
        if url is not None:
            self.url = url
        self._clients = {}

    def _client(self) -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            for stale in [old for old in self._clients if old.is_closed()]:
                del self._clients[stale]
            client = httpx.AsyncClient(transport=self.transport, timeout=self.timeout)
            self._clients[loop] = client
        return client

    async def post_once(self, payload: dict[str, Any]) -> bool:
        """One signed POST; True when the platform answered 200."""
        body = encode(payload)
        headers = {
            "Content-Type": "application/json",
            "X-Hub-Signature-256": signature(self.app_secret, body),
            "User-Agent": "facebookexternalua",
        }
        try:
            response = await self._client().post(self.url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            log.warning("webhook delivery failed: %s", type(exc).__name__)
            return False
        if response.status_code != 200:
            log.warning("webhook answered %s", response.status_code)
            return False
        return True

    async def deliver(self, payload: dict[str, Any]) -> bool:
        """Post now and keep retrying in the background if refused; True if accepted now."""
        if await self.post_once(payload):
            self.delivered += 1
            return True
        self.spawn(self._retry(payload, self.retry.pauses()))
        return False

    async def deliver_with_retries(self, payload: dict[str, Any]) -> bool:
        """Post, retrying in this task: used where order matters (sent before delivered)."""
        return await self._retry(payload, [0.0, *self.retry.pauses()])

    async def _retry(self, payload: dict[str, Any], pauses: list[float]) -> bool:
        for pause in pauses:
            await asyncio.sleep(pause)
            if await self.post_once(payload):
                self.delivered += 1
                return True
        self.failed += 1
        log.error("webhook delivery abandoned after %d attempts", self.retry.attempts)
        return False

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @property
    def pending(self) -> int:
        return sum(1 for task in tuple(self._tasks) if not task.done())

    async def drain(self, timeout: float = 10.0) -> None:
        """Wait until every background delivery of this loop has finished (tests, shutdown)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            tasks = [t for t in tuple(self._tasks) if not t.done() and t.get_loop() is loop]
            if not tasks:
                return
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"{len(tasks)} webhook deliveries still pending")
            await asyncio.wait(tasks, timeout=remaining)

    async def aclose(self) -> None:
        loop = asyncio.get_running_loop()
        tasks = [t for t in tuple(self._tasks) if t.get_loop() is loop]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        client = self._clients.pop(loop, None)
        if client is not None:
            await client.aclose()
