"""The fast renderer's fonts and runs: each font parsed once a process and shared by every
document (its own subset map and code book), the font set on the page when chosen, and text
split into runs of one font and script, remembered across documents. `DocumentPdf` (pdf.py)
builds its lines on these; both reach into fpdf2's internals, which `fpdf_contract` lists."""

from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path
from typing import Any

from fpdf.enums import TextDirection
from fpdf.fonts import TTFFont
from fpdf.line_break import Fragment
from fpdf.unicode_script import UnicodeScript, get_unicode_script

from manamitra.documents.lines import RUNS, CodeBook, DocumentSubsetMap, Run
from manamitra.documents.plain import PlainPdf
from manamitra.documents.shaping import SharedFont
from manamitra.documents.subset import DocumentFont, FontProgram

_PROTOTYPES: dict[str, tuple[SharedFont, FontProgram, CodeBook]] = {}
# fpdf2 looks each character's script up in a table of ranges; names change per document
unicode_script = lru_cache(maxsize=8192)(get_unicode_script)


class FontRuns(PlainPdf):
    """Fonts added once a process, and text split into runs of one font (`_split`)."""

    def __init__(self) -> None:
        super().__init__()
        self._books: tuple[tuple[str, int, CodeBook], ...] | None = None

    def add_document_font(self, family: str, style: str, path: Path) -> None:
        self._add_cached_font(family, style, path)

    def _add_cached_font(self, family: str, style: str, path: Path) -> None:
        """fpdf2 parses a font's cmap and metrics on every add_font; we parse each font once
        per process and give every document a copy with its own subset map and its own
        `DocumentFont`, sharing the parsed font, its program and the HarfBuzz font."""
        key = f"{family}{style}"
        cached = _PROTOTYPES.get(key)
        if cached is None:
            self.add_font(family, style, str(path))
            added = self.fonts[key]
            if not isinstance(added, TTFFont):
                return
            _ = added.hbfont  # built once, shared by the copies
            shared = copy.copy(added)
            shared.__class__ = SharedFont
            assert isinstance(shared, SharedFont)
            cached = _PROTOTYPES[key] = (shared, FontProgram(path, added.ttfont), CodeBook())
        prototype, program, book = cached
        font = copy.copy(prototype)
        font.i = len(self.fonts) + (0 if key in self.fonts else 1)
        font.ttfont = DocumentFont(program)
        font.missing_glyphs = []
        font.biggest_size_pt = 0
        font.subset = DocumentSubsetMap(font, book)
        self.fonts[key] = font

    def _font_books(self) -> tuple[tuple[str, int, CodeBook], ...]:
        """Each of our fonts' key, number and code book: what a remembered line's text holds."""
        fonts = self.fonts
        if self._books is None or len(self._books) != len(fonts):
            self._books = tuple(
                (key, font.i, font.subset.book)
                for key, font in fonts.items()
                if isinstance(font, SharedFont) and isinstance(font.subset, DocumentSubsetMap)
            )
        return self._books

    def use_font(self, family: str, style: str, size: float) -> None:
        """Select a font and set it on the page at once. Left to the first line, fpdf2 sets it
        inside that line's text object when the line opens in the fallback font, and a line
        in another colour is wrapped in q/Q, which forgets it: the next line's glyph codes
        were then drawn in whatever font was set before (the wrong glyphs, or boxes)."""
        self.set_font(family, style, size)
        font = self.current_font
        if self.page > 0 and font is not None and not self.current_font_is_set_on_page:
            self._out(self._set_font_for_page(font, self.font_size_pt))

    def _preload_bidirectional_text(self, text: str, markdown: bool) -> Any:
        # Telugu and English both run left to right: skip fpdf2's pure-Python bidi pass,
        # a fifth of the layout time, and hand the text straight to font selection.
        if not self.text_shaping:
            return super()._preload_bidirectional_text(text, markdown)
        self.text_shaping["paragraph_direction"] = TextDirection.LTR
        self.text_shaping["fragment_direction"] = TextDirection.LTR
        font = self.current_font
        alias = self.str_alias_nb_pages
        if markdown or not text or not isinstance(font, SharedFont) or (alias and alias in text):
            return self._preload_font_styles(text, markdown)
        return self._fragments(text, font)

    def _fragments(self, text: str, font: SharedFont) -> tuple[Fragment, ...]:
        """What fpdf2's _parse_chars makes of plain text (runs split where the script or the
        font changes), with the split remembered across documents."""
        bold, italic = "B" in self.font_style, "I" in self.font_style
        style = ("B" if bold else "") + ("I" if italic else "")
        key = (text, font.fontkey, style)
        runs = RUNS.get(key)
        if runs is None:
            runs = self._split(text, font, style)
            RUNS.put(key, runs)
        fragments = []
        for fallback, piece in runs:
            state = self._get_current_graphics_state()
            state.font_style = style
            state.strikethrough = bool(self.strikethrough)
            state.underline = bool(self.underline)
            if fallback:
                state.font_family = fallback.replace("B", "").replace("I", "")
                state.font_style = "".join(c for c in fallback if c in "BI")
                state.current_font = self.fonts[fallback]
            fragments.append(Run(list(piece), state, self.k))
        self._markdown_emphasis = (bold, italic, bool(self.strikethrough), bool(self.underline))
        return tuple(fragments)

    def _split(self, text: str, font: SharedFont, style: str) -> tuple[tuple[str | None, str], ...]:
        runs: list[tuple[str | None, str]] = []
        piece: list[str] = []
        fallback: str | None = None
        script: UnicodeScript | None = None

        def close() -> None:
            nonlocal piece, fallback, script
            runs.append((fallback, "".join(piece)))
            piece = []
            if fallback:
                fallback, script = None, None

        for char in text:
            char_script = unicode_script(char)
            if char_script not in (UnicodeScript.COMMON, UnicodeScript.UNKNOWN, script):
                if piece and script:
                    close()
                script = char_script
            if char != "\n" and ord(char) not in font.cmap:
                other = self.get_fallback_font(char, style)
                if other:
                    if other != fallback:
                        if piece:
                            close()
                        fallback = other
                    piece.append(char)
                    continue
            if fallback:
                if piece:
                    close()
                fallback = None
            piece.append(char)
        if piece:
            close()
        return tuple(runs)
