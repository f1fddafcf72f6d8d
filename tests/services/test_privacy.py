from __future__ import annotations

import base64
import os
import stat
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag

from manamitra.privacy import (
    Cipher,
    _key_file,
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


RACER = """
import base64, sys, time
from pathlib import Path
from manamitra.privacy import _key_file
go = Path(sys.argv[2])
while not go.exists():
    time.sleep(0.0005)
print(base64.b64encode(_key_file(Path(sys.argv[1]))).decode())
"""


def test_processes_started_together_on_a_fresh_data_dir_share_one_key(tmp_path: Path) -> None:
    data_dir, go = tmp_path / "fresh", tmp_path / "go"
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", RACER, str(data_dir), str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(8)
    ]
    time.sleep(1.5)  # let them all import and wait at the line
    go.touch()
    results = [racer.communicate(timeout=60) for racer in racers]
    assert [racer.returncode for racer in racers] == [0] * 8, [err for _, err in results]
    keys = {out.strip() for out, _ in results}
    on_disk = (data_dir / "personal-data.key").read_text()
    assert keys == {on_disk}
    assert len(base64.b64decode(on_disk)) == 32
    assert sorted(p.name for p in data_dir.iterdir()) == ["personal-data.key"]  # no leftovers


def test_threads_started_together_share_one_key(tmp_path: Path) -> None:
    start = threading.Barrier(6)

    def racer() -> bytes:
        start.wait()
        return _key_file(tmp_path / "fresh")

    with ThreadPoolExecutor(6) as pool:
        keys = set(pool.map(lambda _: racer(), range(6)))
    assert len(keys) == 1


def test_a_key_file_that_holds_no_key_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "personal-data.key").write_text(base64.b64encode(b"short").decode())
    with pytest.raises(ValueError, match="32-byte key"):
        Cipher.from_settings(Settings(data_dir=tmp_path))
