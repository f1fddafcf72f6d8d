"""The one verification: QR text in, a verdict with reasons out; the web, the API, WhatsApp
and the offline command all call `verify` and so always agree.

Order of checks, first failure wins: readable envelope (else forged) → known kid (else
unknown_issuer) → EdDSA signature over the Sig_structure (else forged) → key was an issuer
key and not retired before the issue date (else forged) → not revoked → not expired → genuine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from manamitra import clock
from manamitra.errors import PayloadError
from manamitra.trust import cose
from manamitra.trust.keys import KeyRing
from manamitra.trust.payload import unseal


class Verdict(StrEnum):
    GENUINE = "genuine"
    REVOKED = "revoked"
    EXPIRED = "expired"
    FORGED = "forged"
    UNKNOWN_ISSUER = "unknown_issuer"


@dataclass(frozen=True)
class Revocation:
    number: str
    reason: str
    revoked_at: datetime


class RevocationLookup(Protocol):
    """Online: the register in the database. Offline: a signed status list saved earlier."""

    def revocation(self, number: str) -> Revocation | None: ...


class NoRevocations:
    def revocation(self, number: str) -> Revocation | None:
        return None


@dataclass
class Result:
    verdict: Verdict
    claims: dict[str, Any] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)

    @property
    def genuine(self) -> bool:
        return self.verdict is Verdict.GENUINE

    def to_json(self) -> dict[str, Any]:
        return {"verdict": self.verdict.value, "claims": self.claims, "reasons": self.reasons}


def verify(
    text: str,
    keyring: KeyRing,
    revocations: RevocationLookup | None = None,
    *,
    at: datetime | None = None,
) -> Result:
    """Judge a QR text against trusted public keys and a revocation source."""
    moment = at or clock.now()
    try:
        sealed = unseal(text)
    except PayloadError as exc:
        return Result(Verdict.FORGED, reasons=[f"unreadable: {exc}"])
    claims, message = sealed.claims, sealed.message
    kid = message.kid
    shown = claims.to_json()
    shown["kid"] = kid
    key = keyring.get(kid)
    if key is None:
        return Result(
            Verdict.UNKNOWN_ISSUER,
            shown,
            [f"key {kid!r} is not in the trusted key set"],
        )
    alg = message.alg
    if alg != cose.ALG_EDDSA:
        return Result(Verdict.FORGED, shown, [f"algorithm {alg} is not EdDSA"])
    if not key.verify(message.signature, message.to_be_signed()):
        return Result(Verdict.FORGED, shown, ["signature does not match the contents"])
    if key.role != "issuer":
        return Result(Verdict.FORGED, shown, [f"key {key.kid} may not sign documents"])
    if key.retired_at is not None and claims.issued_at > key.retired_at:
        return Result(
            Verdict.FORGED,
            shown,
            [
                f"key {key.kid} was retired on {key.retired_at.date()}, "
                "before this document's issue date"
            ],
        )
    reasons = [f"signed by {key.owner} key {key.kid}"]
    revoked = (revocations or NoRevocations()).revocation(claims.number)
    if revoked is not None:
        return Result(
            Verdict.REVOKED,
            shown,
            [
                *reasons,
                f"revoked on {clock.format_ist(revoked.revoked_at, '%d-%m-%Y')}: {revoked.reason}",
            ],
        )
    if claims.expires_at is not None and moment > claims.expires_at:
        return Result(
            Verdict.EXPIRED,
            shown,
            [*reasons, f"valid until {clock.format_ist(claims.expires_at, '%d-%m-%Y')}"],
        )
    return Result(Verdict.GENUINE, shown, [*reasons, "not revoked", "within its validity"])
