"""The Cloud API webhook: GET verification handshake, POST verify → parse → persist → 200.

The POST path stays thin: the size cap is enforced while the body streams in, the signature
is checked over the raw bytes, parsing is one pass through pydantic, and the only await is
the inbox's group commit. Everything else happens after the 200, in the workers.
"""

from __future__ import annotations

import logging
import time

from fastapi import APIRouter, Request, Response
from starlette.requests import ClientDisconnect

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


async def _read_capped(request: Request, cap: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > cap:
        raise _BodyTooLargeError
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > cap:
            raise _BodyTooLargeError
        chunks.append(chunk)
    return b"".join(chunks)


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


def build_webhook_router(settings: Settings, inbox: InboxWriter, metrics: Metrics) -> APIRouter:
    router = APIRouter()
    secret = settings.whatsapp_app_secret.encode()
    cap = settings.webhook_max_body_bytes
    outcomes = metrics.webhook_requests
    ack = metrics.webhook_ack_seconds

    # Plain Starlette routes: the webhook needs none of FastAPI's dependency solving or
    # response serialisation, and skipping them is measurable at thousands of POSTs a second.
    async def verify(request: Request) -> Response:
        params = request.query_params
        if (
            params.get("hub.mode") == "subscribe"
            and params.get("hub.verify_token") == settings.whatsapp_verify_token
            and params.get("hub.challenge") is not None
        ):
            return Response(params["hub.challenge"], media_type="text/plain")
        return Response("forbidden", status_code=403, media_type="text/plain")

    async def receive(request: Request) -> Response:
        started = time.perf_counter()
        status, outcome = await _receive(request)
        outcomes.labels(outcome).inc()
        ack.observe(time.perf_counter() - started)
        return Response(status_code=status)

    async def _receive(request: Request) -> tuple[int, str]:
        try:
            raw = await _read_capped(request, cap)
        except _BodyTooLargeError:
            log.warning("webhook body over the size cap", extra={"cap": cap})
            return 413, "too_large"
        except ClientDisconnect:
            # Meta gave up on this delivery; it retries, and nothing was stored.
            return 400, "disconnected"
        try:
            signature.verify(secret, raw, request.headers.get(signature.HEADER))
        except SignatureError as exc:
            log.warning("webhook signature rejected", extra={"reason": exc.code.value})
            missing = exc.code is ErrorCode.SIGNATURE_MISSING
            return (401, "signature_missing") if missing else (403, "signature_invalid")
        try:
            events = parse_body(raw)
        except PayloadError as exc:
            log.warning("webhook body rejected", extra={"reason": str(exc), "size": len(raw)})
            return 400, "payload_invalid"
        _count(metrics, events)
        if not events.storable:
            if events.ignored:
                log.info("webhook event not handled", extra={"fields": events.ignored})
            return 200, "ignored"
        try:
            await inbox.submit(events.messages, events.statuses)
        except InboxBusyError:
            log.warning("inbox busy; asking Meta to retry")
            return 503, "busy"
        return 200, "stored"

    router.add_route(PATH, verify, methods=["GET"], include_in_schema=False)
    router.add_route(PATH, receive, methods=["POST"], include_in_schema=False)
    return router
