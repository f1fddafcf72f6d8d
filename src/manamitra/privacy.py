"""Personal data at rest: AES-GCM encryption of sensitive answers, and Aadhaar rules.

An Aadhaar number is 12 digits, never starting with 0 or 1, with a Verhoeff check digit. It is
stored only encrypted, as ``{"enc": "<base64 nonce+ciphertext>", "last4": "1234"}``, shown only
masked ("XXXX XXXX 1234") and never logged. A step marked `sealed: true` (a caste) keeps its
free-text answer the same way, ``{"enc": …, "sealed": "text"}``, opened in memory only for the
citizen's review, the deciding officer and the certificate, shown "••••••" anywhere else. `mask_aadhaar_in` finds it in free text however it
is written (spaces, dashes, Telugu digits) after a one-regex pre-check cheap enough for the
webhook's path. The key is `settings.data_key` (base64, 32 bytes)
or, failing that, a key file generated once under `settings.data_dir` with mode 0600.
"""

from __future__ import annotations

import base64
import contextlib
import os
import re
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from manamitra.settings import Settings

KEY_FILE = "personal-data.key"
NONCE_BYTES = 12
# Associated data binds a ciphertext to its purpose, so one cannot be swapped for another.
DEFAULT_PURPOSE = b"manamitra.personal"
INBOUND_PURPOSE = b"manamitra.inbound"
SEALED_ANSWER_PURPOSE = b"manamitra.sealed-answer"
SEALED_MASK = "••••••"

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


# A first look that costs one regex scan: twelve digits, one space or dash allowed between
# any two of them. Only text that passes it is checked digit by digit.
_SEPARATOR = "[ \u00a0-]"
_CANDIDATE = re.compile(rf"\d(?:{_SEPARATOR}?\d){{11}}")
# Every start (overlapping: "2026 5612 8037 0957" holds an invalid candidate first) of twelve
# digits not inside a longer run of digits.
_START = re.compile(rf"(?<!\d)(?=(\d(?:{_SEPARATOR}?\d){{11}})(?!\d))")
_SEPARATORS = re.compile(_SEPARATOR)


def may_hold_aadhaar(text: str) -> bool:
    """False when `text` certainly holds no Aadhaar number (the cheap test)."""
    return _CANDIDATE.search(text) is not None


def aadhaar_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, digits) of each Aadhaar number in `text`, written with or without spaces
    or dashes, in any script's digits."""
    found: list[tuple[int, int, str]] = []
    taken = -1
    for match in _START.finditer(text):
        start = match.start()
        if start < taken:
            continue
        written = match.group(1)
        digits = _SEPARATORS.sub("", written)
        if int(digits[0]) >= 2 and verhoeff_valid(digits):
            taken = start + len(written)
            found.append((start, taken, digits))
    return found


def contains_aadhaar(text: str) -> bool:
    return may_hold_aadhaar(text) and bool(aadhaar_spans(text))


def mask_aadhaar_in(text: str) -> str:
    """`text` with every Aadhaar number in it replaced by "XXXX XXXX 1234"."""
    if not may_hold_aadhaar(text):
        return text
    spans = aadhaar_spans(text)
    if not spans:
        return text
    parts: list[str] = []
    cursor = 0
    for start, end, digits in spans:
        parts.append(text[cursor:start])
        parts.append(mask_aadhaar(digits))
        cursor = end
    parts.append(text[cursor:])
    return "".join(parts)


def mask_aadhaar_deep(value: Any) -> Any:
    """A JSON value with every Aadhaar number in its strings (and 12-digit integers) masked.

    Sealed values (`{"enc": …}`) are left alone: their base64 is not a citizen's words.
    """
    if isinstance(value, str):
        return mask_aadhaar_in(value)
    if isinstance(value, dict):
        if "enc" in value:
            return value
        return {key: mask_aadhaar_deep(item) for key, item in value.items()}
    if isinstance(value, list):
        return [mask_aadhaar_deep(item) for item in value]
    if isinstance(value, int) and not isinstance(value, bool) and is_valid_aadhaar(str(value)):
        return mask_aadhaar(str(value))
    return value


def is_sealed_text(value: Any) -> bool:
    """A free-text answer sealed at rest (a caste), as `Cipher.seal_text` keeps it."""
    return isinstance(value, dict) and value.get("sealed") == "text" and "enc" in value


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

    def seal_text(self, text: str) -> dict[str, str]:
        """A sensitive free-text answer (a caste) as it is kept: `{"enc": …, "sealed": "text"}`."""
        return {"enc": self.encrypt(text, SEALED_ANSWER_PURPOSE), "sealed": "text"}

    def open_text(self, sealed: dict[str, str]) -> str:
        return self.decrypt(sealed["enc"], SEALED_ANSWER_PURPOSE)

    def open_answers(self, answers: dict[str, Any]) -> dict[str, Any]:
        """`answers` with every sealed text answer opened, in memory, for the citizen's own
        review, the deciding officer and the certificate; Aadhaar stays sealed."""
        return {key: self._opened(value) for key, value in answers.items()}

    def _opened(self, value: Any) -> Any:
        if is_sealed_text(value):
            return self.open_text(value)
        if isinstance(value, list):
            return [self._opened(item) for item in value]
        if isinstance(value, dict) and "enc" not in value:
            return {key: self._opened(item) for key, item in value.items()}
        return value

    def seal_message(self, text: str) -> str:
        """What a citizen typed, kept for the engine while the inbox holds it masked."""
        return self.encrypt(text, INBOUND_PURPOSE)

    def open_message(self, token: str) -> str:
        return self.decrypt(token, INBOUND_PURPOSE)


_lock = threading.Lock()


def _key_file(data_dir: Path) -> bytes:
    key = shared_key_file(data_dir / KEY_FILE, lambda: AESGCM.generate_key(bit_length=256))
    if len(key) != 32:
        raise ValueError(f"{data_dir / KEY_FILE} does not hold a 32-byte key")
    return key


def shared_key_file(path: Path, new_key: Callable[[], bytes]) -> bytes:
    """The key kept (base64) in `path`, created once with mode 0600 if absent.

    Processes started together on a fresh data dir all end up with the same key: each writes
    its candidate to a private temporary file and hard-links it to `path`, which fails when
    another got there first; everyone then reads what `path` holds. A link makes the file
    appear complete, so no process can read it half-written.
    """
    with _lock:  # threads of one process: one candidate file at a time
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            _publish(path, base64.b64encode(new_key()))
        return base64.b64decode(path.read_bytes(), validate=True)


def _publish(path: Path, content: bytes) -> None:
    descriptor, candidate = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(descriptor, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        # FileExistsError: another process published its key first; that one is everyone's
        with contextlib.suppress(FileExistsError):
            os.link(candidate, path)
    finally:
        os.unlink(candidate)
