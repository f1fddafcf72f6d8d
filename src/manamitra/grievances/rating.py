"""A citizen's rating of a grievance's handling, 1 to 5, however they write it: stars
("⭐⭐⭐⭐", "★★★"), a digit ("4", "4/5", "4 stars"), or the number in words (Telugu,
English, or Telugu typed in English letters)."""

from __future__ import annotations

import re
import unicodedata

STARS = frozenset("⭐★🌟*")
WORDS: dict[str, int] = {
    **dict.fromkeys(("one", "ఒకటి", "ఒక్కటి", "okati", "okkati"), 1),
    **dict.fromkeys(("two", "రెండు", "rendu"), 2),
    **dict.fromkeys(("three", "మూడు", "moodu", "mudu"), 3),
    **dict.fromkeys(("four", "నాలుగు", "naalugu", "nalugu"), 4),
    **dict.fromkeys(("five", "ఐదు", "అయిదు", "aidu", "ayidu"), 5),
}
DIGITS = re.compile(r"^([1-5])\s*(?:/\s*5|out of 5|stars?|star|నక్షత్రాలు|నక్షత్రం)?$")


def parse_rating(typed: str) -> int | None:
    """1–5 from what the citizen typed, or None when it is not a rating."""
    text = unicodedata.normalize("NFC", typed).casefold()
    # emoji presentation selectors and skin joiners ride along with the star emoji
    text = "".join(c for c in text if c not in "\ufe0f\ufe0e\u200d").strip().strip(".!")
    if text and all(c in STARS or c.isspace() for c in text):
        count = sum(1 for c in text if c in STARS)
        return count if 1 <= count <= 5 else None
    text = " ".join(text.split())
    found = DIGITS.match(text)
    if found:
        return int(found.group(1))
    for word, value in WORDS.items():
        if text in (word, f"{word} stars", f"{word} star", f"{word} నక్షత్రాలు"):
            return value
    return None
