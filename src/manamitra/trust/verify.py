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
from manamitra.formatting import date_numeric
from manamitra.trust import cose
from manamitra.trust.keys import KeyRing
from manamitra.trust.payload import unseal
from manamitra.trust.reasons import Finding


class Verdict(StrEnum):
    GENUINE = "genuine"
    REVOKED = "revoked"
    EXPIRED = "expired"
    FORGED = "forged"
    UNKNOWN_ISSUER = "unknown_issuer"


@dataclass(frozen=True)
class Revocation:
    number: str
    reason: str  # in English; `reason_te` in Telugu when the register knows it
    revoked_at: datetime
    reason_te: str | None = None


class RevocationLookup(Protocol):
    """Online: the register in the database. Offline: a signed status list saved earlier."""

    def revocation(self, number: str) -> Revocation | None: ...


class NoRevocations:
    def revocation(self, number: str) -> Revocation | None:
        return None


@dataclass
class Result:
    """`findings` say why in either language; `reasons` are their English lines (plus any
    the command line adds)."""

    verdict: Verdict
    claims: dict[str, Any] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @classmethod
    def of(cls, verdict: Verdict, claims: dict[str, Any], *findings: Finding) -> Result:
        return cls(verdict, claims, [f.text("en") for f in findings], list(findings))

    @property
    def genuine(self) -> bool:
        return self.verdict is Verdict.GENUINE

    def reasons_in(self, lang: str) -> list[str]:
        return [f.text(lang) for f in self.findings]

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
        return Result.of(Verdict.FORGED, {}, Finding("unreadable", {"detail": str(exc)}))
    claims, message = sealed.claims, sealed.message
    kid = message.kid
    shown = claims.to_json()
    shown["kid"] = kid
    key = keyring.get(kid)
    if key is None:
        return Result.of(Verdict.UNKNOWN_ISSUER, shown, Finding("unknown_key", {"kid": str(kid)}))
    alg = message.alg
    if alg != cose.ALG_EDDSA:
        return Result.of(Verdict.FORGED, shown, Finding("wrong_algorithm", {"alg": str(alg)}))
    if not key.verify(message.signature, message.to_be_signed()):
        return Result.of(Verdict.FORGED, shown, Finding("signature_mismatch"))
    if key.role != "issuer":
        return Result.of(Verdict.FORGED, shown, Finding("not_an_issuer_key", {"kid": key.kid}))
    if key.retired_at is not None and claims.issued_at > key.retired_at:
        retired = Finding("key_retired", {"kid": key.kid, "retired": str(key.retired_at.date())})
        return Result.of(Verdict.FORGED, shown, retired)
    signed = Finding("signed_by", {"owner": key.owner, "kid": key.kid})
    revoked = (revocations or NoRevocations()).revocation(claims.number)
    if revoked is not None:
        reason = {"en": revoked.reason, "te": revoked.reason_te or revoked.reason}
        day = date_numeric(revoked.revoked_at)
        return Result.of(
            Verdict.REVOKED, shown, signed, Finding("revoked", {"day": day, "reason": reason})
        )
    if claims.expires_at is not None and moment > claims.expires_at:
        until = Finding("valid_until", {"day": date_numeric(claims.expires_at)})
        return Result.of(Verdict.EXPIRED, shown, signed, until)
    return Result.of(
        Verdict.GENUINE, shown, signed, Finding("not_revoked"), Finding("within_validity")
    )
