"""The one verdict: genuine, forged on any change, revoked, expired, unknown issuer; and the
offline path (saved key set and signed status list) agrees with the online one."""

from __future__ import annotations

import zlib
from datetime import timedelta
from pathlib import Path

import base45
import pytest

from manamitra import clock
from manamitra.errors import PayloadError
from manamitra.store import Database
from manamitra.trust import PREFIX, KeyRing, Verdict, verify
from manamitra.trust import status as status_list
from manamitra.trust.keys import FileKeyStore
from manamitra.trust.payload import unseal
from tests.trust.builders import HOLDER_TE, issue_income, setup_keys, trust_service


@pytest.fixture
def trust(tmp_path: Path, database: Database):
    service = trust_service(tmp_path)
    setup_keys(database, service)
    return service


def _tamper(qr_text: str, position: int) -> str:
    raw = bytearray(zlib.decompress(base45.b45decode(qr_text[len(PREFIX) :])))
    raw[position] ^= 0x01
    return PREFIX + base45.b45encode(zlib.compress(bytes(raw))).decode()


def test_issued_certificate_is_genuine_with_its_claims(database: Database, trust) -> None:
    issued = issue_income(database, trust)
    with database.unit_of_work() as session:
        result = trust.verify_online(session, issued.qr_text)
    assert result.verdict is Verdict.GENUINE, result.reasons
    assert result.claims["holder_name_te"] == HOLDER_TE
    assert result.claims["facts"] == {"inc": 96000}  # the template's short QR key
    assert result.claims["number"] == issued.number
    assert "aadhaar" not in str(result.claims).lower()


def test_any_one_byte_change_of_the_envelope_is_forged(database: Database, trust) -> None:
    issued = issue_income(database, trust)
    envelope = zlib.decompress(base45.b45decode(issued.qr_text[len(PREFIX) :]))
    ring = trust.keyring()
    verdicts = {verify(_tamper(issued.qr_text, i), ring).verdict for i in range(len(envelope))}
    # a flipped byte in the kid may name a key we do not know; nothing may pass as genuine
    assert Verdict.GENUINE not in verdicts
    assert verdicts <= {Verdict.FORGED, Verdict.UNKNOWN_ISSUER}
    payload_start = envelope.index(unseal(issued.qr_text).message.payload)
    for i in range(payload_start, payload_start + 20):
        assert verify(_tamper(issued.qr_text, i), ring).verdict is Verdict.FORGED


def test_garbage_and_foreign_text_are_forged(trust) -> None:
    ring = trust.keyring()
    for text in ("", "hello", "MM1:", "MM1:%%%%", PREFIX + base45.b45encode(b"xyz").decode()):
        result = verify(text, ring)
        assert result.verdict is Verdict.FORGED
        assert result.reasons


def test_revoked_certificate_is_revoked_online_at_once(database: Database, trust) -> None:
    issued = issue_income(database, trust)
    with database.unit_of_work() as session:
        trust.revoke(session, issued.number, reason="issued_in_error", actor="tahsildar:17")
    with database.unit_of_work() as session:
        result = trust.verify_online(session, issued.qr_text)
    assert result.verdict is Verdict.REVOKED
    assert any("Issued in error" in r for r in result.reasons)


def test_unknown_revocation_reason_is_refused(database: Database, trust) -> None:
    issued = issue_income(database, trust)
    with pytest.raises(PayloadError), database.unit_of_work() as session:
        trust.revoke(session, issued.number, reason="because", actor="x")


def test_expired_certificate_is_expired(database: Database, trust) -> None:
    issued = issue_income(database, trust)
    clock.advance(timedelta(days=366))
    with database.unit_of_work() as session:
        result = trust.verify_online(session, issued.qr_text)
    assert result.verdict is Verdict.EXPIRED


def test_unknown_key_gives_unknown_issuer(database: Database, trust, tmp_path: Path) -> None:
    issued = issue_income(database, trust)
    stranger = FileKeyStore(tmp_path / "other")
    stranger.create("revenue")
    result = verify(issued.qr_text, stranger.keyring())
    assert result.verdict is Verdict.UNKNOWN_ISSUER
    assert result.claims["number"] == issued.number


def test_rotation_keeps_old_documents_genuine(database: Database, trust) -> None:
    from manamitra.store.models.trust import TrustRepository

    old = issue_income(database, trust, "AP-INC-2026-OLD001")
    with database.unit_of_work() as session:
        trust.create_key(TrustRepository(session), "revenue")
    new = issue_income(database, trust, "AP-INC-2026-NEW001")
    ring = trust.keyring()
    assert unseal(old.qr_text).message.kid != unseal(new.qr_text).message.kid
    assert verify(old.qr_text, ring).verdict is Verdict.GENUINE
    assert verify(new.qr_text, ring).verdict is Verdict.GENUINE
    statuses = {k["kid"]: k["mm_status"] for k in ring.to_jwks()["keys"]}
    assert statuses[unseal(old.qr_text).message.kid] == "retired"


def test_offline_status_list_carries_revocations(database: Database, trust) -> None:
    issued = issue_income(database, trust)
    with database.unit_of_work() as session:
        trust.revoke(session, issued.number, reason="superseded", actor="tahsildar:17")
        text = trust.status_list(session)
    ring = KeyRing.from_jwks(trust.keyring().to_jwks())
    offline = status_list.load(text, ring)
    assert verify(issued.qr_text, ring, offline).verdict is Verdict.REVOKED
    forged = text.replace(text[text.index('"payload": "') + 14], "A", 1)
    with pytest.raises(PayloadError):
        status_list.load(forged, ring)


def test_private_keys_are_files_readable_by_owner_only(trust, tmp_path: Path) -> None:
    pems = list((tmp_path / "keys").glob("*.pem"))
    assert pems
    for pem in pems:
        assert pem.stat().st_mode & 0o777 == 0o600
    assert "PRIVATE" not in (tmp_path / "keys" / "keyring.json").read_text()


def test_whatsapp_verdict_gives_the_revocation_reason_in_the_citizens_language(
    database: Database, trust
) -> None:
    from manamitra.trust.message import verdict_message

    issued = issue_income(database, trust)
    with database.unit_of_work() as session:
        trust.revoke(session, issued.number, reason="court_order", actor="officer:1")
    with database.unit_of_work() as session:
        result = trust.verify_online(session, issued.qr_text)
    assert "కోర్టు ఉత్తర్వు ద్వారా రద్దు చేయబడింది" in verdict_message(result, "te")
    assert "Cancelled by court order" in verdict_message(result, "en")
