"""Personal data at rest: AES-GCM encryption of sensitive answers, and Aadhaar rules.

An Aadhaar number is 12 digits, never starting with 0 or 1, with a Verhoeff check digit. It is
stored only encrypted, as ``{"enc": "<base64 nonce+ciphertext>", "last4": "1234"}``, shown only
masked ("XXXX XXXX 1234") and never logged. The key is `settings.data_key` (base64, 32 bytes)
or, failing that, a key file generated once under `settings.data_dir` with mode 0600.
"""

from __future__ import annotations

import base64
import os
import re
import threading
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from manamitra.settings import Settings, load_settings

KEY_FILE = "personal-data.key"
NONCE_BYTES = 12
# Associated data binds a ciphertext to its purpose, so one cannot be swapped for another.
DEFAULT_PURPOSE = b"manamitra.personal"

# Verhoeff tables: multiplication in the dihedral group D5, the position permutation, inverses.
_D = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 2, 3, 4, 0, 6, 7, 8, 9, 5),
    (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
    (3, 4, 0, 1, 2, 8, 9, 5, 6, 7),
    (4, 0, 1, 2, 3, 9, 5, 6, 7, 8),
    (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2),
    (7, 6, 5, 9, 8, 2, 1, 0, 4, 3),
    (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
    (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)
_P = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 5, 7, 6, 2, 8, 3, 0, 9, 4),
    (5, 8, 0, 3, 7, 9, 6, 1, 4, 2),
    (8, 9, 1, 6, 0, 4, 3, 5, 2, 7),
    (9, 4, 5, 3, 1, 2, 6, 8, 7, 0),
    (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
    (2, 7, 9, 3, 8, 0, 6, 4, 1, 5),
    (7, 0, 4, 6, 9, 1, 3, 2, 5, 8),
)
_INV = (0, 4, 3, 2, 1, 5, 6, 7, 8, 9)


def verhoeff_valid(digits: str) -> bool:
    """True when the last digit of `digits` is the Verhoeff check digit of the rest."""
    check = 0
    for position, char in enumerate(reversed(digits)):
        check = _D[check][_P[position % 8][int(char)]]
    return check == 0


def verhoeff_digit(digits: str) -> str:
    """The check digit to append to `digits`."""
    check = 0
    for position, char in enumerate(reversed(digits)):
        check = _D[check][_P[(position + 1) % 8][int(char)]]
    return str(_INV[check])


def is_valid_aadhaar(text: str) -> bool:
    return bool(re.fullmatch(r"[2-9]\d{11}", text)) and verhoeff_valid(text)


def mask_aadhaar(value: str | dict[str, Any]) -> str:
    """ "XXXX XXXX 1234" from a number or from its stored form."""
    last4 = value.get("last4", "") if isinstance(value, dict) else str(value)[-4:]
    return f"XXXX XXXX {last4}"


class Cipher:
    """AES-256-GCM with a random nonce per value; text in, base64 text out."""

    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("the personal-data key must be 32 bytes")
        self._aead = AESGCM(key)

    @classmethod
    def from_settings(cls, settings: Settings) -> Cipher:
        if settings.data_key:
            return cls(base64.b64decode(settings.data_key))
        return cls(_key_file(Path(settings.data_dir)))

    def encrypt(self, plain: str, purpose: bytes = DEFAULT_PURPOSE) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, plain.encode("utf-8"), purpose)
        return base64.b64encode(nonce + sealed).decode("ascii")

    def decrypt(self, token: str, purpose: bytes = DEFAULT_PURPOSE) -> str:
        raw = base64.b64decode(token)
        return self._aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], purpose).decode("utf-8")

    def seal_aadhaar(self, number: str) -> dict[str, str]:
        """The only form in which an Aadhaar number is kept."""
        return {"enc": self.encrypt(number, b"manamitra.aadhaar"), "last4": number[-4:]}

    def open_aadhaar(self, sealed: dict[str, str]) -> str:
        return self.decrypt(sealed["enc"], b"manamitra.aadhaar")


_lock = threading.Lock()


def _key_file(data_dir: Path) -> bytes:
    path = data_dir / KEY_FILE
    with _lock:
        if not path.exists():
            data_dir.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(base64.b64encode(AESGCM.generate_key(bit_length=256)))
        return base64.b64decode(path.read_bytes())


_default: Cipher | None = None


def cipher_for(services: dict[str, Any] | None) -> Cipher:
    """The runtime's cipher (`services["privacy"]`), else one built from the environment."""
    global _default
    if services and isinstance(services.get("privacy"), Cipher):
        return services["privacy"]
    if _default is None:
        _default = Cipher.from_settings(load_settings())
    return _default
