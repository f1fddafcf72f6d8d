"""What the public log records: canonical bytes of public facts and hashes, never personal data.

An entry is compact JSON with sorted keys, so the same facts always give the same bytes:

    {"kind":"issue","v":1,"type":"income","kid":"revenue-202611-1","at":"2026-11-28T…Z",
     "number_sha256":"…","holder_commitment":"…","pdf_sha256":"…","cose_sha256":"…"}

The holder commitment is SHA-256 over the document's own signature and the names: anyone
holding the certificate can recompute and find it, but nobody can test guessed names against
the log. Revocations and key changes are entries too.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from manamitra import clock

VERSION = 1


def canonical(fields: dict[str, Any]) -> bytes:
    return json.dumps(
        {"v": VERSION, **fields}, sort_keys=True, separators=(",", ":"), ensure_ascii=True
    ).encode("ascii")


def decode(data: bytes) -> dict[str, Any]:
    value = json.loads(data)
    if not isinstance(value, dict):
        raise ValueError("log entry is not an object")
    return value


def _at(moment: datetime) -> str:
    return clock.as_utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def number_hash(number: str) -> str:
    return sha256_hex(b"mm-number\x00" + number.encode("utf-8"))


def holder_commitment(signature: bytes, holder_en: str, holder_te: str) -> str:
    return sha256_hex(
        b"mm-holder\x00"
        + signature
        + holder_en.encode("utf-8")
        + b"\x00"
        + holder_te.encode("utf-8")
    )


def issuance(
    *,
    doc_type: str,
    number: str,
    kid: str,
    issued_at: datetime,
    signature: bytes,
    holder_en: str,
    holder_te: str,
    pdf_sha256: str,
    cose_bytes: bytes,
) -> bytes:
    return canonical(
        {
            "kind": "issue",
            "type": doc_type,
            "kid": kid,
            "at": _at(issued_at),
            "number_sha256": number_hash(number),
            "holder_commitment": holder_commitment(signature, holder_en, holder_te),
            "pdf_sha256": pdf_sha256,
            "cose_sha256": sha256_hex(cose_bytes),
        }
    )


def revocation(*, number: str, reason_code: str, at: datetime) -> bytes:
    return canonical(
        {
            "kind": "revoke",
            "number_sha256": number_hash(number),
            "reason": reason_code,
            "at": _at(at),
        }
    )


def key_event(*, event: str, kid: str, owner: str, role: str, public: bytes, at: datetime) -> bytes:
    return canonical(
        {
            "kind": "key",
            "event": event,
            "kid": kid,
            "owner": owner,
            "role": role,
            "public_sha256": sha256_hex(public),
            "public": public.hex(),
            "at": _at(at),
        }
    )
