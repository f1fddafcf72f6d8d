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
