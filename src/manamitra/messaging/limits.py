"""WhatsApp's length and count limits (Cloud API reference, 2025–2026), written once.

The engine keeps within them, the WhatsApp renderer refuses what breaks them, and the sandbox
answers as Meta does; all three read these numbers. Meta counts characters as code points, so
shortening must respect that count and still never cut inside a grapheme cluster: a Telugu
syllable such as "డీ" is a consonant plus a vowel sign, and cutting between them shows a
broken letter.
"""

from __future__ import annotations

import regex

MAX_BUTTONS = 3
MAX_BUTTON_TITLE = 20
MAX_BUTTON_ID = 256
MAX_LIST_ROWS = 10
MAX_SECTIONS = 10
MAX_SECTION_TITLE = 24
MAX_LIST_BUTTON = 20
MAX_ROW_TITLE = 24
MAX_ROW_DESCRIPTION = 72
MAX_ROW_ID = 200
MAX_INTERACTIVE_BODY = 1024
MAX_TEXT_BODY = 4096
MAX_HEADER = 60
MAX_FOOTER = 60
MAX_CTA_TEXT = 20
MAX_CAPTION = 1024

ELLIPSIS = "…"
_GRAPHEME = regex.compile(r"\X")


def clip(text: str, limit: int) -> str:
    """`text` within `limit` code points, cut only between grapheme clusters (then "…")."""
    if len(text) <= limit:
        return text
    room = limit - len(ELLIPSIS)
    kept: list[str] = []
    used = 0
    for cluster in _GRAPHEME.findall(text):
        if used + len(cluster) > room:
            break
        kept.append(cluster)
        used += len(cluster)
    return "".join(kept).rstrip() + ELLIPSIS
