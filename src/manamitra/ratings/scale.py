"""The 1–10 scale: what a citizen may type for a score, and how older 1–5 ratings compare.

A rating given on 1–5 before 1–10 began keeps its value and its scale. To average or chart it
with 1–10 ratings it is mapped linearly so that the ends meet (1 → 1, 5 → 10, 3 → 5.5):
`on_ten(v, 5) = 1 + (v − 1) × 9 / 4`. It is shown as given ("4/5"), never as a made-up "8/10".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

SCALE = 10
STARS = frozenset("⭐★🌟*")
WORDS: dict[str, int] = {
    **dict.fromkeys(("one", "ఒకటి", "ఒక్కటి", "okati", "okkati"), 1),
    **dict.fromkeys(("two", "రెండు", "rendu"), 2),
    **dict.fromkeys(("three", "మూడు", "moodu", "mudu"), 3),
    **dict.fromkeys(("four", "నాలుగు", "naalugu", "nalugu"), 4),
    **dict.fromkeys(("five", "ఐదు", "అయిదు", "aidu", "ayidu"), 5),
    **dict.fromkeys(("six", "ఆరు", "aaru", "aru"), 6),
    **dict.fromkeys(("seven", "ఏడు", "edu", "yedu"), 7),
    **dict.fromkeys(("eight", "ఎనిమిది", "enimidi", "yenimidi"), 8),
    **dict.fromkeys(("nine", "తొమ్మిది", "tommidi", "thommidi"), 9),
    **dict.fromkeys(("ten", "పది", "padi"), 10),
}
DIGITS = re.compile(r"^(10|[1-9])\s*(?:(?:/|out of)\s*(5|10)|stars?|నక్షత్రాలు|నక్షత్రం|మార్కులు)?$")
SUFFIXES = ("", " stars", " star", " నక్షత్రాలు", "/10")


def on_ten(score: int, scale: int) -> float:
    """A score on `scale` placed on 1–10 with the ends kept (see the module's docstring)."""
    if scale == SCALE:
        return float(score)
    return 1 + (score - 1) * (SCALE - 1) / (scale - 1)


def shown(score: int, scale: int) -> str:
    """As the citizen gave it: "8/10", or "4/5" for a rating from before 1–10."""
    return f"{score}/{scale}"


def average_on_ten(ratings: Iterable[tuple[int, int]]) -> float | None:
    """The mean of (score, scale) pairs on 1–10; None when there are none."""
    values = [on_ten(score, scale) for score, scale in ratings]
    return sum(values) / len(values) if values else None


def parse_score(typed: str) -> int | None:
    """1–10 from what the citizen typed (stars, "8", "8/10", "4/5", the word), else None.

    "4/5" is the citizen's own 1–5 rating, so it is placed on 1–10 as the docstring says and
    rounded (4/5 → 8)."""
    text = unicodedata.normalize("NFC", typed).casefold()
    # emoji presentation selectors and joiners ride along with the star emoji
    text = "".join(c for c in text if c not in "\ufe0f\ufe0e\u200d").strip().strip(".!")
    if text and all(c in STARS or c.isspace() for c in text):
        count = sum(1 for c in text if c in STARS)
        return count if 1 <= count <= SCALE else None
    text = " ".join(text.split())
    found = DIGITS.match(text)
    if found:
        value, out_of = int(found.group(1)), found.group(2)
        if out_of == "5":
            return round(on_ten(value, 5)) if value <= 5 else None
        return value
    for word, value in WORDS.items():
        if any(text == f"{word}{suffix}" for suffix in SUFFIXES):
            return value
    return None
