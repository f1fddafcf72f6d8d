"""The QR payload: CWT claims in a COSE_Sign1, zlib-compressed, base45-encoded, prefixed `MM1:`.

    QR text  = "MM1:" + base45(zlib(COSE_Sign1))          (QR alphanumeric mode end to end)
    CWT      = {1 iss: issuing office, 4 exp, 6 iat, 7 cti: number, -70001: document claims}
    document = {1 type, 2 holder (English), 3 holder (Telugu), 4 facts, 6 verify URL}

Integer keys keep the payload small enough for a QR of version ≤ 12 at error level M. For the
same reason the Telugu name may travel as a byte string in a one-byte Telugu code (0x80 + the
offset of a character in the Telugu block U+0C00–U+0C7F; ASCII as itself): a third of UTF-8's
size, and decoded back to the same Unicode text.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import base45
import cbor2
import numpy as np

from manamitra.errors import PayloadError
from manamitra.trust import cose

PREFIX = "MM1:"
CLAIM_ISS, CLAIM_EXP, CLAIM_IAT, CLAIM_CTI = 1, 4, 6, 7
CLAIM_DOCUMENT = -70001
_DOC_TYPE, _HOLDER_EN, _HOLDER_TE, _FACTS, _URL = 1, 2, 3, 4, 6
MAX_QR_TEXT = 2000


@dataclass(frozen=True)
class Claims:
    """What a verifier needs to match a paper to a person and a decision; never an Aadhaar."""

    doc_type: str
    number: str
    holder_en: str
    holder_te: str
    office: str
    issued_at: datetime
    expires_at: datetime | None = None
    facts: dict[str, str | int] = field(default_factory=dict)
    verify_url: str = ""

    def to_cwt(self) -> dict[int, Any]:
        document: dict[int, Any] = {
            _DOC_TYPE: self.doc_type,
            _HOLDER_EN: self.holder_en,
            _HOLDER_TE: self.holder_te,
        }
        if self.facts:
            document[_FACTS] = dict(self.facts)
        if self.verify_url:
            document[_URL] = self.verify_url
        cwt: dict[int, Any] = {
            CLAIM_ISS: self.office,
            CLAIM_IAT: int(self.issued_at.timestamp()),
            CLAIM_CTI: self.number.encode("utf-8"),
            CLAIM_DOCUMENT: document,
        }
        if self.expires_at is not None:
            cwt[CLAIM_EXP] = int(self.expires_at.timestamp())
        return cwt

    @classmethod
    def from_cwt(cls, cwt: Any) -> Claims:
        try:
            doc = cwt[CLAIM_DOCUMENT]
            exp = cwt.get(CLAIM_EXP)
            facts = doc.get(_FACTS, {})
            if not isinstance(facts, dict):
                raise TypeError("facts")
            return cls(
                doc_type=_text(doc[_DOC_TYPE]),
                number=bytes(cwt[CLAIM_CTI]).decode("utf-8"),
                holder_en=_text(doc[_HOLDER_EN]),
                holder_te=unpack_telugu(_bytes_or_text(doc[_HOLDER_TE])),
                office=_text(cwt[CLAIM_ISS]),
                issued_at=datetime.fromtimestamp(int(cwt[CLAIM_IAT]), UTC),
                expires_at=datetime.fromtimestamp(int(exp), UTC) if exp is not None else None,
                facts={str(k): v if isinstance(v, int) else str(v) for k, v in facts.items()},
                verify_url=_text(doc.get(_URL, "")),
            )
        except (
            KeyError,
            TypeError,
            ValueError,
            AttributeError,
            UnicodeDecodeError,
            OverflowError,
        ) as exc:
            raise PayloadError("the signed claims are not a Mana Mitra document") from exc

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "type": self.doc_type,
            "number": self.number,
            "holder_name_en": self.holder_en,
            "holder_name_te": self.holder_te,
            "office": self.office,
            "facts": dict(self.facts),
            "issued_at": self.issued_at.isoformat(),
            "valid_until": self.expires_at.isoformat() if self.expires_at else None,
        }
        if self.verify_url:
            data["verify_url"] = self.verify_url
        return data


TELUGU_BLOCK = 0x0C00


def pack_telugu(text: str) -> bytes | str:
    """The one-byte Telugu code for `text`, or `text` itself if anything falls outside."""
    out = bytearray()
    for char in text:
        code = ord(char)
        if code < 0x80:
            out.append(code)
        elif TELUGU_BLOCK <= code < TELUGU_BLOCK + 0x80:
            out.append(0x80 + code - TELUGU_BLOCK)
        else:
            return text
    return bytes(out)


def unpack_telugu(value: bytes | str) -> str:
    if isinstance(value, str):
        return value
    return "".join(chr(b) if b < 0x80 else chr(TELUGU_BLOCK + b - 0x80) for b in value)


def _bytes_or_text(value: Any) -> bytes | str:
    if not isinstance(value, (bytes, str)):
        raise TypeError("expected text or bytes")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("expected text")
    return value


@dataclass(frozen=True)
class Sealed:
    """A decoded (not yet trusted) QR: the COSE envelope and the claims it carries."""

    message: cose.Sign1
    cose_bytes: bytes
    claims: Claims


def seal(claims: Claims, signer: cose.Signer) -> str:
    return seal_envelope(claims, signer)[0]


def seal_envelope(claims: Claims, signer: cose.Signer) -> tuple[str, bytes]:
    """The QR text and the COSE_Sign1 bytes inside it (the log records a hash of those)."""
    envelope = cose.sign1(cbor2.dumps(claims.to_cwt()), signer)
    return PREFIX + base45.b45encode(zlib.compress(envelope, 9)).decode("ascii"), envelope


def extract(text: str) -> str | None:
    """The `MM1:` text inside whatever was scanned or pasted (a URL fragment, spaces around)."""
    text = text.strip()
    at = text.find(PREFIX)
    return text[at:] if at >= 0 else None


_ALPHABET = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
# each alphabet byte to its value (0–44) in one `bytes.translate`; other bytes never reach it
_VALUES = bytes(range(256)).translate(bytes.maketrans(_ALPHABET, bytes(range(45))))
_WEIGHTS = np.array([1, 45, 2025], dtype=np.uint32)


def b45decode(text: str) -> bytes:
    """RFC 9285 base45, vectorised: verification decodes every QR, and the pure-Python
    decoder was half its cost. Characters are checked and mapped by `bytes.translate`, and
    each triple is one row of a (n, 3) · (1, 45, 2025) product."""
    try:
        raw = text.encode("ascii")
    except UnicodeEncodeError as exc:
        raise ValueError("base45 is ASCII") from exc
    if raw.translate(None, _ALPHABET) or len(raw) % 3 == 1:
        raise ValueError("not base45")
    values = raw.translate(_VALUES)
    full = len(values) - len(values) % 3
    numbers = np.frombuffer(values, dtype=np.uint8, count=full).reshape(-1, 3) @ _WEIGHTS
    if full and numbers.max() > 0xFFFF:
        raise ValueError("base45 triple out of range")
    out = numbers.astype(">u2").tobytes()
    if full < len(values):
        last = values[full] + 45 * values[full + 1]
        if last > 0xFF:
            raise ValueError("base45 pair out of range")
        out += bytes((last,))
    return out


def unseal(text: str) -> Sealed:
    """Decode without trusting: raises PayloadError for anything that is not our envelope."""
    body = extract(text)
    if body is None:
        raise PayloadError(f"QR text does not start with {PREFIX}")
    if len(body) > MAX_QR_TEXT:
        raise PayloadError("QR text is too long")
    try:
        compressed = b45decode(body[len(PREFIX) :])
    except (ValueError, KeyError) as exc:
        raise PayloadError("QR text is not base45") from exc
    try:
        inflater = zlib.decompressobj()
        envelope = inflater.decompress(compressed, 16 * 1024)
        if inflater.unconsumed_tail:
            raise PayloadError("QR payload inflates too far")
    except zlib.error as exc:
        raise PayloadError("QR payload is not zlib") from exc
    message = cose.parse_sign1(envelope)
    try:
        cwt = cbor2.loads(message.payload)
    except (cbor2.CBORDecodeError, ValueError, TypeError) as exc:
        raise PayloadError("the signed payload is not CBOR") from exc
    if not isinstance(cwt, dict):
        raise PayloadError("the signed payload is not a CWT claims map")
    return Sealed(message=message, cose_bytes=envelope, claims=Claims.from_cwt(cwt))
