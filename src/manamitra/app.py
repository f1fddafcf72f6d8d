"""Composition root: builds the ASGI app, mounts every router and wires the background jobs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from manamitra.runtime import Runtime
from manamitra.settings import Settings, load_settings


def create_app(settings: Settings | None = None, *, demo: bool = False,
               background: bool = True) -> FastAPI:
    """The platform. `demo` adds the local WhatsApp (Graph emulator, simulator, sandbox gateway)."""
    settings = settings or load_settings()
    runtime = Runtime.build(settings)

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

    return app
