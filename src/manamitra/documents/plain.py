"""The page our documents are drawn on, through fpdf2's public API only: our fonts, the
fallback from one script's font to the other's, word wrap that shrinks the type to fit, and
the QR placed as a picture. `render` draws on this when MM_DOCUMENTS_RENDERER=plain; the fast
`DocumentPdf` extends it and replaces what costs time."""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from fpdf import FPDF
from fpdf.fonts import TTFFont

from manamitra.documents.qr import QrCode, qr_image
from manamitra.documents.shaping import FONT_FILES, FONTS

FALLBACK_CHAIN = ("la", "te")  # Noto Sans, then Noto Sans Telugu
_VIRAMA = "\u0c4d"


def _joins_previous(char: str) -> bool:
    """A vowel sign, virama or other mark: it belongs to the letter before it."""
    return unicodedata.category(char).startswith("M") or char in "\u200c\u200d"


class PlainPdf(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.set_compression(True)
        self.set_auto_page_break(False)
        self.set_margins(16, 14, 16)
        for family, style, file in FONT_FILES:
            self.add_document_font(family, style, FONTS / file)
        self.set_fallback_fonts(["la"], exact_match=False)
        self.set_text_shaping(True)
        self.identity: bytes | None = None  # what makes this document unique (see file_id)

    def add_document_font(self, family: str, style: str, path: Path) -> None:
        self.add_font(family, style, str(path))

    def qr(self, code: QrCode, x: float, y: float, size: float, scale: int) -> None:
        self.image(qr_image(code, scale=scale), x=x, y=y, w=size, h=size)

    def file_id(self) -> str | Literal[-1] | None:
        """The /ID from `identity` (render sets it to the signed QR text, which no other
        document has) and the creation date, rather than fpdf2's MD5 of the whole file."""
        if self.identity is None:
            return -1
        digest = hashlib.md5(self.identity, usedforsecurity=False)
        if self.creation_date:
            digest.update(self.creation_date.strftime("%Y%m%d%H%M%S").encode())
        code = digest.hexdigest().upper()
        return f"<{code}><{code}>"

    def get_fallback_font(self, char: str, style: str = "") -> str | None:
        """fpdf2 invites overriding this: a character the current font lacks is drawn in
        Noto Sans, else Noto Sans Telugu, in the same weight (a Telugu name in an English
        line, a Latin letter in a Telugu one), decided without fpdf2's scan of every font."""
        weight = "B" if "B" in style else ""
        for family in FALLBACK_CHAIN:
            font = self.fonts.get(family + weight)
            if isinstance(font, TTFFont) and ord(char) in font.cmap:
                return font.fontkey
        return None

    @contextmanager
    def once(self) -> Iterator[None]:
        """Cells drawn inside hold text no other document shows (a number, a link); the fast
        renderer does not remember them."""
        yield

    def te(self, size: float, bold: bool = False) -> None:
        self.use_font("te", "B" if bold else "", size)

    def la(self, size: float, bold: bool = False) -> None:
        self.use_font("la", "B" if bold else "", size)

    def use_font(self, family: str, style: str, size: float) -> None:
        self.set_font(family, style, size)

    def width_of(self, word: str) -> float:
        return self.get_string_width(word)

    def wrapped(self, text: str, width: float) -> list[str]:
        """Greedy word wrap: the lines `text` takes in `width` in the current font (a word
        wider than `width` stays whole on a line of its own)."""
        space = self.width_of(" ")
        lines: list[str] = []
        for block in text.split("\n"):
            line: list[str] = []
            used = 0.0
            for word in block.split(" "):
                size = self.width_of(word)
                if line and used + space + size > width:
                    lines.append(" ".join(line))
                    line, used = [], 0.0
                used += (space if line else 0.0) + size
                line.append(word)
            lines.append(" ".join(line))
        return lines

    def fitted(self, text: str, width: float, max_lines: int, smallest: float) -> list[str]:
        """Wrap, then shrink: the font size goes down by half points from the current one
        (to `smallest` at most) until `text` takes at most `max_lines` lines and no word is
        wider than `width`; the lines at that size. A word too wide even then is broken."""
        while True:
            lines = self.wrapped(text, width)
            # greedy wrap overfills only a line of one word
            fits = len(lines) <= max_lines and all(
                " " in line or self.width_of(line) <= width for line in lines
            )
            if fits or self.font_size_pt <= smallest:
                break
            self.set_font_size(max(smallest, self.font_size_pt - 0.5))
        return [piece for line in lines for piece in self._broken(line, width)]

    def _broken(self, line: str, width: float) -> list[str]:
        """`line` cut into pieces no wider than `width`, never inside a Telugu syllable."""
        if " " in line or self.width_of(line) <= width:
            return [line]
        pieces, piece = [], ""
        for char in line:
            joined = _joins_previous(char) or (piece[-1:] == _VIRAMA)
            if piece and not joined and self.get_string_width(piece + char) > width:
                pieces.append(piece)
                piece = ""
            piece += char
        return [*pieces, piece]

    def paragraph(
        self,
        width: float,
        height: float,
        text: str,
        x: float | None = None,
        lines: list[str] | None = None,
    ) -> None:
        """`text` (or its `lines`, as `fitted` gave them) one `cell` per line. fpdf2's
        multi_cell shapes the text again for every character it tries, which made rendering
        slow."""
        left = self.l_margin if x is None else x
        for line in self.wrapped(text, width) if lines is None else lines:
            self.set_x(left)
            self.cell(width, height, line, new_x="LEFT", new_y="NEXT")
        self.set_x(self.l_margin)

    def fitted_cell(self, w: float, h: float, text: str, smallest: float, **kwargs: Any) -> None:
        """A one-line cell whose font shrinks (to `smallest` at most) until `text` fits `w`;
        the size is restored after."""
        size = self.font_size_pt
        room = w - 2 * self.c_margin
        while self.font_size_pt > smallest and self.width_of(text) > room:
            self.set_font_size(max(smallest, self.font_size_pt - 0.5))
        self.cell(w, h, text, **kwargs)
        self.set_font_size(size)

    def centred(self, text: str, height: float) -> None:
        self.set_x(self.l_margin)
        self.fitted_cell(
            self.epw,
            height,
            text,
            self.font_size_pt * 0.7,
            align="C",
            new_x="LMARGIN",
            new_y="NEXT",
        )
