"""The payments and bookings catalogues: the same keys and placeholders in Telugu and English,
and the Telugu really written in Telugu script."""

from __future__ import annotations

import re
import string
from typing import Any

from manamitra.payments.text import _catalogue


def _flatten(node: Any, prefix: str = "") -> dict[str, str]:
    if isinstance(node, dict):
        out: dict[str, str] = {}
        for key, value in node.items():
            out.update(_flatten(value, f"{prefix}{key}."))
        return out
    return {prefix.rstrip("."): str(node)}


def test_keys_and_placeholders_match_and_telugu_is_telugu() -> None:
    en, te = _flatten(_catalogue("en")), _flatten(_catalogue("te"))
    assert en.keys() == te.keys()
    for key in en:
        fields = {f for _, f, _, _ in string.Formatter().parse(en[key]) if f}
        assert fields == {f for _, f, _, _ in string.Formatter().parse(te[key]) if f}, key
        assert re.search(r"[\u0C00-\u0C7F]", te[key]), key
