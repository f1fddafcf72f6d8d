"""Gateway webhook signatures: HMAC-SHA256 over "<timestamp>.<body>" with the webhook secret.

Signing the timestamp with the body lets the receiver refuse a captured request replayed later
(older than `TOLERANCE`). The event id header is not signed, so it cannot be the only replay key:
`verify` also returns the signed delivery's digest, and the receiver ignores a delivery whose
event id *or* signed digest it has seen (a captured request resent inside the tolerance with a
new event id header is still the same signed bytes).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from manamitra import clock
from manamitra.errors import SignatureError

SIGNATURE_HEADER = "x-gateway-signature"
TIMESTAMP_HEADER = "x-gateway-timestamp"
EVENT_ID_HEADER = "x-gateway-event-id"
TOLERANCE = timedelta(minutes=5)


class SignatureMissingError(SignatureError):
    """No signature at all (the route answers 401)."""


class SignatureStaleError(SignatureError):
    """Correctly signed but too old or from the future: a replay (the route answers 403)."""


def sign(secret: str, body: bytes, timestamp: int) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_headers(
    secret: str, body: bytes, event_id: str, at: datetime | None = None
) -> dict[str, str]:
    timestamp = int((at or clock.now()).timestamp())
    return {
        SIGNATURE_HEADER: sign(secret, body, timestamp),
        TIMESTAMP_HEADER: str(timestamp),
        EVENT_ID_HEADER: event_id,
        "content-type": "application/json",
    }


@dataclass(frozen=True)
class VerifiedDelivery:
    event_id: str
    signed_digest: str  # SHA-256 of exactly what the signature covers: "<timestamp>.<body>"


def verify(secret: str, body: bytes, headers: Mapping[str, str]) -> VerifiedDelivery:
    """A correctly signed, fresh request's event id and signed digest; raises a SignatureError
    otherwise."""
    lowered = {k.lower(): v for k, v in headers.items()}
    signature = lowered.get(SIGNATURE_HEADER)
    stamp = lowered.get(TIMESTAMP_HEADER)
    event_id = lowered.get(EVENT_ID_HEADER)
    if not signature or not stamp or not event_id:
        raise SignatureMissingError("gateway signature, timestamp or event id missing")
    try:
        timestamp = int(stamp)
    except ValueError as exc:
        raise SignatureError("gateway timestamp is not a number") from exc
    if not hmac.compare_digest(sign(secret, body, timestamp), signature):
        raise SignatureError("gateway signature does not match")
    sent = datetime.fromtimestamp(timestamp, tz=clock.now().tzinfo)
    if abs(clock.now() - sent) > TOLERANCE:
        raise SignatureStaleError("gateway webhook timestamp outside tolerance")
    signed = hashlib.sha256(str(timestamp).encode() + b"." + body).hexdigest()
    return VerifiedDelivery(event_id=event_id, signed_digest=signed)
