"""Shortening to WhatsApp's limits never cuts a Telugu syllable in half."""

from __future__ import annotations

import regex

from manamitra.messaging.limits import MAX_ROW_TITLE, clip
from manamitra.messaging.paging import choices_message
from manamitra.messaging.reply import Choice, ListMenu

LONG_TELUGU = "బిల్లు చెల్లింపు ఏపీఈపీడీసీఎల్ విద్యుత్ సంస్థ"


def _clusters(text: str) -> list[str]:
    return regex.findall(r"\X", text)


def test_clip_keeps_whole_syllables_within_the_code_point_limit() -> None:
    clipped = clip(LONG_TELUGU, MAX_ROW_TITLE)
    assert len(clipped) <= MAX_ROW_TITLE
    assert clipped.endswith("…")
    kept = _clusters(clipped.removesuffix("…"))
    assert kept == _clusters(LONG_TELUGU)[: len(kept)]
    # The naive cut at 23 code points ends in "డ", a consonant whose vowel sign "ీ" is lost.
    assert not clipped.removesuffix("…").endswith("డ")


def test_clip_leaves_short_text_alone() -> None:
    assert clip("విద్యుత్ బిల్లు", MAX_ROW_TITLE) == "విద్యుత్ బిల్లు"


def test_list_rows_are_cut_between_syllables() -> None:
    choices = [Choice(id=f"svc:{i}", title=LONG_TELUGU) for i in range(5)]
    menu = choices_message("ఎంచుకోండి", choices, "te", prefer_buttons=False)
    assert isinstance(menu, ListMenu)
    for row in menu.sections[0].rows:
        body = row.title.removesuffix("…")
        assert len(row.title) <= MAX_ROW_TITLE
        assert _clusters(body) == _clusters(LONG_TELUGU)[: len(_clusters(body))]
