"""Composition root: builds the ASGI app, mounts every router and wires the background jobs."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from functools import partial
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text
from starlette.types import Receive, Scope, Send

from manamitra import processes
from manamitra.alerts import apply_account_events
from manamitra.catalog.parse_cache import parse_cache_for
from manamitra.channels.whatsapp import outbox_store
from manamitra.channels.whatsapp.campaign_sender import CampaignSender
from manamitra.channels.whatsapp.graph_client import GraphClient
from manamitra.channels.whatsapp.sender import OutboxSender
from manamitra.channels.whatsapp.webhook import PATH as WEBHOOK_PATH
from manamitra.channels.whatsapp.webhook import WebhookReceiver, build_webhook_router
from manamitra.conversation.engine import Engine
from manamitra.departments.shared_health import health_publisher_job
from manamitra.departments.wiring import wire_departments
from manamitra.documents import DocumentService, document_types
from manamitra.events.pseudonym import configure as configure_pseudonyms
from manamitra.events.pseudonym import key_from_settings as pseudonym_key
from manamitra.lake.job import lake_job
from manamitra.lake.layout import Lake
from manamitra.observability import Metrics, metrics_router
from manamitra.parts import Parts
from manamitra.payments import Payments, PaymentsConfig
from manamitra.payments.gateway import PaymentGateway
from manamitra.payments.http_gateway import HttpGateway
from manamitra.pipeline import inbox_store
from manamitra.pipeline.department_retry import department_retry_job
from manamitra.pipeline.document_check import DocumentCheckQueue
from manamitra.pipeline.inbox import InboxWriter
from manamitra.pipeline.retention import retention_job
from manamitra.pipeline.speech import SpeechWorker, speech_retention_job
from manamitra.pipeline.speech_in import pending_count as speech_pending
from manamitra.pipeline.wakeup import wake_on_inbox
from manamitra.pipeline.worker import ConversationWorker
from manamitra.privacy import Cipher
from manamitra.runtime import Runtime
from manamitra.sandbox.gateway import SandboxGateway
from manamitra.services.catalog_check import load_checked_catalog
from manamitra.services.registry import register_all
from manamitra.settings import Settings, load_settings
from manamitra.speech.config import SpeechConfig
from manamitra.speech.factory import build_provider
from manamitra.store.wal import checkpoint_wal
from manamitra.trust import TrustService
from manamitra.trust.service import checkpoint_publisher
from manamitra.understanding.model import ChatModel
from manamitra.web import (
    STATIC_DIR,
    SecurityHeaders,
    build_open_data_router,
    build_transparency_router,
    build_verification_router,
)

# what a "web" process runs besides HTTP: the inbox's group commit
WEB_JOBS = {"inbox-writer"}


class Platform(FastAPI):
    """FastAPI, with Meta's webhook POSTs handed to the webhook receiver before the middleware
    stack and router, which cost more than the webhook's own work at thousands a second."""

    webhook: WebhookReceiver | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            self.webhook is not None
            and scope["type"] == "http"
            and scope["path"] == WEBHOOK_PATH
            and scope["method"] == "POST"
        ):
            await self.webhook(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def create_app(
    settings: Settings | None = None, *, demo: bool = False, background: bool = True
) -> FastAPI:
    """The platform. `demo` adds the local WhatsApp (Graph emulator, simulator, sandbox gateway)."""
    if settings is None:
        # `serve` builds the app through uvicorn's factory: production logging (JSON,
        # phone numbers masked, message text redacted) starts here.
        settings = load_settings()
        from manamitra.observability import configure_logging

        configure_logging(settings.log_level)
    runtime = Runtime.build(settings)
    register_all()
    # The WhatsApp edge: webhook → inbox (group commit) → workers → outbox → sender → Graph.
    metrics = Metrics()
    graph = GraphClient(settings)
    sender = OutboxSender(runtime.database, graph, settings, metrics=metrics)
    trust = TrustService.from_settings(settings)
    documents = DocumentService(trust, settings.documents_renderer)
    document_check = DocumentCheckQueue(runtime.database, graph, documents, notify=sender.notify)
    # Department registers behind lookups and downloads: declared departments live
    # (MM_DEPARTMENTS_LIVE) or, in the demo, on their sandbox stand-ins; the other registers on
    # the embedded reference systems.
    departments = wire_departments(
        live={name.strip() for name in settings.departments_live.split(",") if name.strip()},
        env=os.environ,
        stand_ins=demo,
        tls_stand_in=_sandbox_tls(settings) if demo else None,
    )
    speech_config = SpeechConfig()
    # Domain events: the citizen's pseudonym key (outside the database); the lake they are
    # exported to, which the analytics and the open data read.
    configure_pseudonyms(pseudonym_key(settings))
    lake = Lake(settings.resolved_lake_dir)
    parts = Parts(
        catalog=load_checked_catalog(cache=parse_cache_for(settings)),
        # Personal data sealed at rest (Aadhaar, typed text the inbox masked).
        privacy=Cipher.from_settings(settings),
        departments=departments.systems,
        documents=documents,
        payments=_payments(settings, notify=sender.notify),
        trust=trust,
        document_check=document_check,
        sender=sender,
        graph=graph,
        metrics=metrics,
        department_health=departments,
        # voice notes in and voice replies out (MM_SPEECH_PROVIDER)
        speech=build_provider(speech_config, settings.public_url),
        # outside the demo no department is answered by a stand-in
        lake=lake,
        department_stand_ins=departments.stand_ins or None,
        # Free text the local engine cannot place may go to an operator's chat-completion
        # model (MM_LLM_URL); off by default, the platform then runs fully offline.
        understanding_model=ChatModel.from_settings(settings),
    )
    runtime.put_parts(parts)
    runtime.add_job(
        "log-checkpoint",
        checkpoint_publisher(
            parts.trust,
            runtime.database,
            sorted({t.spec.department for t in document_types().values()}),
        ),
    )
    engine = Engine(
        parts,
        idle=timedelta(hours=settings.session_idle_hours),
        draft_keep=timedelta(days=settings.draft_keep_days),
    )
    worker = ConversationWorker(runtime.database, engine)
    for index in range(max(1, settings.inbox_workers if not runtime.database.is_sqlite else 1)):
        runtime.add_job(f"conversation-worker-{index}", worker.run)
    if departments.declarations:
        # every process's department counters into the database: the console shows the sums
        runtime.add_job(
            "department-health",
            health_publisher_job(
                runtime.database, departments.health, lambda: processes.current().id
            ),
        )
    if departments.engines:
        runtime.add_job(
            "department-retry",
            department_retry_job(
                runtime.database,
                departments,
                settings.whatsapp_phone_number_id,
                worker.wake,
                parts.privacy,
            ),
        )

    inbox = InboxWriter(
        runtime.database, cipher=parts.privacy, on_stored=lambda _citizens: worker.wake()
    )
    speech = _speech_worker(
        runtime, settings, speech_config, parts, on_transcript=worker.wake, notify=sender.notify
    )

    def replies_written() -> None:
        sender.notify()
        speech.wake()  # a reply to speak waits parked for the speech worker

    worker.on_replies = replies_written
    runtime.add_job("inbox-writer", inbox.run)
    runtime.add_job("outbox-sender", sender.run)
    # Campaigns: a lower-priority lane on the same numbers' token buckets (chat goes first).
    campaign_sender = CampaignSender(
        runtime.database,
        graph,
        settings,
        bucket_for=sender.bucket_for,
        identity=sender.identity,
        registered=lambda: sender.registered,
    )
    runtime.add_job("campaign-sender", campaign_sender.run)
    metrics.add_tallies(
        "manamitra_campaign_sent",
        "Campaign messages Meta accepted, by business number",
        "number",
        lambda: campaign_sender.sent_by_number,
    )
    metrics.add_tallies(
        "manamitra_campaign_failed",
        "Campaign recipients given up on, by error code",
        "code",
        lambda: campaign_sender.failed_by_code,
    )
    metrics.add_tallies(
        "manamitra_campaign_throttled",
        "Campaign sends Meta answered 130429 (throughput reached), by business number",
        "number",
        lambda: campaign_sender.throttled_by_number,
    )
    if runtime.database.is_sqlite:
        runtime.add_job("wal-checkpoint", partial(checkpoint_wal, runtime.database))
    else:
        runtime.add_job("inbox-wakeup", partial(wake_on_inbox, runtime.database, worker.wake))
    runtime.add_job("document-check", document_check.run)
    runtime.add_job(
        "inbox-retention", retention_job(runtime.database, settings.inbox_retention_hours)
    )
    if settings.lake_export_minutes:
        runtime.add_job(
            "lake-export",
            lake_job(
                runtime.database, lake, settings.lake_export_minutes, settings.lake_retention_days
            ),
        )
    metrics.add_queue_depth("inbox_writer", lambda: inbox.queue_depth)
    metrics.add_queue_depth("inbound_pending", lambda: inbox_store.pending_count(runtime.database))
    metrics.add_queue_depth(
        "outbound_pending", lambda: outbox_store.pending_count(runtime.database)
    )
    metrics.add_queue_depth("speech_pending", lambda: speech_pending(runtime.database))

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Catalogue, templates and fonts live for the whole process: keep them out of every
        # later garbage collection pass.
        gc.collect()
        gc.freeze()
        if background:
            await runtime.start()
        try:
            yield
        finally:
            await inbox.aclose()
            await runtime.stop()
            await graph.aclose()
            departments.close()

    app = Platform(
        title="Mana Mitra", lifespan=lifespan, docs_url="/api/docs", openapi_url="/api/openapi.json"
    )
    app.state.runtime = runtime
    app.add_middleware(SecurityHeaders)

    webhook_routes, app.webhook = build_webhook_router(settings, inbox, metrics)

    async def on_account(events: list[Any]) -> None:
        await asyncio.to_thread(apply_account_events, runtime.database, events)

    app.webhook.on_account = on_account
    app.include_router(webhook_routes)
    app.include_router(metrics_router(metrics, settings.metrics_token))
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="web-static")
    app.include_router(build_verification_router(trust, runtime.database))
    app.include_router(build_transparency_router(trust, runtime.database))
    app.include_router(build_open_data_router(parts.lake))
    _payment_routes(app, runtime, settings, demo=demo)
    from manamitra.console import install as install_console
    from manamitra.grievances.deadlines import sla_job

    install_console(app, runtime)
    runtime.add_job("sla-clock", sla_job(runtime.database, parts.sender))

    def database_reachable() -> bool:
        try:
            with runtime.database.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except Exception:
            logging.getLogger(__name__).exception("health check: database unreachable")
            return False

    @app.get("/healthz")
    async def healthz() -> JSONResponse:
        ok = await asyncio.to_thread(database_reachable)
        return JSONResponse(
            {"status": "ok" if ok else "unavailable", "database": "ok" if ok else "unreachable"},
            status_code=200 if ok else 503,
        )

    if demo:
        from manamitra.sandbox import mount_sandbox
        from manamitra.sandbox.departments import build_department_stand_in_router

        mount_sandbox(app, settings)
        app.include_router(build_department_stand_in_router(departments.stand_ins))

    if settings.role != "all":
        if runtime.database.is_sqlite:
            raise ValueError("MM_ROLE=web or jobs needs PostgreSQL (SQLite is one process)")
        if settings.role == "web":
            runtime.keep_only(WEB_JOBS)
    return app


def _speech_worker(
    runtime: Runtime,
    settings: Settings,
    config: SpeechConfig,
    parts: Parts,
    *,
    on_transcript: Callable[[], None],
    notify: Callable[[], None],
) -> SpeechWorker:
    """The worker that does the speech work with the platform's speech provider (transcribing
    voice notes, speaking replies), and the job that forgets heard audio in time."""
    worker = SpeechWorker(
        runtime.database,
        parts.graph,
        parts.speech,
        timeout=config.speech_timeout_seconds,
        max_seconds=config.speech_max_seconds,
        cipher=parts.privacy,
        on_transcript=on_transcript,
        on_reply=notify,
    )
    runtime.add_job("speech-worker", worker.run)
    runtime.add_job(
        "speech-retention", speech_retention_job(runtime.database, settings.inbox_retention_hours)
    )
    return worker


def _sandbox_tls(settings: Settings) -> Any:
    """The demo's mutual-TLS stand-ins: certificates under MM_DATA_DIR, a listener each."""
    from manamitra.sandbox.mtls import tls_stand_in

    return tls_stand_in(settings.data_dir / "sandbox-mtls")


def _payments(settings: Settings, *, notify: Callable[[], None]) -> Payments:
    """The gateway (MM_PAYMENTS_GATEWAY=rest for a real one, else the sandbox) and how bills
    are presented."""
    config = PaymentsConfig()
    gateway: PaymentGateway
    if config.gateway == "rest":
        if not config.gateway_url:
            raise ValueError("MM_PAYMENTS_GATEWAY=rest needs MM_PAYMENTS_GATEWAY_URL")
        gateway = HttpGateway(
            config.gateway_name,
            config.gateway_url,
            config.gateway_key_id,
            config.gateway_key_secret,
            config.webhook_secret,
        )
    else:
        gateway = SandboxGateway(
            config.webhook_secret,
            checkout_base=settings.public_url,
            state_file=settings.data_dir / "sandbox-gateway.json",
        )
    return Payments(
        gateway=gateway,
        public_url=settings.public_url,
        checkout=config.checkout,
        payment_configuration=config.payment_configuration,
        hold_minutes=config.hold_minutes,
        notify=notify,
    )


def _payment_routes(app: FastAPI, runtime: Runtime, settings: Settings, *, demo: bool) -> None:
    """The payment webhook and checkout routes, the jobs that return expired holds and
    reconcile unconfirmed payments, and (demo) the sandbox gateway's own pages."""
    from manamitra.bookings.expiry import expiry_job
    from manamitra.payments.sweep import reconciliation_job
    from manamitra.sandbox.gateway_api import GatewayWebhooks, build_gateway_router
    from manamitra.web.payments import build_payments_router

    parts = runtime.parts
    payments = parts.payments
    runtime.add_job("booking-hold-expiry", expiry_job(runtime.database, notify=payments.notify))
    runtime.add_job(
        "payments-reconciliation", reconciliation_job(runtime.database, payments, parts)
    )
    app.include_router(build_payments_router(payments, runtime.database, parts))
    gateway = payments.gateway
    if demo and isinstance(gateway, SandboxGateway):
        webhooks = GatewayWebhooks(
            gateway,
            f"{settings.public_url}/webhooks/payments/{gateway.name}",
            emulator=lambda: getattr(getattr(app.state, "sandbox", None), "emulator", None),
        )
        app.include_router(build_gateway_router(gateway, webhooks))
