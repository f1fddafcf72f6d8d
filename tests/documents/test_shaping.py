"""Shaped text is remembered across documents: what the memo gives back is what fpdf2's own
shaping gives, in every document's own subset."""

from __future__ import annotations

import pytest
from fpdf.fonts import TTFFont

from manamitra.documents.render import _Pdf

TEXTS = [
    "ఆంధ్రప్రదేశ్ ప్రభుత్వం",
    "శ్రీ వెంకట రావు గారి కుమారుడు",
    "ధ్రువీకరించడమైనది ₹ 96,000",
    "INCOME CERTIFICATE / ఆదాయ ధ్రువీకరణ పత్రం",
]


@pytest.mark.parametrize("key", ["te", "teB", "la"])
def test_remembered_shaping_matches_fpdf2(key: str) -> None:
    for _ in range(2):  # the second document is served from the memo
        ours, theirs = _Pdf(), _Pdf()
        params = ours.text_shaping
        for text in TEXTS:
            for size in (9.0, 11.5):
                expected = TTFFont.shape_text(theirs.fonts[key], text, size, params)
                assert ours.fonts[key].shape_text(text, size, params) == expected
                width = TTFFont.shaped_text_width(theirs.fonts[key], text, size, params)
                assert ours.fonts[key].shaped_text_width(text, size, params) == width
        mine = list(ours.fonts[key].subset.items())
        assert mine == list(theirs.fonts[key].subset.items())
        assert any(glyph is not None and len(glyph.unicode) > 1 for glyph, _ in mine) or key == "la"
