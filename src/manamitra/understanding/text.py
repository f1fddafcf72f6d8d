"""A citizen's message made comparable: one phonetic skeleton for Telugu script, romanised
Telugu and English (the catalogue search's own), Telugu numerals as digits, digits split from
letters ("13th" → 13, th), and whether the message is only emoji or punctuation."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from manamitra.catalog.search import fold_token, transliterate

_TOKEN = re.compile(r"[a-z]+|[0-9]+")
_WORD_CHAR = re.compile(r"[^\W_]", re.UNICODE)


def ascii_digits(text: str) -> str:
    """Telugu (and any other) decimal digits as 0-9."""
    return "".join(str(unicodedata.digit(c)) if c.isdigit() else c for c in text)


@cache
def skeleton(text: str) -> tuple[str, ...]:
    """The comparable tokens of a text in any of the three forms of writing."""
    cleaned = ascii_digits(unicodedata.normalize("NFC", text).casefold())
    latin = transliterate(cleaned)
    return tuple(fold_token(t) for t in _TOKEN.findall(latin))


def is_emoji_only(text: str) -> bool:
    """True when the message holds no letter or digit at all (👍, 🙏🙏, "??")."""
    return bool(text.strip()) and _WORD_CHAR.search(text) is None


@dataclass(frozen=True)
class Message:
    """The text as typed (trimmed), and its skeleton tokens in order."""

    raw: str
    tokens: tuple[str, ...]

    @classmethod
    def of(cls, text: str) -> Message:
        raw = " ".join(text.split())[:500]
        return cls(raw=raw, tokens=skeleton(raw))

    def has(self, *words: str) -> bool:
        return any(w in self.tokens for w in words)

    def has_phrase(self, phrase: tuple[str, ...]) -> bool:
        size = len(phrase)
        return any(self.tokens[i : i + size] == phrase for i in range(len(self.tokens) - size + 1))
