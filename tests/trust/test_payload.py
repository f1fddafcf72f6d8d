"""The QR payload's own pieces: COSE_Sign1 round trip per RFC 9052, the vectorised base45
decoder against the reference package, and the compact Telugu name code."""

from __future__ import annotations

from datetime import UTC, datetime

import base45
import cbor2
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from manamitra.errors import PayloadError
from manamitra.trust import cose
from manamitra.trust.keys import Ed25519Signer, KeyInfo
from manamitra.trust.payload import (
    PREFIX,
    Claims,
    b45decode,
    pack_telugu,
    seal,
    unpack_telugu,
    unseal,
)


def _signer() -> Ed25519Signer:
    return Ed25519Signer("revenue-2611-abc123", Ed25519PrivateKey.generate())


def test_cose_sign1_round_trip_is_tag_18_with_alg_and_kid_protected() -> None:
    signer = _signer()
    message = cose.sign1(b"payload", signer)
    decoded = cbor2.loads(message)
    assert isinstance(decoded, cbor2.CBORTag) and decoded.tag == 18
    parsed = cose.parse_sign1(message)
    assert parsed.alg == cose.ALG_EDDSA and parsed.kid == signer.kid
    assert parsed.payload == b"payload" and parsed.unprotected == {}
    key = KeyInfo(signer.kid, "revenue", "issuer", signer.public_raw, datetime.now(UTC))
    expected = cbor2.dumps(["Signature1", parsed.protected_bytes, b"", b"payload"])
    assert parsed.to_be_signed() == expected
    assert key.verify(parsed.signature, expected)
    assert not key.verify(parsed.signature, expected + b"x")


def test_qr_text_is_prefix_plus_base45_of_zlib_cose() -> None:
    import zlib

    claims = Claims(
        "income",
        "AP-INC-2026-XYZ123",
        "Ravi",
        "రవి",
        "Tahsildar Office, Guntur",
        datetime(2026, 11, 1, tzinfo=UTC),
        None,
        {"inc": 96000},
    )
    text = seal(claims, _signer())
    assert text.startswith(PREFIX)
    envelope = zlib.decompress(base45.b45decode(text[len(PREFIX) :]))
    assert cbor2.loads(envelope).tag == 18
    assert unseal(text).claims == claims
    assert unseal("  " + text + "\n").claims == claims


@given(st.binary(max_size=300))
def test_fast_base45_decoder_agrees_with_the_reference(data: bytes) -> None:
    encoded = base45.b45encode(data).decode()
    assert b45decode(encoded) == data


@pytest.mark.parametrize("bad", ["A", "GGW", "a1", "ZZZ"])
def test_fast_base45_decoder_rejects_what_the_rfc_rejects(bad: str) -> None:
    with pytest.raises(ValueError):
        b45decode(bad)


@given(st.text(alphabet=st.characters(min_codepoint=0x0C00, max_codepoint=0x0C7F) | st.just(" ")))
def test_telugu_code_round_trips(text: str) -> None:
    assert unpack_telugu(pack_telugu(text)) == text


def test_telugu_code_is_a_third_of_utf8_and_falls_back_for_other_scripts() -> None:
    name = "రవి కుమార్ రెడ్డి"
    assert len(pack_telugu(name)) * 3 <= len(name.encode()) + 6
    assert pack_telugu("Ravi é") == "Ravi é"


def test_claims_without_our_structure_are_refused() -> None:
    signer = _signer()
    message = cose.sign1(cbor2.dumps({1: "x"}), signer)
    import zlib

    text = PREFIX + base45.b45encode(zlib.compress(message)).decode()
    with pytest.raises(PayloadError):
        unseal(text)
