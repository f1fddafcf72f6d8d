"""The payments and bookings areas' own message catalogue (Telugu and English), kept apart
from the engine's so each area edits only its own file; `text(lang, "payments.paid", …)`."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from manamitra.formatting import money
from manamitra.yamlio import load_yaml

MESSAGES = Path(__file__).parent / "messages"


@cache
def _catalogue(lang: str) -> dict[str, Any]:
    data = load_yaml((MESSAGES / f"{lang}.yaml").read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{lang}.yaml: expected a mapping")
    return data


def text(lang: str, key: str, **params: object) -> str:
    node: Any = _catalogue("te" if lang == "te" else "en")
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            raise KeyError(f"message {key!r} missing from the {lang} payments catalogue")
        node = node[part]
    if not isinstance(node, str):
        raise KeyError(f"message {key!r} is not a sentence")
    return node.format(**params) if params else node


def rupees(paise: int) -> str:
    """₹1,234.50 in the Indian grouping (lakh, crore); whole rupees without decimals."""
    return money(paise)
