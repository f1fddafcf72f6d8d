"""COSE_Sign1 (RFC 9052 §4) with EdDSA, encoded and checked with cbor2; nothing else of COSE.

COSE_Sign1 = #6.18([protected: bstr .cbor {1: -8, 4: kid}, unprotected: {}, payload, sig])
Sig_structure = ["Signature1", protected, external_aad = h'', payload]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import cbor2

from manamitra.errors import PayloadError

COSE_SIGN1_TAG = 18
HEADER_ALG = 1
HEADER_KID = 4
ALG_EDDSA = -8


class Signer(Protocol):
    """Signs with a private key that may live in a file, an env variable, an HSM or a KMS."""

    @property
    def kid(self) -> str: ...

    @property
    def alg(self) -> int: ...

    def sign(self, data: bytes) -> bytes: ...


@dataclass(frozen=True)
class Sign1:
    protected_bytes: bytes
    protected: dict[int, Any]
    unprotected: dict[int, Any]
    payload: bytes
    signature: bytes

    @property
    def kid(self) -> str | None:
        raw = self.protected.get(HEADER_KID, self.unprotected.get(HEADER_KID))
        if isinstance(raw, bytes):
            try:
                return raw.decode("utf-8")
            except UnicodeDecodeError:
                return None
        return None

    @property
    def alg(self) -> int | None:
        alg = self.protected.get(HEADER_ALG)
        return alg if isinstance(alg, int) else None

    def to_be_signed(self) -> bytes:
        return sig_structure(self.protected_bytes, self.payload)


def sig_structure(protected_bytes: bytes, payload: bytes) -> bytes:
    return cbor2.dumps(["Signature1", protected_bytes, b"", payload])


def sign1(payload: bytes, signer: Signer) -> bytes:
    """A tagged COSE_Sign1 with `alg` and `kid` in the protected (signed) header."""
    protected = cbor2.dumps({HEADER_ALG: signer.alg, HEADER_KID: signer.kid.encode("utf-8")})
    signature = signer.sign(sig_structure(protected, payload))
    return cbor2.dumps(cbor2.CBORTag(COSE_SIGN1_TAG, [protected, {}, payload, signature]))


def parse_sign1(data: bytes) -> Sign1:
    """Structure only; the signature is checked by whoever knows the key."""
    try:
        obj = cbor2.loads(data)
    except (cbor2.CBORDecodeError, ValueError, TypeError, OverflowError) as exc:
        raise PayloadError("not CBOR") from exc
    if isinstance(obj, cbor2.CBORTag):
        if obj.tag != COSE_SIGN1_TAG:
            raise PayloadError(f"CBOR tag {obj.tag} is not COSE_Sign1")
        obj = obj.value
    if not (isinstance(obj, (list, tuple)) and len(obj) == 4):
        raise PayloadError("COSE_Sign1 must be an array of four")
    protected_bytes, unprotected, payload, signature = obj
    if not (
        isinstance(protected_bytes, bytes)
        # a decoded map is a dict; `type is` spares the slow ABC check
        and (type(unprotected) is dict or isinstance(unprotected, Mapping))
        and isinstance(payload, bytes)
        and isinstance(signature, bytes)
    ):
        raise PayloadError("COSE_Sign1 members have the wrong types")
    try:
        protected = cbor2.loads(protected_bytes) if protected_bytes else {}
    except (cbor2.CBORDecodeError, ValueError, TypeError) as exc:
        raise PayloadError("protected header is not CBOR") from exc
    if not (type(protected) is dict or isinstance(protected, Mapping)):
        raise PayloadError("protected header is not a map")
    return Sign1(protected_bytes, dict(protected), dict(unprotected), payload, signature)
