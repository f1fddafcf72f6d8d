"""A line is shaped as its words, each shaped once and remembered, joined by the space's glyph,
only where that is exactly what HarfBuzz gives the whole line; otherwise the line is shaped."""

from __future__ import annotations

from typing import Any

import pytest
from fontTools.ttLib import TTFont
from fpdf.fonts import TTFFont

from manamitra.documents import shaping
from manamitra.documents.demo import DEMO_FACTS
from manamitra.documents.pdf import DocumentPdf
from manamitra.documents.render import render
from manamitra.documents.shaping import SharedFont
from tests.documents.test_shaping import _page

LINES = [
    "శ్రీ రవి కుమార్ రెడ్డి S/o. వెంకట రావు, వయస్సు 34 సంవత్సరాలు",
    "వార్షిక ఆదాయం ₹ 96,000 (తొంభై ఆరు వేలు) మాత్రమే అని ధ్రువీకరించడమైనది.",
    "Sri Ravi Kumar Reddy, S/o. Venkata Rao, aged 34 years, H.No. 12-3/4A",
    "Annual income: Rs. 1,20,000/- (One Lakh Twenty Thousand) \"AV\" 'To' Wa. f j",
    "  two  spaces, a trailing one ",
    "AP-X-2026-000123 https://verify.example.in/d/AP-X-2026-000123/t0k3n",
    "12 34 / 56",
]


def _used() -> set[tuple[str, float]]:
    """The (font, size) pairs every document type sets (its lines may come from the memos)."""
    used: set[tuple[str, float]] = set()
    original = DocumentPdf.set_font

    def spy(self: DocumentPdf, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        font = self.current_font
        assert isinstance(font, SharedFont)
        used.add((font.fontkey, self.font_size_pt))

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DocumentPdf, "set_font", spy)
        for serial, doc_type in enumerate(sorted(DEMO_FACTS)):
            render(_page(doc_type, serial))
    return used


@pytest.mark.fast_renderer
def test_word_assembled_shaping_is_whole_line_shaping_in_every_font_and_size() -> None:
    used = _used()
    assert {key for key, _ in used} == {"te", "teB", "la", "laB"}
    pdf = DocumentPdf()
    params = pdf.text_shaping
    sizes = sorted({size for _, size in used})  # Noto Sans also falls back for Telugu lines
    for key, size in [(key, size) for key in ("te", "teB", "la", "laB") for size in sizes]:
        font = pdf.fonts[key]
        assert isinstance(font, SharedFont)
        assert shaping.words_shape_as_lines(font, size, params), (key, size)
        for line in LINES:
            assembled = font._assembled(line, size, params)
            assert assembled is not None
            assert assembled == font._shape(line, size, params), (key, size, line)
            width = font.shaped_text_width(line, size, params)
            assert width == TTFFont.shaped_text_width(font, line, size, params)


def test_lines_with_words_that_begin_with_a_mark_are_shaped_whole() -> None:
    pdf = DocumentPdf()
    params = pdf.text_shaping
    odd = ["రవి ి కుమార్", "క \u200dష రెడ్డి", "a \u0301b c", "ఎ.  ్ రావు "]
    for key in ("te", "teB", "la", "laB"):
        font = pdf.fonts[key]
        assert isinstance(font, SharedFont)
        for text in odd:
            assert font._assembled(text, 10.0, params) is None
            assert font.shaped(text, 10.0, params) == font._shape(text, 10.0, params)


def test_a_font_whose_words_do_not_shape_as_lines_is_shaped_line_by_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pdf = DocumentPdf()
    font, params = pdf.fonts["la"], pdf.text_shaping
    assert isinstance(font, SharedFont)
    size = 9.25  # a size no document uses, so the check runs here
    monkeypatch.setattr(shaping, "_assembled_equals_whole", lambda *_: False)
    monkeypatch.setattr(shaping, "_EQUIVALENT", {})
    shaped_lines: list[str] = []
    original = SharedFont._shape

    def shape(self: SharedFont, text: str, *args: Any) -> Any:
        shaped_lines.append(text)
        return original(self, text, *args)

    def no_words(*_: Any) -> Any:
        raise AssertionError("assembled from words")

    monkeypatch.setattr(SharedFont, "_shape", shape)
    monkeypatch.setattr(SharedFont, "_assembled", no_words)
    text = "Sri Ravi Kumar Reddy of Guntur"
    assert not shaping.words_shape_as_lines(font, size, params)
    assert font.shape_text(text, size, params)
    assert shaped_lines == [text]


def test_a_font_naming_the_space_in_its_lookups_is_shaped_line_by_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pdf = DocumentPdf()
    font = pdf.fonts["te"]
    assert isinstance(font, SharedFont)
    monkeypatch.setattr(shaping, "_SPACE_FREE", {font.ttffile: False})
    monkeypatch.setattr(shaping, "_EQUIVALENT", {})
    assert not shaping.words_shape_as_lines(font, 10.5, pdf.text_shaping)


def test_the_space_check_finds_a_glyph_in_the_lookups() -> None:
    font = TTFont(shaping.FONTS / "NotoSans-Regular.ttf", lazy=False)
    assert shaping._names(font["GPOS"], "T", set())  # kerned: T is in the GPOS pairs
    assert not shaping._names(font["GPOS"], "space", set())
