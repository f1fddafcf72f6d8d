"""Reading an amount of rupees as people type it: "1,20,000", "1.2 lakh", "₹1.2L",
"1 lakh 20 thousand", "12 వేలు", "లక్ష", "Rs. 1500/-"; the result is integer paise."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

MULTIPLIERS: dict[str, int] = {
    **dict.fromkeys(("hundred", "hundreds", "వంద", "వందలు", "వందల"), 100),
    **dict.fromkeys(("k", "thousand", "thousands", "వెయ్యి", "వేయి", "వేలు", "వేల", "వెయ్యిలు"), 1_000),
    **dict.fromkeys(
        ("l", "lac", "lacs", "lakh", "lakhs", "lk", "లక్ష", "లక్షలు", "లక్షల", "లక్షా"), 100_000
    ),
    **dict.fromkeys(("cr", "crore", "crores", "కోటి", "కోట్లు", "కోట్ల"), 10_000_000),
}
ONE = frozenset({"a", "one", "ఒక", "ఒకటి", "ఒక్క"})
CURRENCY = re.compile(r"₹|\brs\b\.?|\binr\b|rupees?|రూపాయలు|రూపాయల|రూపాయి|రూ\.?|/-")
# A Telugu word is letters plus vowel signs and viramas, which \w alone splits.
TOKEN = re.compile(r"[\u0C00-\u0C7F\u200c\u200d]+|\d[\d,]*(?:\.\d+)?|\.\d+|[^\W\d_]+")


class AmountTextError(ValueError):
    """The text is not an amount we can read."""


def _ascii_digits(text: str) -> str:
    return "".join(str(unicodedata.digit(ch)) if ch.isdigit() else ch for ch in text)


def _tokens(text: str) -> list[str]:
    found: list[str] = []
    position = 0
    for match in TOKEN.finditer(text):
        if text[position : match.start()].strip():
            raise AmountTextError(text)
        found.append(match.group())
        position = match.end()
    if text[position:].strip():
        raise AmountTextError(text)
    return found


def _number(token: str) -> Decimal:
    if "," in token:
        whole, _, fraction = token.partition(".")
        if not re.fullmatch(r"\d{1,3}(,\d{2})*,\d{3}|\d{1,3}(,\d{3})+", whole):
            raise AmountTextError(token)
        token = whole.replace(",", "") + (f".{fraction}" if fraction else "")
    try:
        return Decimal(token)
    except InvalidOperation as exc:
        raise AmountTextError(token) from exc


def parse_rupees(text: str) -> int:
    """Paise for an amount typed in digits, Indian or Western grouping, and number words."""
    cleaned = CURRENCY.sub(" ", _ascii_digits(unicodedata.normalize("NFC", text)).casefold())
    # "1.2l", "12k", "5వేలు": a multiplier written against its number.
    cleaned = re.sub(r"(\d)([^\W\d_])", r"\1 \2", cleaned)
    tokens = _tokens(cleaned.replace(" and ", " ").replace(" మరియు ", " "))
    if not tokens:
        raise AmountTextError(text)
    total = Decimal(0)
    pending: Decimal | None = None
    used_words = False
    for token in tokens:
        if token[0].isdigit() or token[0] == ".":
            if pending is not None:
                raise AmountTextError(text)
            pending = _number(token)
        elif token in ONE:
            if pending is not None:
                raise AmountTextError(text)
            pending = Decimal(1)
        elif token in MULTIPLIERS:
            total += (pending if pending is not None else Decimal(1)) * MULTIPLIERS[token]
            pending = None
            used_words = True
        else:
            raise AmountTextError(text)
    if pending is not None:
        total += pending
    paise = total * 100
    if paise != paise.to_integral_value() or (not used_words and total != round(total, 2)):
        raise AmountTextError(text)
    return int(paise)
