"""Checkpoints in the C2SP tlog-checkpoint format, signed as C2SP signed notes (Ed25519).

    manamitra.example.gov.in/log          origin
    1234                                  tree size
    3q0Kx…=                               base64 root hash
                                          (blank line)
    — manamitra.example.gov.in/log AbCd…  key name, base64(key hash[4] ‖ signature[64])

The key hash is the first four bytes of SHA-256(name ‖ "\\n" ‖ 0x01 ‖ public key); witnesses
name the key with the vkey string `name+hex(key hash)+base64(0x01 ‖ public key)`.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from manamitra.errors import PayloadError
from manamitra.trust.cose import Signer
from manamitra.trust.keys import KeyInfo

ED25519_TYPE = b"\x01"
DASH = "\u2014"


def key_hash(name: str, public: bytes) -> bytes:
    return hashlib.sha256(name.encode("utf-8") + b"\n" + ED25519_TYPE + public).digest()[:4]


def vkey(name: str, public: bytes) -> str:
    encoded = base64.b64encode(ED25519_TYPE + public).decode("ascii")
    return f"{name}+{key_hash(name, public).hex()}+{encoded}"


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes

    def body(self) -> str:
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode('ascii')}\n"


def sign(checkpoint: Checkpoint, signer: Signer, public: bytes, name: str | None = None) -> str:
    """The signed note text; the key name defaults to the origin, as logs usually do."""
    name = name or checkpoint.origin
    body = checkpoint.body()
    signature = signer.sign(body.encode("utf-8"))
    blob = base64.b64encode(key_hash(name, public) + signature).decode("ascii")
    return f"{body}\n{DASH} {name} {blob}\n"


def parse(note: str) -> tuple[Checkpoint, list[tuple[str, bytes, bytes]]]:
    """The checkpoint and its (key name, key hash, signature) lines; no signature checked."""
    body, sep, sigs = note.partition("\n\n")
    if not sep:
        raise PayloadError("a signed note needs a blank line before its signatures")
    lines = body.split("\n")
    if len(lines) < 3:
        raise PayloadError("a checkpoint needs origin, size and root hash lines")
    origin, size_text, root_text = lines[0], lines[1], lines[2]
    if not origin or not size_text.isdigit() or (size_text != "0" and size_text[0] == "0"):
        raise PayloadError("malformed checkpoint origin or size")
    try:
        root = base64.b64decode(root_text, validate=True)
    except ValueError as exc:
        raise PayloadError("checkpoint root is not base64") from exc
    if len(root) != 32:
        raise PayloadError("checkpoint root is not a SHA-256 hash")
    signatures = []
    for line in sigs.split("\n"):
        if not line:
            continue
        parts = line.split(" ")
        if len(parts) != 3 or parts[0] != DASH:
            raise PayloadError(f"malformed signature line {line!r}")
        try:
            blob = base64.b64decode(parts[2], validate=True)
        except ValueError as exc:
            raise PayloadError("signature is not base64") from exc
        if len(blob) < 5:
            raise PayloadError("signature too short")
        signatures.append((parts[1], blob[:4], blob[4:]))
    return Checkpoint(origin, int(size_text), root), signatures


def verify(note: str, keys: Iterable[KeyInfo], origin: str | None = None) -> Checkpoint:
    """The checkpoint, if one of `keys` (named by the checkpoint's origin) signed it."""
    checkpoint, signatures = parse(note)
    if origin is not None and checkpoint.origin != origin:
        raise PayloadError(f"checkpoint is for {checkpoint.origin}, not {origin}")
    body = note.partition("\n\n")[0] + "\n"
    for name, hint, signature in signatures:
        for key in keys:
            if key_hash(name, key.public) == hint and key.verify(signature, body.encode("utf-8")):
                return checkpoint
    raise PayloadError("no trusted key signed this checkpoint")
