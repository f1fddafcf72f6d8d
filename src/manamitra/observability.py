"""Metrics (Prometheus, in the platform's own registry) and structured logs without personal data.

`Metrics` holds every counter and histogram; queue depths are gauges computed on each scrape
from callables the components register. `configure_logging()` writes one JSON object per line
and installs `RedactFilter`, which masks Aadhaar numbers and phone numbers to their last four
digits and drops the values of fields that can hold what a citizen wrote.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import logging
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

import orjson
from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.exposition import generate_latest
from prometheus_client.registry import Collector

from manamitra.privacy import mask_aadhaar_in

log = logging.getLogger(__name__)

_FAST = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
_SLOW = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


class _QueueDepths(Collector):
    def __init__(self) -> None:
        self.sources: dict[str, Callable[[], float | None]] = {}

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily(
            "manamitra_queue_depth", "Items waiting, by queue", labels=["queue"]
        )
        for name, source in sorted(self.sources.items()):
            try:
                value = source()
            except Exception:  # a broken source must not break the whole scrape
                log.exception("queue depth source failed", extra={"queue": name})
                continue
            if value is not None:
                family.add_metric([name], float(value))
        yield family


class _Tallies(Collector):
    """Counters a component keeps itself (as plain counts), read on every scrape."""

    def __init__(
        self, name: str, documentation: str, label: str, source: Callable[[], Mapping[str, int]]
    ) -> None:
        self.name, self.documentation, self.label, self.source = name, documentation, label, source

    def collect(self) -> Iterator[CounterMetricFamily]:
        family = CounterMetricFamily(self.name, self.documentation, labels=[self.label])
        try:
            counts = dict(self.source())
        except Exception:  # a broken source must not break the whole scrape
            log.exception("counter source failed", extra={"metric": self.name})
            counts = {}
        for value, count in sorted(counts.items()):
            family.add_metric([value], float(count))
        yield family


class Metrics:
    """Every metric the platform exports, registered in a registry of its own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.inbound_messages = Counter(
            "manamitra_inbound_messages", "Inbound messages parsed", ["kind"], registry=r
        )
        self.statuses = Counter(
            "manamitra_status_updates", "Delivery statuses received", ["status"], registry=r
        )
        self.webhook_requests = Counter(
            "manamitra_webhook_requests", "Webhook POSTs by outcome", ["outcome"], registry=r
        )
        self.platform_errors = Counter(
            "manamitra_whatsapp_errors",
            "Errors Meta reported in webhooks, by code",
            ["code"],
            registry=r,
        )
        self.outbound_sent = Counter(
            "manamitra_outbound_sent", "Messages accepted by Graph", ["kind"], registry=r
        )
        self.outbound_failed = Counter(
            "manamitra_outbound_failed", "Messages given up on, by error code", ["code"], registry=r
        )
        self.outbound_retries = Counter(
            "manamitra_outbound_retries",
            "Send attempts to be retried, by error code",
            ["code"],
            registry=r,
        )
        self.outbound_released = Counter(
            "manamitra_outbound_claims_released",
            "Replies a dead process had claimed, given back; maybe_sent: its request had left",
            ["on_wire"],
            registry=r,
        )
        self.webhook_ack_seconds = Histogram(
            "manamitra_webhook_ack_seconds", "Webhook POST handling time", buckets=_FAST, registry=r
        )
        self.webhook_to_reply_seconds = Histogram(
            "manamitra_webhook_to_reply_seconds",
            "From storing an inbound message to Graph accepting its reply",
            buckets=_SLOW,
            registry=r,
        )
        self.send_seconds = Histogram(
            "manamitra_graph_send_seconds", "Graph API call time", buckets=_SLOW, registry=r
        )
        self._depths = _QueueDepths()
        r.register(self._depths)

    def add_queue_depth(self, name: str, source: Callable[[], float | None]) -> None:
        """Report `source()` as manamitra_queue_depth{queue=name} on every scrape."""
        self._depths.sources[name] = source

    def add_tallies(
        self, name: str, documentation: str, label: str, source: Callable[[], Mapping[str, int]]
    ) -> None:
        """Export counts a component keeps itself, `source()` read on every scrape, as the
        counter `name` (Prometheus adds `_total`) labelled by `label`."""
        self.registry.register(_Tallies(name, documentation, label, source))

    def render(self) -> bytes:
        return generate_latest(self.registry)


def metrics_scrape_allowed(
    token: str | None, authorization: str | None, client: str | None
) -> bool:
    """With a token, only `Bearer <token>` (compared in constant time); without one, only a
    scraper on this machine's loopback addresses."""
    if token:
        scheme, _, given = (authorization or "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(given.strip(), token)
    if client is None:
        return False
    try:
        return ipaddress.ip_address(client).is_loopback
    except ValueError:
        return False


def metrics_router(metrics: Metrics, token: str | None = None) -> APIRouter:
    router = APIRouter()

    @router.get("/metrics", include_in_schema=False)
    async def scrape(request: Request) -> Response:
        client = request.client.host if request.client else None
        if not metrics_scrape_allowed(token, request.headers.get("authorization"), client):
            return Response(
                "metrics need a bearer token (MM_METRICS_TOKEN) or a scrape from this machine\n",
                status_code=401 if token else 403,
                media_type="text/plain",
                headers={"WWW-Authenticate": "Bearer"} if token else None,
            )
        # Queue depth sources may query the database: keep that off the event loop.
        body = await asyncio.to_thread(metrics.render)
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    return router


# Indian mobile numbers with or without the 91 prefix, and other long digit runs (wa_ids).
_PHONE = re.compile(r"(?<![\w.])\+?\d[\d ]{6,}(\d{4})(?!\d)")
SENSITIVE_FIELDS = frozenset(
    {
        "text",
        "body",
        "caption",
        "profile_name",
        "name",
        "address",
        "choice_title",
        "payload",
        "response_json",
    }
)
_STANDARD = frozenset(vars(logging.makeLogRecord({})).keys()) | {"message", "asctime"}
_PLAIN = logging.Formatter()


def mask_phone(value: str) -> str:
    """ "919876543210" → "********3210"; text around numbers is kept."""
    return _PHONE.sub(lambda m: "*" * (len(m.group(0)) - 4) + m.group(1), value)


def mask_numbers(value: str) -> str:
    """Aadhaar numbers in any written form ("5612-8037-0957" too), then phone numbers."""
    return mask_phone(mask_aadhaar_in(value))


def _redact(key: str, value: Any) -> Any:
    if key in SENSITIVE_FIELDS and value is not None:
        return "[redacted]"
    if isinstance(value, str):
        return mask_numbers(value)
    return value


class RedactFilter(logging.Filter):
    """Mask phone numbers in the message and extras; drop fields that hold citizens' words."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            try:
                record.msg = record.getMessage()
            except (TypeError, ValueError):
                record.msg = str(record.msg)
            record.args = None
        if isinstance(record.msg, str):
            record.msg = mask_numbers(record.msg)
        if record.exc_info and not record.exc_text:
            # an exception's text can quote what a citizen wrote
            record.exc_text = mask_numbers(_PLAIN.formatException(record.exc_info))
        for key, value in list(vars(record).items()):
            if key not in _STANDARD:
                setattr(record, key, _redact(key, value))
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, extras, exception."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD:
                data[key] = value
        if record.exc_info:
            data["exception"] = mask_numbers(
                record.exc_text or self.formatException(record.exc_info)
            )
        return orjson.dumps(data, default=str).decode()


def configure_logging(
    level: str = "INFO", *, stream: Any = None, json: bool = True
) -> logging.Handler:
    """Install one handler on the root logger with redaction; returns the handler."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(RedactFilter())
    handler.setFormatter(
        JsonFormatter()
        if json
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_manamitra", False)]:
        root.removeHandler(old)
    handler._manamitra = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level.upper())
    return handler
