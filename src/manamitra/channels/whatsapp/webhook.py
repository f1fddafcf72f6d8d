"""The Cloud API webhook: GET verification handshake, POST verify → parse → persist → 200.

The POST path stays thin: the size cap is enforced while the body streams in, the signature
is checked over the raw bytes, parsing is one pass through pydantic, and the only await is
the inbox's group commit. Everything else happens after the 200, in the workers.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request, Response
from starlette.requests import ClientDisconnect
from starlette.types import Receive, Scope, Send

from manamitra.alerts.account import AccountEvent
from manamitra.channels.whatsapp import signature
from manamitra.channels.whatsapp.parse import WebhookEvents, parse_body
from manamitra.errors import ErrorCode, PayloadError, SignatureError
from manamitra.observability import Metrics
from manamitra.pipeline.inbox import InboxBusyError, InboxWriter
from manamitra.settings import Settings

log = logging.getLogger(__name__)

PATH = "/webhooks/whatsapp"


class _BodyTooLargeError(Exception):
    pass


class _DisconnectedError(Exception):
    pass


def _count(metrics: Metrics, events: WebhookEvents) -> None:
    for item in events.messages:
        metrics.inbound_messages.labels(item.inbound.kind).inc()
    for status in events.statuses:
        metrics.statuses.labels(status.status).inc()
    for error in events.errors:
        metrics.platform_errors.labels(str(error.code)).inc()
        log.warning(
            "whatsapp reported an error",
            extra={"error_code": error.code, "title": error.title, "details": error.details},
        )


class WebhookReceiver:
    """POST /webhooks/whatsapp: cap → signature → parse → inbox → status code.

    Callable as a raw ASGI app, which the platform's app calls before FastAPI's middleware
    stack and router (`Platform`): at thousands of POSTs a second those layers cost more than
    the webhook's own work. `endpoint` serves the same through a Starlette route."""

    def __init__(self, settings: Settings, inbox: InboxWriter, metrics: Metrics) -> None:
        self.secret = settings.whatsapp_app_secret.encode()
        self.cap = settings.webhook_max_body_bytes
        self.inbox = inbox
        self.metrics = metrics
        # account events (template status and quality, number quality): the composition
        # root hands them to alerts; recorded before the 200, like messages
        self.on_account: Callable[[list[AccountEvent]], Awaitable[None]] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        headers = dict(scope["headers"])
        try:
            status, outcome = await self._handle(
                lambda: self._read_asgi(receive, headers.get(b"content-length")),
                headers.get(signature.HEADER.lower().encode(), b"").decode("latin-1") or None,
            )
        except Exception:
            log.exception("webhook failed")
            status, outcome = 500, "error"
        self._observe(outcome, started)
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-length", b"0")],
            }
        )
        await send({"type": "http.response.body", "body": b""})

    async def endpoint(self, request: Request) -> Response:
        started = time.perf_counter()
        status, outcome = await self._handle(
            lambda: self._read_request(request), request.headers.get(signature.HEADER)
        )
        self._observe(outcome, started)
        return Response(status_code=status)

    def _observe(self, outcome: str, started: float) -> None:
        self.metrics.webhook_requests.labels(outcome).inc()
        self.metrics.webhook_ack_seconds.observe(time.perf_counter() - started)

    async def _read_asgi(self, receive: Receive, declared: bytes | None) -> bytes:
        if declared is not None and declared.isdigit() and int(declared) > self.cap:
            raise _BodyTooLargeError
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _DisconnectedError
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.cap:
                raise _BodyTooLargeError
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    async def _read_request(self, request: Request) -> bytes:
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.cap:
            raise _BodyTooLargeError
        chunks: list[bytes] = []
        size = 0
        try:
            async for chunk in request.stream():
                size += len(chunk)
                if size > self.cap:
                    raise _BodyTooLargeError
                chunks.append(chunk)
        except ClientDisconnect as exc:
            raise _DisconnectedError from exc
        return b"".join(chunks)

    async def _handle(
        self, read_body: Callable[[], Awaitable[bytes]], signature_header: str | None
    ) -> tuple[int, str]:
        try:
            raw = await read_body()
        except _BodyTooLargeError:
            log.warning("webhook body over the size cap", extra={"cap": self.cap})
            return 413, "too_large"
        except _DisconnectedError:
            # Meta gave up on this delivery; it retries, and nothing was stored.
            return 400, "disconnected"
        try:
            signature.verify(self.secret, raw, signature_header)
        except SignatureError as exc:
            log.warning("webhook signature rejected", extra={"reason": exc.code.value})
            missing = exc.code is ErrorCode.SIGNATURE_MISSING
            return (401, "signature_missing") if missing else (403, "signature_invalid")
        try:
            events = parse_body(raw)
        except PayloadError as exc:
            log.warning("webhook body rejected", extra={"reason": str(exc), "size": len(raw)})
            return 400, "payload_invalid"
        _count(self.metrics, events)
        if events.skipped:
            log.warning("webhook items skipped", extra={"items": events.skipped[:20]})
        if events.account and self.on_account is not None:
            await self.on_account(events.account)
        if not events.storable:
            if events.account:
                return 200, "account"
            if events.ignored:
                log.info("webhook event not handled", extra={"fields": events.ignored})
            return 200, "ignored"
        try:
            await self.inbox.submit(events.messages, events.statuses)
        except InboxBusyError:
            log.warning("inbox busy; asking Meta to retry")
            return 503, "busy"
        return 200, "stored"


def build_webhook_router(
    settings: Settings, inbox: InboxWriter, metrics: Metrics
) -> tuple[APIRouter, WebhookReceiver]:
    """The GET handshake and the POST route, and the receiver for the raw-ASGI fast path."""
    router = APIRouter()
    receiver = WebhookReceiver(settings, inbox, metrics)

    # Plain Starlette routes: the webhook needs none of FastAPI's dependency solving or
    # response serialisation.
    async def verify(request: Request) -> Response:
        params = request.query_params
        if (
            params.get("hub.mode") == "subscribe"
            and params.get("hub.verify_token") == settings.whatsapp_verify_token
            and params.get("hub.challenge") is not None
        ):
            return Response(params["hub.challenge"], media_type="text/plain")
        return Response("forbidden", status_code=403, media_type="text/plain")

    router.add_route(PATH, verify, methods=["GET"], include_in_schema=False)
    router.add_route(PATH, receiver.endpoint, methods=["POST"], include_in_schema=False)
    return router, receiver
