"""The local WhatsApp: a Graph API emulator, simulated phones, and the simulator page.

Build it once and mount it on the platform app (the composition root does this for `demo`):

    sandbox = Sandbox.build(settings)              # webhook: {public_url}/webhooks/whatsapp
    sandbox.mount(app)                             # /sandbox, /sandbox/api/…, /sandbox/graph/…

Then MM_GRAPH_API_URL=http://HOST:PORT/sandbox/graph points the platform's sender at it.
Tests can also drive `sandbox.graph_app` (Graph routes at the root) through httpx.ASGITransport
and give `transport=` to deliver webhooks without a network.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx
from starlette.applications import Starlette
from starlette.staticfiles import StaticFiles

from manamitra.documents.shaping import FONTS
from manamitra.sandbox.account_api import build_account_router
from manamitra.sandbox.api import build_api_router
from manamitra.sandbox.delivery import RetryPolicy, WebhookDelivery
from manamitra.sandbox.emulator import GraphEmulator, StatusDelays
from manamitra.sandbox.fault import Fault
from manamitra.sandbox.graph import build_graph_app
from manamitra.sandbox.graph_error import GraphError
from manamitra.sandbox.page import STATIC_DIR, build_page_router
from manamitra.sandbox.payload import Business
from manamitra.sandbox.phone import InboundError, Phone
from manamitra.sandbox.speech import StandIn, build_speech_router, voice_hook
from manamitra.settings import Settings

if TYPE_CHECKING:
    from fastapi import FastAPI

GRAPH_PREFIX = "/sandbox/graph"
DEFAULT_PHONES = [("919876543210", "Ravi Kumar"), ("919848022338", "Sita Devi")]


@dataclass
class Sandbox:
    emulator: GraphEmulator
    phone: Phone
    graph_app: Starlette
    speech: StandIn

    @classmethod
    def build(
        cls,
        settings: Settings,
        *,
        webhook_url: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        delays: StatusDelays | None = None,
        retry: RetryPolicy | None = None,
    ) -> Sandbox:
        business = Business(
            phone_number_id=settings.whatsapp_phone_number_id,
            display_number=settings.whatsapp_display_number,
            account_id=settings.whatsapp_business_account_id,
            extra_phone_number_ids=settings.business_numbers[1:],
        )
        delivery = WebhookDelivery(
            webhook_url or f"{settings.public_url}/webhooks/whatsapp",
            settings.whatsapp_app_secret,
            transport=transport,
            retry=retry,
        )
        emulator = GraphEmulator(
            business=business,
            access_token=settings.whatsapp_access_token,
            delivery=delivery,
            delays=delays,
        )
        speech = StandIn()
        speech.learn_samples()
        return cls(
            emulator=emulator,
            phone=Phone(emulator),
            graph_app=build_graph_app(emulator),
            speech=speech,
        )

    def mount(self, app: FastAPI, *, default_phones: list[tuple[str, str]] | None = None) -> None:
        app.mount(GRAPH_PREFIX, self.graph_app, name="sandbox-graph")
        app.mount("/sandbox/static", StaticFiles(directory=str(STATIC_DIR)), name="sandbox-static")
        app.mount("/sandbox/fonts", StaticFiles(directory=str(FONTS)), name="sandbox-fonts")
        app.include_router(build_api_router(self.emulator, self.phone, voice_hook(self.speech)))
        app.include_router(build_speech_router(self.speech))
        app.include_router(build_account_router(self.emulator))
        app.include_router(
            build_page_router(
                self.emulator, DEFAULT_PHONES if default_phones is None else default_phones
            )
        )
        app.state.sandbox = self

    def loopback(self, app: Any, path: str = "/webhooks/whatsapp") -> None:
        """Deliver webhooks to `app` in-process (tests that run the platform without a server)."""
        self.emulator.delivery.use_transport(
            httpx.ASGITransport(app=app), f"http://platform.local{path}"
        )

    async def drain(self, timeout: float = 10.0) -> None:
        """Wait for every pending status and retry delivery (tests)."""
        await self.emulator.delivery.drain(timeout)

    async def aclose(self) -> None:
        await self.emulator.delivery.aclose()

    async def run(self, stop: asyncio.Event) -> None:
        """A runtime background job: closes the deliveries when the platform stops."""
        await stop.wait()
        await self.aclose()


def mount_sandbox(app: FastAPI, settings: Settings, **options: object) -> Sandbox:
    """Build the sandbox for `settings`, mount it on `app`, and tie it to the app's runtime."""
    sandbox = Sandbox.build(settings, **options)  # type: ignore[arg-type]
    sandbox.mount(app)
    runtime = getattr(app.state, "runtime", None)
    if runtime is not None:
        runtime.add_job("sandbox", sandbox.run)
    return sandbox


__all__ = [
    "GRAPH_PREFIX",
    "Business",
    "Fault",
    "GraphEmulator",
    "GraphError",
    "InboundError",
    "RetryPolicy",
    "Sandbox",
    "StatusDelays",
    "mount_sandbox",
]
