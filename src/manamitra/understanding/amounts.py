"""Amounts of rupees inside a sentence ("income 60000", "1.2 లక్షలు", "50 velu", "₹500"),
read by the same rules as the amount field (`fields.rupees`), so the paise match what the
flow would store."""

from __future__ import annotations

import re
from functools import lru_cache

from manamitra.fields.rupees import AmountTextError, parse_rupees
from manamitra.understanding.text import ascii_digits

_UNIT = r"lakhs?|lacs?|lakshalu|laksha|l|k|thousands?|velu|vela|veyyi|వేలు|వేల|వెయ్యి|లక్షలు|లక్షల|లక్ష"
_AMOUNT = re.compile(
    r"(?<![\w/.-])(?P<cur>₹|rs\.?|inr)?\s*(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>" + _UNIT + r")?"
    r"(?P<tail>\s*(?:rupees|rupaayalu|rupayalu|rs|రూపాయలు|/-))?(?![\w/-])",
    re.IGNORECASE,
)
_ROMAN_UNITS = {"velu": "వేలు", "vela": "వేల", "veyyi": "వెయ్యి", "lakshalu": "లక్షలు", "laksha": "లక్ష"}


@lru_cache(maxsize=256)
def said_amounts(text: str) -> tuple[int, ...]:
    """Paise of each amount said: with a unit or currency, or a bare number of 3+ digits."""
    found = []
    for match in _AMOUNT.finditer(ascii_digits(text).casefold()):
        unit = match["unit"] or ""
        digits = match["num"].replace(",", "")
        if not (match["cur"] or unit or match["tail"]) and len(digits.split(".")[0]) < 3:
            continue
        words = f"{match['num']} {_ROMAN_UNITS.get(unit, unit)}".strip()
        try:
            found.append(parse_rupees(words))
        except AmountTextError:
            continue
    return tuple(found)
