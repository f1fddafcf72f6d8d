"""Checking from outside that a document's issuance is in the public log: fetch its entry,
match it to the QR, fetch a signed checkpoint and an inclusion proof, verify both.

`fetch(path)` returns (status, text) for a GET on the log's server, so the same check runs
over httpx against a real server and over ASGI in tests.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable

from manamitra.errors import PayloadError
from manamitra.trust import checkpoint as cp
from manamitra.trust import entry, merkle
from manamitra.trust.keys import KeyRing
from manamitra.trust.payload import unseal

Fetch = Callable[[str], tuple[int, str]]


def check_published(qr_text: str, keyring: KeyRing, fetch: Fetch) -> tuple[bool, str]:
    """(True, how) if the log proves this document's issuance; (False, why) otherwise."""
    try:
        sealed = unseal(qr_text)
    except PayloadError as exc:
        return False, f"unreadable QR: {exc}"
    cose_hash = entry.sha256_hex(sealed.cose_bytes)
    status, text = fetch(f"/log/document?number={sealed.claims.number}&cose_sha256={cose_hash}")
    if status != 200:
        return False, "the log has no issuance entry for this document"
    found = json.loads(text)
    data = base64.b64decode(found["data"])
    fields = entry.decode(data)
    if (
        fields.get("kind") != "issue"
        or fields.get("cose_sha256") != cose_hash
        or fields.get("number_sha256") != entry.number_hash(sealed.claims.number)
        or fields.get("kid") != sealed.message.kid
    ):
        return False, "the log entry does not describe this document"
    status, note = fetch("/log/checkpoint")
    if status != 200:
        return False, "no checkpoint from the log"
    try:
        head = cp.verify(note, keyring.log_keys())
    except PayloadError as exc:
        return False, f"checkpoint rejected: {exc}"
    leaf = merkle.leaf_hash(data)
    status, text = fetch(f"/log/proof/inclusion?leaf_hash={leaf.hex()}&tree_size={head.size}")
    if status != 200:
        return False, "no inclusion proof from the log"
    proof = json.loads(text)
    path = [bytes.fromhex(h) for h in proof["audit_path"]]
    if not merkle.verify_inclusion(int(proof["leaf_index"]), head.size, leaf, path, head.root):
        return False, "the inclusion proof does not match the signed checkpoint"
    return True, (
        f"in the transparency log at index {proof['leaf_index']} "
        f"(signed checkpoint of size {head.size})"
    )
