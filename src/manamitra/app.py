"""Composition root: builds the ASGI app, mounts every router and wires the background jobs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import FastAPI

from manamitra.catalog.checks import load_checked_catalog
from manamitra.conversation.engine import Engine
from manamitra.pipeline.worker import ConversationWorker
from manamitra.runtime import Runtime
from manamitra.settings import Settings, load_settings


def create_app(settings: Settings | None = None, *, demo: bool = False,
               background: bool = True) -> FastAPI:
    """The platform. `demo` adds the local WhatsApp (Graph emulator, simulator, sandbox gateway)."""
    settings = settings or load_settings()
    runtime = Runtime.build(settings)
    catalog = load_checked_catalog()
    runtime.services["catalog"] = catalog
    engine = Engine(catalog, services=runtime.services,
                    idle=timedelta(hours=settings.session_idle_hours))
    runtime.services["engine"] = engine
    worker = ConversationWorker(runtime.database, engine)
    runtime.services["worker"] = worker
    for index in range(max(1, settings.inbox_workers if not runtime.database.is_sqlite else 1)):
        runtime.add_job(f"conversation-worker-{index}", worker.run)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if background:
            await runtime.start()
        try:
            yield
        finally:
            await runtime.stop()

    app = FastAPI(title="Mana Mitra", lifespan=lifespan, docs_url="/api/docs",
                  openapi_url="/api/openapi.json")
    app.state.runtime = runtime

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    if demo:
        from manamitra.sandbox import mount_sandbox

        mount_sandbox(app, settings)

    return app
