"""The profile's and the ratings' own catalogues say the same things in Telugu and English:
the same keys, the same placeholders, and every list row and button within WhatsApp's limits."""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any

import pytest

from manamitra import profile, ratings
from manamitra.messaging.limits import MAX_BUTTON_TITLE, MAX_LIST_BUTTON, MAX_ROW_TITLE
from manamitra.yamlio import load_yaml

AREAS = {
    "profile": Path(profile.__file__).parent / "messages",
    "ratings": Path(ratings.__file__).parent / "messages",
}


def _flat(node: Any, prefix: str = "") -> dict[str, str]:
    if isinstance(node, dict):
        out: dict[str, str] = {}
        for key, value in node.items():
            out.update(_flat(value, f"{prefix}{key}."))
        return out
    return {prefix.rstrip("."): str(node)}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("area", sorted(AREAS))
def test_both_languages_have_the_same_sentences(area: str) -> None:
    te, en = (
        _flat(load_yaml((AREAS[area] / f"{lang}.yaml").read_text(encoding="utf-8")))
        for lang in ("te", "en")
    )
    assert te.keys() == en.keys()
    for key in te:
        assert _fields(te[key]) == _fields(en[key]), key


def test_rating_rows_and_buttons_fit_whatsapp() -> None:
    for lang in ("te", "en"):
        data = load_yaml((AREAS["ratings"] / f"{lang}.yaml").read_text(encoding="utf-8"))
        assert all(len(row) <= MAX_ROW_TITLE for row in data["row"].values())
        assert len(data["button"]) <= MAX_LIST_BUTTON
        assert len(data["comment_skip"]) <= MAX_BUTTON_TITLE
        words = load_yaml((AREAS["profile"] / f"{lang}.yaml").read_text(encoding="utf-8"))
        for key in (
            "allow",
            "refuse",
            "use",
            "change",
            "my_documents",
            "correct",
            "withdraw",
            "allow_again",
        ):
            assert len(words[key]) <= MAX_BUTTON_TITLE, (lang, key)
