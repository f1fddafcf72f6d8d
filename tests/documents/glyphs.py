"""A test helper that catches a render drawing a glyph its font does not have: every line a
document writes is split into runs of one font as the renderer splits it, and each run shaped
by HarfBuzz; a glyph id 0 (.notdef) is a character no font of the chain can draw (the
renderer would silently leave it out). On the plain renderer, which has no runs of its own to
split by, a character that neither the line's font nor any font of the fallback chain maps."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest.mock import patch

from fpdf.fonts import TTFFont

from manamitra.documents.pdf import DocumentPdf
from manamitra.documents.plain import PlainPdf
from manamitra.documents.shaping import SharedFont


@contextmanager
def missing_glyphs() -> Iterator[list[str]]:
    """Collects, while rendering inside the block, "'text' in fontkey" for every run with a
    .notdef glyph."""
    found: list[str] = []
    original = DocumentPdf.cell

    def cell(self: DocumentPdf, w: Any = None, h: Any = None, text: str = "", *a: Any, **k: Any):
        font = self.current_font
        if text and isinstance(font, SharedFont):
            style = "B" if "B" in self.font_style else ""
            for fallback, piece in self._split(text, font, style):
                run_font = self.fonts[fallback] if fallback else font
                assert isinstance(run_font, SharedFont)
                shaped = run_font.shaped(piece, self.font_size_pt, self.text_shaping)
                if any(glyph is None for glyph, *_ in shaped):
                    found.append(f"{piece!r} in {run_font.fontkey}")
        return original(self, w, h, text, *a, **k)

    plain_original = PlainPdf.cell

    def plain_cell(self: PlainPdf, w: Any = None, h: Any = None, text: str = "", *a: Any, **k: Any):
        font = self.current_font
        if text and isinstance(font, TTFFont) and not isinstance(self, DocumentPdf):
            for char in dict.fromkeys(text):
                unmapped = ord(char) not in font.cmap and char not in "\n"
                if unmapped and self.get_fallback_font(char, self.font_style) is None:
                    found.append(f"{char!r} in {font.fontkey}")
        return plain_original(self, w, h, text, *a, **k)

    with patch.object(DocumentPdf, "cell", cell), patch.object(PlainPdf, "cell", plain_cell):
        yield found
