"""One way to show a value to a person: money, dates and times, in Telugu or English.

Every layer may import this module (it imports nothing of ours but the clock), so a chat
summary, a console page, a document and an export all show ₹1,20,000 and 14-03-2026 the same
way. Amounts are integer paise in storage; dates are shown in IST.
"""

from __future__ import annotations

from datetime import date, datetime

from manamitra import clock

MONTHS = {
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
    "te": (
        "జనవరి", "ఫిబ్రవరి", "మార్చి", "ఏప్రిల్", "మే", "జూన్",
        "జులై", "ఆగస్టు", "సెప్టెంబరు", "అక్టోబరు", "నవంబరు", "డిసెంబరు",
    ),
}  # fmt: skip


def indian_grouping(value: int) -> str:
    """12345678 → 1,23,45,678: the last three digits, then pairs (lakhs, crores)."""
    sign, digits = ("-" if value < 0 else ""), str(abs(value))
    if len(digits) <= 3:
        return sign + digits
    head, tail = digits[:-3], digits[-3:]
    groups: list[str] = []
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    if head:
        groups.insert(0, head)
    return sign + ",".join([*groups, tail])


def money(paise: int) -> str:
    """₹1,20,000 from 12000000 paise; ₹45.50 keeps its paise; whole rupees show none."""
    whole, part = divmod(abs(int(paise)), 100)
    sign = "-" if paise < 0 else ""
    return f"{sign}₹{indian_grouping(whole)}" + (f".{part:02d}" if part else "")


def money_exact(paise: int) -> str:
    """₹1,20,000.00: always with paise, for receipts and ledgers."""
    whole, part = divmod(abs(int(paise)), 100)
    sign = "-" if paise < 0 else ""
    return f"{sign}₹{indian_grouping(whole)}.{part:02d}"


def _as_date(value: date | datetime | str) -> date:
    if isinstance(value, datetime):
        return clock.to_ist(value).date()
    if isinstance(value, date):
        return value
    text = str(value)
    if "T" in text or " " in text.strip():
        return clock.to_ist(datetime.fromisoformat(text)).date()
    return date.fromisoformat(text)


def date_numeric(value: date | datetime | str) -> str:
    """14-03-2026 (a datetime is taken in IST)."""
    return _as_date(value).strftime("%d-%m-%Y")


def date_words(value: date | datetime | str, lang: str) -> str:
    """14 March 2026 / 14 మార్చి 2026: where there is room for the month in words."""
    day = _as_date(value)
    months = MONTHS["te" if lang == "te" else "en"]
    return f"{day.day:02d} {months[day.month - 1]} {day.year}"


def time_ist(moment: datetime) -> str:
    """09:30 PM, in IST."""
    return clock.format_ist(moment, "%I:%M %p")


def datetime_words(moment: datetime, lang: str) -> str:
    """14 March 2026, 09:30 PM (IST)."""
    return f"{date_words(moment, lang)}, {time_ist(moment)}"


def datetime_numeric(moment: datetime) -> str:
    """14-03-2026 09:30 PM (IST)."""
    return clock.format_ist(moment, "%d-%m-%Y %I:%M %p")
