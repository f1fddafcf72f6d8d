"""Issuer and log keys: Ed25519 signers, the public key ring, JWK Sets, and the file key store.

Private keys never enter the database. `FileKeyStore` keeps each one as a PEM file (mode 0600)
under the keys directory, or takes it from the environment (`MM_KEY_<KID>`, PEM text), and
keeps the public ring (who owns which key, active or retired) in `keyring.json` beside them.
An HSM or KMS adapter implements the same `KeySource` role: `signer(kid)` returns an object
that signs, and the private key never leaves the device.

Rotation adds a new active key for an owner and marks the old one retired: it stays in the
published JWK Set, so documents it signed before it retired still verify.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, Protocol

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from nacl.bindings import crypto_sign_open
from nacl.exceptions import BadSignatureError

from manamitra import clock
from manamitra.errors import NotFoundError, PayloadError
from manamitra.trust.cose import ALG_EDDSA, Signer

Role = Literal["issuer", "log"]
LOG_OWNER = "log"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class Ed25519Signer:
    """A signer whose private key is in this process (file or environment)."""

    kid: str
    private_key: Ed25519PrivateKey
    alg: int = ALG_EDDSA

    def sign(self, data: bytes) -> bytes:
        return self.private_key.sign(data)

    @property
    def public_raw(self) -> bytes:
        return self.private_key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )


@dataclass(frozen=True)
class KeyInfo:
    """One public key and its life: whose it is, what it signs, when it was retired."""

    kid: str
    owner: str
    role: Role
    public: bytes
    created_at: datetime
    retired_at: datetime | None = None

    @property
    def status(self) -> str:
        return "retired" if self.retired_at else "active"

    def verify(self, signature: bytes, data: bytes) -> bool:
        """Whether `signature` is this key's Ed25519 signature of `data`. Checked by libsodium
        (PyNaCl): half the time OpenSSL takes here (~58 against ~108 µs, most of an offline
        verification), and stricter (it also refuses small-order keys and non-canonical
        points, which no signer of ours produces)."""
        if len(signature) != 64 or len(self.public) != 32:
            return False
        try:
            crypto_sign_open(signature + data, self.public)
        except (BadSignatureError, ValueError, TypeError):
            return False
        return True

    def to_jwk(self) -> dict[str, Any]:
        jwk: dict[str, Any] = {
            "kty": "OKP",
            "crv": "Ed25519",
            "x": b64url(self.public),
            "kid": self.kid,
            "alg": "EdDSA",
            "use": "sig",
            "mm_owner": self.owner,
            "mm_role": self.role,
            "mm_status": self.status,
            "mm_created_at": self.created_at.isoformat(),
        }
        if self.retired_at:
            jwk["mm_retired_at"] = self.retired_at.isoformat()
        return jwk

    @classmethod
    def from_jwk(cls, jwk: dict[str, Any]) -> KeyInfo:
        if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
            raise PayloadError(f"key {jwk.get('kid')!r} is not an Ed25519 OKP key")
        retired = jwk.get("mm_retired_at")
        return cls(
            kid=str(jwk["kid"]),
            owner=str(jwk.get("mm_owner", "")),
            role="log" if jwk.get("mm_role") == "log" else "issuer",
            public=b64url_decode(str(jwk["x"])),
            created_at=clock.as_utc(datetime.fromisoformat(jwk["mm_created_at"])),
            retired_at=clock.as_utc(datetime.fromisoformat(retired)) if retired else None,
        )


@dataclass
class KeyRing:
    """The public keys a verifier trusts, by kid: what `/.well-known/manamitra/keys.json` holds."""

    keys: dict[str, KeyInfo] = field(default_factory=dict)

    def get(self, kid: str | None) -> KeyInfo | None:
        return self.keys.get(kid) if kid else None

    def active(self, owner: str) -> KeyInfo | None:
        live = [k for k in self.keys.values() if k.owner == owner and k.retired_at is None]
        return max(live, key=lambda k: k.created_at) if live else None

    def log_keys(self) -> list[KeyInfo]:
        return [k for k in self.keys.values() if k.role == "log"]

    def to_jwks(self) -> dict[str, Any]:
        ordered = sorted(self.keys.values(), key=lambda k: (k.owner, k.created_at, k.kid))
        return {"keys": [k.to_jwk() for k in ordered]}

    @classmethod
    def from_jwks(cls, data: dict[str, Any]) -> KeyRing:
        if not isinstance(data.get("keys"), list):
            raise PayloadError("a JWK Set needs a 'keys' list")
        return cls({k.kid: k for k in (KeyInfo.from_jwk(j) for j in data["keys"])})

    @classmethod
    def load(cls, path: Path) -> KeyRing:
        return cls.from_jwks(json.loads(path.read_text("utf-8")))


class KeySource(Protocol):
    """Where signing keys live; the file store is one, an HSM or KMS adapter another."""

    def keyring(self) -> KeyRing: ...

    def signer(self, kid: str) -> Signer: ...

    def create(self, owner: str, role: Role, *, if_missing: bool = False) -> KeyInfo | None: ...

    def retire(self, kid: str) -> KeyInfo: ...


def _env_name(kid: str) -> str:
    return "MM_KEY_" + "".join(c if c.isalnum() else "_" for c in kid).upper()


class FileKeyStore:
    """Keys as files under one directory: `<kid>.pem` (0600) and the public `keyring.json`."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self._ring: KeyRing | None = None
        self._ring_mtime: int | None = None
        self._signers: dict[str, Ed25519Signer] = {}

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Serialise key changes across processes (several server workers start at once)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.directory / ".lock", "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                self._ring = None
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @property
    def _ring_path(self) -> Path:
        return self.directory / "keyring.json"

    def keyring(self) -> KeyRing:
        """The ring, re-read when another process (a rotation, another worker) changed it."""
        try:
            mtime: int | None = self._ring_path.stat().st_mtime_ns
        except FileNotFoundError:
            mtime = None
        if self._ring is None or mtime != self._ring_mtime:
            self._ring = KeyRing.load(self._ring_path) if mtime is not None else KeyRing()
            self._ring_mtime = mtime
        return self._ring

    def _save_ring(self, ring: KeyRing) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        tmp = self._ring_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(ring.to_jwks(), indent=2), "utf-8")
        tmp.replace(self._ring_path)
        self._ring = ring
        self._ring_mtime = self._ring_path.stat().st_mtime_ns

    def signer(self, kid: str) -> Ed25519Signer:
        cached = self._signers.get(kid)
        if cached is not None:
            return cached
        pem = os.environ.get(_env_name(kid))
        data = pem.encode("ascii") if pem else None
        if data is None:
            path = self.directory / f"{kid}.pem"
            if not path.exists():
                raise NotFoundError(
                    f"no private key for {kid} in {self.directory} or ${_env_name(kid)}"
                )
            data = path.read_bytes()
        key = serialization.load_pem_private_key(data, password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise PayloadError(f"key {kid} is not Ed25519")
        signer = Ed25519Signer(kid, key)
        self._signers[kid] = signer
        return signer

    def create(
        self, owner: str, role: Role = "issuer", *, if_missing: bool = False
    ) -> KeyInfo | None:
        """A new active key for `owner`; with `if_missing`, None when it already has one."""
        with self._locked():
            ring = self.keyring()
            if if_missing and ring.active(owner) is not None:
                return None
            return self._create(ring, owner, role)

    def _create(self, ring: KeyRing, owner: str, role: Role) -> KeyInfo:
        moment = clock.now()
        private = Ed25519PrivateKey.generate()
        public = Ed25519Signer("", private).public_raw
        # the public key's fingerprint in the kid keeps kids unique across deployments too
        kid = f"{owner}-{moment:%y%m}-{hashlib.sha256(public).hexdigest()[:6]}"
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"{kid}.pem"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(
                private.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            )
        info = KeyInfo(kid=kid, owner=owner, role=role, created_at=moment, public=public)
        self._save_ring(KeyRing({**ring.keys, kid: info}))
        return info

    def retire(self, kid: str) -> KeyInfo:
        with self._locked():
            ring = self.keyring()
            info = ring.get(kid)
            if info is None:
                raise NotFoundError(f"no key {kid}")
            if info.retired_at is None:
                info = replace(info, retired_at=clock.now())
                self._save_ring(KeyRing({**ring.keys, kid: info}))
            return info


def describe(info: KeyInfo) -> dict[str, Any]:
    data = asdict(info)
    data["public"] = b64url(info.public)
    return data
