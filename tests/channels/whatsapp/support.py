"""A small app holding only the webhook, for tests of the edge."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx
from fastapi import FastAPI

from manamitra.app import Platform
from manamitra.channels.whatsapp.signature import sign
from manamitra.channels.whatsapp.webhook import build_webhook_router
from manamitra.observability import Metrics
from manamitra.pipeline.inbox import InboxWriter
from manamitra.settings import Settings
from manamitra.store import Database
from tests.support.parts import TEST_CIPHER

SECRET = "test-app-secret"
T = TypeVar("T")


def settings(url: str, **overrides: Any) -> Settings:
    return Settings(
        database_url=url, whatsapp_app_secret=SECRET, whatsapp_verify_token="verify-me", **overrides
    )


def webhook_app(
    database: Database, *, fast_path: bool = True, **overrides: Any
) -> tuple[FastAPI, InboxWriter, Metrics]:
    """The webhook as the platform serves it (`fast_path`: POSTs go straight to the receiver,
    before FastAPI's stack), or through its Starlette route alone."""
    metrics = Metrics()
    inbox = InboxWriter(database, cipher=TEST_CIPHER)
    app = Platform()
    routes, receiver = build_webhook_router(settings(database.url, **overrides), inbox, metrics)
    app.include_router(routes)
    if fast_path:
        app.webhook = receiver
    return app, inbox, metrics


def headers(body: bytes, secret: str = SECRET) -> dict[str, str]:
    return {"X-Hub-Signature-256": sign(secret, body), "Content-Type": "application/json"}


def run(
    app: FastAPI, inbox: InboxWriter, scenario: Callable[[httpx.AsyncClient], Awaitable[T]]
) -> T:
    async def main() -> T:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            try:
                return await scenario(client)
            finally:
                await inbox.aclose()

    return asyncio.run(main())
