"""Loading the webhook fixtures (bodies shaped exactly as Meta sends them)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures"


def names() -> list[str]:
    return sorted(p.stem for p in FIXTURES.glob("*.json"))


def raw(name: str) -> bytes:
    return (FIXTURES / f"{name}.json").read_bytes()


def data(name: str) -> dict[str, Any]:
    return json.loads(raw(name))
