"""The `X-Hub-Signature-256` check: HMAC-SHA256 of the raw body under the app secret.

Meta signs the exact bytes it sends, so the check runs over the raw body before any parsing,
and compares in constant time so the comparison itself leaks nothing about the expected value.
"""

from __future__ import annotations

import hashlib
import hmac

from manamitra.errors import ErrorCode, SignatureError

HEADER = "X-Hub-Signature-256"
_PREFIX = "sha256="


def sign(secret: str | bytes, body: bytes) -> str:
    """The header value Meta would send for `body`: `sha256=<hex digest>`."""
    key = secret.encode() if isinstance(secret, str) else secret
    return _PREFIX + hmac.new(key, body, hashlib.sha256).hexdigest()


def verify(secret: str | bytes, body: bytes, header: str | None) -> None:
    """Raise SignatureError (code SIGNATURE_MISSING or SIGNATURE_INVALID) unless `header` fits."""
    if not header:
        raise SignatureError("signature header missing", code=ErrorCode.SIGNATURE_MISSING)
    if not header.startswith(_PREFIX):
        raise SignatureError("signature header malformed")
    expected = sign(secret, body)
    if not hmac.compare_digest(expected.encode(), header.strip().lower().encode()):
        raise SignatureError("signature does not match")
