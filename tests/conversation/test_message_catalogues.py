from __future__ import annotations

import re
import string

from manamitra.messaging.i18n import LANGUAGES, catalogue

TELUGU_BLOCK = re.compile(r"[\u0C00-\u0C7F]")


def _flatten(node: object, prefix: str = "") -> dict[str, object]:
    if isinstance(node, dict):
        out: dict[str, object] = {}
        for key, value in node.items():
            out.update(_flatten(value, f"{prefix}{key}."))
        return out
    return {prefix.rstrip("."): node}


def test_both_catalogues_have_the_same_keys() -> None:
    keys = {lang: set(_flatten(catalogue(lang))) for lang in LANGUAGES}
    assert keys["te"] ^ keys["en"] == set()


def test_placeholders_match_between_languages() -> None:
    te, en = _flatten(catalogue("te")), _flatten(catalogue("en"))
    for key, english in en.items():
        if not isinstance(english, str):
            continue
        names = {f for _, f, _, _ in string.Formatter().parse(english) if f}
        telugu_names = {f for _, f, _, _ in string.Formatter().parse(str(te[key])) if f}
        assert names == telugu_names, key


def test_telugu_sentences_are_written_in_telugu() -> None:
    for key, text in _flatten(catalogue("te")).items():
        if key.startswith("words.") or not isinstance(text, str):
            continue
        # Placeholders and acronyms (PDF, APSRTC, OTP) are written the same in Telugu text.
        words_only = re.sub(r"\{[a-z_]+\}|\b[A-Z][A-Z0-9-]+\b", "", text)
        if not re.search(r"[A-Za-z\u0C00-\u0C7F]", words_only):
            continue  # only placeholders and punctuation
        assert TELUGU_BLOCK.search(text), f"{key} has no Telugu: {text!r}"
        assert "\ufffd" not in text, key
