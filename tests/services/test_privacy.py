from __future__ import annotations

import base64
import os
import stat
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag

from manamitra.privacy import (
    Cipher,
    is_valid_aadhaar,
    mask_aadhaar,
    mask_aadhaar_deep,
    mask_aadhaar_in,
    verhoeff_digit,
    verhoeff_valid,
)
from manamitra.settings import Settings


def test_verhoeff_known_values() -> None:
    assert verhoeff_digit("236") == "3"
    assert verhoeff_valid("2363")
    assert not verhoeff_valid("2364")


@pytest.mark.parametrize("body", ["23412341234", "49871234567", "98765432101"])
def test_aadhaar_rules(body: str) -> None:
    good = body + verhoeff_digit(body)
    assert is_valid_aadhaar(good)
    wrong = body + str((int(verhoeff_digit(body)) + 1) % 10)
    assert not is_valid_aadhaar(wrong)
    assert not is_valid_aadhaar("1" + good[1:])
    assert not is_valid_aadhaar(good[:-1])


def test_mask_shows_only_last_four() -> None:
    assert mask_aadhaar("234123412346") == "XXXX XXXX 2346"
    assert mask_aadhaar({"enc": "...", "last4": "2346"}) == "XXXX XXXX 2346"


def test_sealed_aadhaar_round_trips_and_hides_the_number() -> None:
    cipher = Cipher(os.urandom(32))
    sealed = cipher.seal_aadhaar("234123412346")
    assert "234123412346" not in sealed["enc"] and sealed["last4"] == "2346"
    assert cipher.open_aadhaar(sealed) == "234123412346"
    with pytest.raises(InvalidTag):
        Cipher(os.urandom(32)).open_aadhaar(sealed)
    with pytest.raises(InvalidTag):
        cipher.decrypt(sealed["enc"])  # sealed for another purpose


def test_key_from_settings_or_a_private_key_file(tmp_path: Path) -> None:
    key = base64.b64encode(os.urandom(32)).decode()
    from_setting = Cipher.from_settings(Settings(data_key=key, data_dir=tmp_path))
    assert Cipher(base64.b64decode(key)).decrypt(from_setting.encrypt("x")) == "x"
    first = Cipher.from_settings(Settings(data_dir=tmp_path / "d"))
    path = tmp_path / "d" / "personal-data.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    second = Cipher.from_settings(Settings(data_dir=tmp_path / "d"))
    assert second.decrypt(first.encrypt("same key")) == "same key"


AADHAAR = "561280370957"  # Verhoeff-valid


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("561280370957", "XXXX XXXX 0957"),
        ("my aadhaar is 5612 8037 0957", "my aadhaar is XXXX XXXX 0957"),
        ("5612-8037-0957, please", "XXXX XXXX 0957, please"),
        ("year 2026 5612 8037 0957", "year 2026 XXXX XXXX 0957"),
        ("ఆధార్ ౫౬౧౨ ౮౦౩౭ ౦౯౫౭", "ఆధార్ XXXX XXXX ౦౯౫౭"),
    ],
)
def test_every_written_form_of_an_aadhaar_number_is_masked_in_text(text: str, masked: str) -> None:
    assert mask_aadhaar_in(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "919876543210",  # a mobile number with its country code: not Verhoeff-valid
        "561280370958",  # one digit off
        "161280370957",  # starts with 1
        "15612803709571",  # inside a longer run of digits
        "no digits at all",
    ],
)
def test_text_without_an_aadhaar_number_is_left_alone(text: str) -> None:
    assert mask_aadhaar_in(text) == text


def test_json_values_are_masked_deeply_but_sealed_values_are_not() -> None:
    value = {
        "note": ["call me", {"id": f"x {AADHAAR}"}],
        "number": int(AADHAAR),
        "sealed": {"enc": "561280370957", "last4": "0957"},
        "count": 3,
    }
    assert mask_aadhaar_deep(value) == {
        "note": ["call me", {"id": "x XXXX XXXX 0957"}],
        "number": "XXXX XXXX 0957",
        "sealed": {"enc": "561280370957", "last4": "0957"},
        "count": 3,
    }
