"""The signed revocation status list that offline verifiers download and trust.

    {"format": "manamitra-status/1", "kid": "log-202611-1",
     "payload": base64url(canonical JSON), "signature": base64url(Ed25519 over the payload)}

    payload = {"issued_at": "…Z", "revoked": {sha256("mm-number\\0" ‖ number): {"reason", "at"}}}

Numbers are listed by hash, so the list reveals nothing a verifier does not already hold.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from manamitra import clock
from manamitra.errors import PayloadError
from manamitra.trust.cose import Signer
from manamitra.trust.entry import number_hash
from manamitra.trust.keys import KeyRing, b64url, b64url_decode
from manamitra.trust.verify import Revocation

FORMAT = "manamitra-status/1"

REASONS: dict[str, tuple[str, str]] = {
    "issued_in_error": ("Issued in error", "పొరపాటున జారీ చేయబడింది"),
    "false_information": ("Based on false information", "తప్పుడు సమాచారం ఆధారంగా జారీ అయింది"),
    "superseded": ("Replaced by a newer certificate", "కొత్త ధ్రువపత్రంతో మార్చబడింది"),
    "court_order": ("Cancelled by court order", "కోర్టు ఉత్తర్వు ద్వారా రద్దు చేయబడింది"),
    "holder_request": ("Cancelled at the holder's request", "దరఖాస్తుదారుని విజ్ఞప్తి మేరకు రద్దు చేయబడింది"),
}


def reason_label(code: str, language: str = "en") -> str:
    labels = REASONS.get(code)
    if labels is None:
        return code
    return labels[1] if language == "te" else labels[0]


@dataclass
class StatusList:
    issued_at: datetime
    revoked: dict[str, tuple[str, datetime]] = field(default_factory=dict)

    def revocation(self, number: str) -> Revocation | None:
        found = self.revoked.get(number_hash(number))
        if found is None:
            return None
        return Revocation(
            number=number,
            reason=reason_label(found[0]),
            revoked_at=found[1],
            reason_te=reason_label(found[0], "te"),
        )

    def payload(self) -> bytes:
        body: dict[str, Any] = {
            "issued_at": self.issued_at.isoformat(),
            "revoked": {
                h: {"reason": r, "at": at.isoformat()}
                for h, (r, at) in sorted(self.revoked.items())
            },
        }
        return json.dumps(body, sort_keys=True, separators=(",", ":")).encode("utf-8")


def sign(status: StatusList, signer: Signer) -> str:
    payload = status.payload()
    return json.dumps(
        {
            "format": FORMAT,
            "kid": signer.kid,
            "payload": b64url(payload),
            "signature": b64url(signer.sign(payload)),
        },
        indent=1,
    )


def load(text: str, keyring: KeyRing) -> StatusList:
    """A status list whose signature a log key in `keyring` made; PayloadError otherwise."""
    try:
        outer = json.loads(text)
        if outer.get("format") != FORMAT:
            raise PayloadError(f"not a {FORMAT} document")
        payload = b64url_decode(outer["payload"])
        signature = b64url_decode(outer["signature"])
        kid = str(outer["kid"])
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise PayloadError("status list is not readable") from exc
    key = keyring.get(kid)
    if key is None or key.role != "log":
        raise PayloadError(f"status list signed by unknown key {kid!r}")
    if not key.verify(signature, payload):
        raise PayloadError("status list signature does not match")
    try:
        body = json.loads(payload)
        revoked = {
            str(h): (str(v["reason"]), clock.as_utc(datetime.fromisoformat(v["at"])))
            for h, v in body["revoked"].items()
        }
        return StatusList(clock.as_utc(datetime.fromisoformat(body["issued_at"])), revoked)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise PayloadError("status list payload is malformed") from exc
