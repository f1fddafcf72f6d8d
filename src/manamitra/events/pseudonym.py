"""The citizen's pseudonym in events: HMAC-SHA256 of the WhatsApp id under a key kept outside
the database (`MM_EVENTS_KEY`, else `events.key` generated once under `MM_DATA_DIR`).

The same citizen always gets the same key, so the lake can count distinct citizens and follow
a funnel, but the lake alone (or the lake with the database) cannot name anyone: without the
key no one can test a phone number against it. Rotating the key starts new pseudonyms.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from pathlib import Path

from manamitra.privacy import shared_key_file
from manamitra.settings import Settings, load_settings

KEY_FILE = "events.key"
# 16 bytes of the MAC, hex: 128 bits keep collisions out of reach for any state's population.
DIGEST_BYTES = 16

_key: bytes | None = None


def key_from_settings(settings: Settings) -> bytes:
    if settings.events_key:
        key = base64.b64decode(settings.events_key)
        if len(key) < 32:
            raise ValueError("MM_EVENTS_KEY must be at least 32 bytes (base64)")
        return key
    return _key_file(Path(settings.data_dir))


def _key_file(data_dir: Path) -> bytes:
    return shared_key_file(data_dir / KEY_FILE, lambda: secrets.token_bytes(32))


def configure(key: bytes) -> None:
    """The composition root sets the key once (app.py); tests may set their own."""
    global _key
    _key = key


def current_key() -> bytes:
    """The pseudonym key: the one configured, else the environment's (read once)."""
    global _key
    if _key is None:
        _key = key_from_settings(load_settings())
    return _key


def pseudonym(citizen: str, key: bytes | None = None) -> str:
    """The citizen's key in events: 32 hex characters, the same for the same WhatsApp id."""
    mac = hmac.new(key or current_key(), citizen.encode("utf-8"), hashlib.sha256)
    return mac.digest()[:DIGEST_BYTES].hex()
