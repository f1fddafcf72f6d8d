"""The composition root mounts the webhook, /metrics and a /healthz that looks at the database."""

from __future__ import annotations

import asyncio

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select

from manamitra.app import create_app
from manamitra.channels.whatsapp.graph_client import GraphClient
from manamitra.channels.whatsapp.sender import OutboxSender
from manamitra.documents import DocumentService
from manamitra.store.models import InboundMessage
from tests.channels.whatsapp import fixtures
from tests.channels.whatsapp.support import headers, settings


async def _with_app(app: FastAPI, requests: list[tuple[str, str, bytes]]) -> list[httpx.Response]:
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return [
                await client.request(
                    method, path, content=body or None, headers=headers(body) if body else None
                )
                for method, path, body in requests
            ]


def test_webhook_metrics_and_health_are_wired(sqlite_database_url: str) -> None:
    app = create_app(settings(sqlite_database_url), background=False)
    runtime = app.state.runtime
    parts = runtime.parts
    assert isinstance(parts.sender, OutboxSender) and isinstance(parts.graph, GraphClient)
    assert isinstance(parts.documents, DocumentService) and parts.documents.trust is parts.trust
    assert {"inbox-writer", "outbox-sender"} <= set(runtime.jobs)
    body = fixtures.raw("text")
    health, post, scrape = asyncio.run(
        _with_app(
            app,
            [
                ("GET", "/healthz", b""),
                ("POST", "/webhooks/whatsapp", body),
                ("GET", "/metrics", b""),
            ],
        )
    )
    assert health.json() == {"status": "ok", "database": "ok"}
    assert post.status_code == 200
    assert scrape.status_code == 200
    assert 'manamitra_inbound_messages_total{kind="text"} 1.0' in scrape.text
    assert 'manamitra_queue_depth{queue="inbound_pending"} 1.0' in scrape.text
    assert "manamitra_webhook_ack_seconds_bucket" in scrape.text
    with runtime.database.unit_of_work() as s:
        assert s.scalar(select(func.count()).select_from(InboundMessage)) == 1


def test_healthz_reports_an_unreachable_database() -> None:
    url = "postgresql://nobody@127.0.0.1:1/none?connect_timeout=1"
    app = create_app(settings(url), background=False)
    [response] = asyncio.run(_with_app(app, [("GET", "/healthz", b"")]))
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
