"""Dates said in words: today/ఈరోజు/ivala, tomorrow/repu/రేపు, ellundi, yesterday/ninna, a
weekday (Friday, శుక్రవారం, sukravaram), "next Monday", "13th", "13 tariku", "డిసెంబర్ 13",
"20 december", "12/12". Each is kept as said and resolved against the step that takes it
(a past date for "when did you lose it", the coming one for a journey)."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from manamitra.understanding.lexicon import Phrase, phrases, words
from manamitra.understanding.text import Message, ascii_digits, skeleton

_RELATIVE: dict[Phrase, int] = {
    **dict.fromkeys(
        phrases("today", "ivala", "ivvala", "ఇవాళ", "ఈరోజు", "ఈ రోజు", "eeroju", "ee roju"), 0
    ),
    **dict.fromkeys(phrases("tomorrow", "tommorow", "tomorow", "repu", "రేపు"), 1),
    **dict.fromkeys(phrases("day after tomorrow", "ellundi", "ఎల్లుండి", "elundi"), 2),
    **dict.fromkeys(phrases("yesterday", "ninna", "నిన్న"), -1),
}
_WEEKDAYS: dict[str, int] = {}
for _index, _names in enumerate(
    (
        ("monday", "mon", "somavaram", "సోమవారం"),
        ("tuesday", "tue", "mangalavaram", "మంగళవారం"),
        ("wednesday", "wed", "budhavaram", "బుధవారం"),
        ("thursday", "thu", "guruvaram", "గురువారం", "lakshmivaram"),
        ("friday", "fri", "shukravaram", "sukravaram", "శుక్రవారం"),
        ("saturday", "sat", "shanivaram", "sanivaram", "శనివారం"),
        ("sunday", "sun", "aadivaram", "adivaram", "ఆదివారం"),
    )
):
    for _name in _names:
        for _token in skeleton(_name):
            _WEEKDAYS[_token] = _index
_MONTH_NAMES = (
    ("january", "jan", "జనవరి"),
    ("february", "feb", "ఫిబ్రవరి"),
    ("march", "mar", "మార్చి"),
    ("april", "apr", "ఏప్రిల్"),
    ("may", "మే"),
    ("june", "jun", "జూన్"),
    ("july", "jul", "జూలై"),
    ("august", "aug", "ఆగస్టు"),
    ("september", "sep", "sept", "సెప్టెంబర్", "సెప్టెంబరు"),
    ("october", "oct", "అక్టోబర్", "అక్టోబరు"),
    ("november", "nov", "నవంబర్", "నవంబరు"),
    ("december", "dec", "డిసెంబర్", "డిసెంబరు", "disember"),
)
_MONTHS: dict[str, int] = {
    token: number
    for number, names in enumerate(_MONTH_NAMES, start=1)
    for name in names
    for token in skeleton(name)
}
_NEXT = words("next", "vache", "vacche", "వచ్చే")
_DAY_MARKS = words(
    "th", "st", "nd", "rd", "tariku", "tareeku", "tarikhu", "తారీకు", "తారీఖు", "tedi", "తేదీ", "na", "న"
)
_ON = words("on", "date")
# Every word that only says a date (left out when looking for the service).
DATE_WORDS = frozenset(
    {token for phrase in _RELATIVE for token in phrase}
    | set(_WEEKDAYS)
    | set(_MONTHS)
    | _DAY_MARKS
    | _NEXT
)
_NUMERIC = re.compile(r"(?<![\w/])(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{4}|\d{2}))?(?![\w/])")


@dataclass(frozen=True)
class SaidDate:
    """A date as said: an offset from today, a weekday, or a day (and month, year)."""

    offset: int | None = None
    weekday: int | None = None
    next_week: bool = False
    day: int | None = None
    month: int | None = None
    year: int | None = None

    def resolve(self, today: date, *, past: bool = False) -> date | None:
        if self.offset is not None:
            return today + timedelta(days=self.offset)
        if self.weekday is not None:
            ahead = (self.weekday - today.weekday()) % 7
            if past:
                return today - timedelta(days=(today.weekday() - self.weekday) % 7 or 7)
            if self.next_week:
                ahead = ahead or 7
                if today + timedelta(days=ahead) <= today + timedelta(days=6 - today.weekday()):
                    ahead += 7
            return today + timedelta(days=ahead)
        if self.day is None:
            return None
        return _calendar_date(self.day, self.month, self.year, today, past)


def _calendar_date(
    day: int, month: int | None, year: int | None, today: date, past: bool
) -> date | None:
    candidates = []
    if month is None:
        for shift in (-1, 0, 1):
            index = today.month - 1 + shift
            candidates.append((today.year + index // 12, index % 12 + 1))
    else:
        years = (year,) if year else (today.year - 1, today.year, today.year + 1)
        candidates = [(y, month) for y in years]
    found = []
    for y, m in candidates:
        if 1 <= day <= calendar.monthrange(y, m)[1]:
            found.append(date(y, m, day))
    if not found:
        return None
    if past:
        earlier = [d for d in found if d <= today]
        return max(earlier) if earlier else None
    later = [d for d in found if d >= today]
    return min(later) if later else (found[-1] if year else None)


@lru_cache(maxsize=256)
def said_dates(message: Message) -> list[SaidDate]:
    """Every date the message says, in order (the result is shared: do not change it)."""
    tokens = message.tokens
    found: list[SaidDate] = []
    used: set[int] = set()
    for size in (3, 2, 1):
        for start in range(len(tokens) - size + 1):
            span = set(range(start, start + size))
            if span & used:
                continue
            offset = _RELATIVE.get(tokens[start : start + size])
            if offset is not None:
                found.append(SaidDate(offset=offset))
                used |= span
    for index, token in enumerate(tokens):
        if index in used:
            continue
        if token in _WEEKDAYS:
            found.append(
                SaidDate(
                    weekday=_WEEKDAYS[token], next_week=index > 0 and tokens[index - 1] in _NEXT
                )
            )
            used.add(index)
        elif token.isdigit() and 1 <= int(token) <= 31:
            month = _month_near(tokens, index)
            marked = (index + 1 < len(tokens) and tokens[index + 1] in _DAY_MARKS) or (
                index > 0 and tokens[index - 1] in _ON
            )
            if month is not None or marked:
                found.append(SaidDate(day=int(token), month=month))
    for match in _NUMERIC.finditer(ascii_digits(message.raw)):
        if "." in match[0] and not match[3]:
            continue  # "1.2 lakh" is an amount, not the first of February
        day, month = int(match[1]), int(match[2])
        year = int(match[3]) if match[3] else None
        if year is not None and year < 100:
            year += 2000
        if 1 <= month <= 12:
            found.append(SaidDate(day=day, month=month, year=year))
    return found


def _month_near(tokens: tuple[str, ...], index: int) -> int | None:
    for near in (index + 1, index - 1):
        if 0 <= near < len(tokens) and tokens[near] in _MONTHS:
            return _MONTHS[tokens[near]]
    return None
