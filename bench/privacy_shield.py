"""What masking Aadhaar numbers costs the inbox per message (pipeline/shield.py), beside the
cost of the row's JSON it already pays.

    .venv/bin/python bench/privacy_shield.py
"""

from __future__ import annotations

import os
import timeit
from datetime import UTC, datetime

import orjson

from manamitra.messaging.inbound import Inbound
from manamitra.pipeline.inbox import inbound_json
from manamitra.pipeline.shield import shield
from manamitra.privacy import Cipher

CIPHER = Cipher(os.urandom(32))
TEXTS = {
    "Hi": "Hi",
    "a phone number": "call my brother on 9848022338 after 5 pm please",
    "an Aadhaar number": "my aadhaar is 5612 8037 0957",
}


def _message(text: str) -> Inbound:
    return Inbound(
        message_id="wamid.HBgMOTE5ODc2NTQzMjEwFQIAEhgUM0",
        citizen="919876543210",
        kind="text",
        sent_at=datetime.now(UTC),
        text=text,
        profile_name="Ravi",
        business_user_id="IN.1751982830991780",
    )


def _per_call(action: object, number: int) -> float:
    return min(timeit.repeat(action, number=number, repeat=5)) / number  # type: ignore[arg-type]


def main() -> None:
    for name, text in TEXTS.items():
        message = _message(text)
        number = 20_000 if "Aadhaar" in name else 200_000
        masked = _per_call(lambda m=message: shield(m, lambda: CIPHER), number)
        row = _per_call(lambda m=message: orjson.dumps(inbound_json(m)), number)
        print(f"{name:18s} shield {masked * 1e6:6.2f} µs   the row's JSON {row * 1e6:5.2f} µs")


if __name__ == "__main__":
    main()
