"""The QR payload's own pieces: COSE_Sign1 round trip per RFC 9052, the vectorised base45
decoder against the reference package, and the compact Telugu name code."""

from __future__ import annotations

import random
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


def _reference(text: str) -> bytes | None:
    """The `base45` package's answer, None where it refuses the text."""
    try:
        return base45.b45decode(text)
    except ValueError:
        return None


def _ours(text: str) -> bytes | None:
    try:
        return b45decode(text)
    except ValueError:
        return None


_B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"


# mostly the alphabet's top characters, where triples and pairs go out of range, plus a few
# that are not base45 at all (lower case, a control byte, non-ASCII)
@given(st.text(alphabet=st.sampled_from(_B45 + "::::////----GGGGFFFFaz\x00é\u0c15"), max_size=40))
def test_fast_base45_decoder_accepts_and_refuses_as_the_reference_does(text: str) -> None:
    assert _ours(text) == _reference(text)


def test_fast_base45_decoder_matches_the_reference_on_many_random_texts() -> None:
    rng = random.Random(9285)
    for _ in range(5000):
        size = rng.randrange(0, 30)
        text = "".join(rng.choice(_B45[-12:] if rng.random() < 0.5 else _B45) for _ in range(size))
        if rng.random() < 0.05:
            at = rng.randrange(0, size + 1)
            text = text[:at] + rng.choice("a~é\x00") + text[at:]
        assert _ours(text) == _reference(text), text


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", b""), ("00", b"\x00"), ("U5", b"\xff"), ("FGW", b"\xff\xff"), ("FGWU5", b"\xff\xff\xff")],
)
def test_fast_base45_decoder_edges(text: str, expected: bytes) -> None:
    assert b45decode(text) == expected


@pytest.mark.parametrize("bad", ["V5", "GGW", "GGW00", "00GGW", "0", "0000", "é00", "0\x000"])
def test_fast_base45_decoder_refuses_out_of_range_and_foreign(bad: str) -> None:
    assert _reference(bad) is None
    with pytest.raises(ValueError):
        b45decode(bad)


@pytest.mark.parametrize("text", ["\n", "00\n", "FGW\n\n"])
def test_fast_base45_decoder_refuses_a_trailing_newline_the_reference_strips(text: str) -> None:
    # unseal strips the scanned text first; the decoder itself takes base45 characters only
    assert _reference(text) is not None
    with pytest.raises(ValueError):
        b45decode(text)


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
