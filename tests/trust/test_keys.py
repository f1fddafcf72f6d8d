"""The file key store: one active key per owner even when workers start together, changes
seen by every process, JWK Set round trip, and private keys kept out of the public ring."""

from __future__ import annotations

import threading
from pathlib import Path

from manamitra.trust.keys import FileKeyStore, KeyRing


def test_workers_starting_together_create_one_key_per_owner(tmp_path: Path) -> None:
    stores = [FileKeyStore(tmp_path / "keys") for _ in range(6)]
    created = []

    def start(store: FileKeyStore) -> None:
        info = store.create("revenue", "issuer", if_missing=True)
        if info is not None:
            created.append(info.kid)

    threads = [threading.Thread(target=start, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(created) == 1
    assert all(s.keyring().active("revenue").kid == created[0] for s in stores)


def test_a_rotation_in_one_process_is_seen_by_another(tmp_path: Path) -> None:
    first, second = FileKeyStore(tmp_path / "k"), FileKeyStore(tmp_path / "k")
    old = first.create("crs", "issuer")
    assert second.keyring().active("crs") == old
    new = first.create("crs", "issuer")
    first.retire(old.kid)
    ring = second.keyring()
    assert ring.active("crs") == new and ring.get(old.kid).retired_at is not None
    assert second.signer(new.kid).kid == new.kid


def test_jwk_set_round_trips(tmp_path: Path) -> None:
    store = FileKeyStore(tmp_path / "k")
    store.create("log", "log")
    store.create("revenue", "issuer")
    ring = store.keyring()
    again = KeyRing.from_jwks(ring.to_jwks())
    assert again.keys == ring.keys
    assert [k.kid for k in again.log_keys()] == [k.kid for k in ring.log_keys()]


def test_a_key_verifies_its_own_signatures_and_nothing_else() -> None:
    """libsodium checks what OpenSSL signs: the signer's own signature verifies; a changed
    byte of message or signature, another key, or a signature of the wrong length does not."""
    from datetime import UTC, datetime

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from manamitra.trust.keys import Ed25519Signer, KeyInfo

    at = datetime(2026, 1, 1, tzinfo=UTC)
    signer, other = (Ed25519Signer("k", Ed25519PrivateKey.generate()) for _ in range(2))
    key = KeyInfo("k", "revenue", "issuer", signer.public_raw, at)
    stranger = KeyInfo("o", "revenue", "issuer", other.public_raw, at)
    for size in (0, 1, 300, 5000):
        data = bytes(range(256)) * (size // 256) + bytes(size % 256)
        signature = signer.sign(data)
        assert key.verify(signature, data)
        assert not stranger.verify(signature, data)
        assert not key.verify(signature, data + b"\0")
        flipped = bytearray(signature)
        flipped[size % 64] ^= 1
        assert not key.verify(bytes(flipped), data)
        assert not key.verify(signature[:63], data)
        assert not key.verify(signature + b"\0", data)
