"""The X-Hub-Signature-256 check: right passes, missing and wrong are told apart."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from manamitra.channels.whatsapp.signature import sign, verify
from manamitra.errors import ErrorCode, SignatureError

BODY = b'{"object":"whatsapp_business_account","entry":[]}'


def test_sign_matches_an_independent_hmac() -> None:
    expected = hmac.new(b"s3cret", BODY, hashlib.sha256).hexdigest()
    assert sign("s3cret", BODY) == f"sha256={expected}"


def test_right_signature_passes() -> None:
    verify("s3cret", BODY, sign("s3cret", BODY))


@pytest.mark.parametrize("header", [None, ""])
def test_missing_signature_has_its_own_code(header: str | None) -> None:
    with pytest.raises(SignatureError) as info:
        verify("s3cret", BODY, header)
    assert info.value.code is ErrorCode.SIGNATURE_MISSING


@pytest.mark.parametrize(
    "header",
    [
        sign("other", BODY),
        sign("s3cret", BODY + b" "),
        "sha1=abc",
        "sha256=",
        "garbage",
    ],
)
def test_wrong_signature_is_invalid(header: str) -> None:
    with pytest.raises(SignatureError) as info:
        verify("s3cret", BODY, header)
    assert info.value.code is ErrorCode.SIGNATURE_INVALID
