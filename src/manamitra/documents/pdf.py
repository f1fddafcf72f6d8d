"""The fast renderer's page (`PlainPdf` made fast through fpdf2's internals, which
`fpdf_contract` lists): lines written from remembered runs and plans, word widths remembered,
and the QR placed as our own 1-bit image. Its fonts and runs are `pdf_fonts.FontRuns`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from fpdf.enums import Align, CharVPos, PDFResourceType, TextDirection, TextMode, XPos, YPos
from fpdf.fonts import TTFFont
from fpdf.image_datastructures import RasterImageInfo

from manamitra.documents import deflate, subset
from manamitra.documents.lines import (
    LINE_WRITES,
    LINES,
    RUNS,
    CodeBook,
    DocumentSubsetMap,
    LinePart,
    LineRun,
    LineWrite,
    planned,
    written_marking,
)
from manamitra.documents.pdf_fonts import FontRuns
from manamitra.documents.pdf_output import OWN_IMAGE
from manamitra.documents.qr import QrCode, qr_image_bytes
from manamitra.documents.shaping import (
    MEMO_SIZE,
    Memo,
    SharedFont,
    shaping_key_of,
)

_WIDTHS: dict[tuple[str, str, float, str], float] = {}


@dataclass(frozen=True)
class _Replay:
    """A line's whole write (`text`), the fonts it sets (key, number) and the glyphs its runs
    mark used in each font: the same in every document, found by the line's id (the entry
    holds the line, so the id is not reused while it stays)."""

    line: LineWrite
    text: str
    sets: tuple[tuple[str, int], ...]
    marks: tuple[tuple[str, dict[Any, int]], ...]
    fonts: tuple[tuple[str, int, CodeBook], ...]  # the fonts' numbers and books `text` shows


_REPLAYS: Memo[int, _Replay] = Memo(MEMO_SIZE)


_COERCED: dict[tuple[type, Any], Any] = {}
_E = TypeVar("_E", Align, XPos, YPos)


def _coerced(kind: type[_E], value: _E | str) -> _E:
    """`kind.coerce(value)`, remembered: fpdf2 looks the member up through Enum's machinery
    on every call, three times a cell."""
    member = _COERCED.get((kind, value))
    if member is None:
        member = _COERCED[(kind, value)] = kind.coerce(value)
    return member  # type: ignore[no-any-return]


def _subset_of(font: Any) -> DocumentSubsetMap:
    subset_map = font.subset
    assert isinstance(subset_map, DocumentSubsetMap)
    return subset_map


class DocumentPdf(FontRuns):
    """The page drawn fast: fonts parsed once a process, lines laid out and written once and
    replayed, the QR as our own 1-bit image. It reaches into fpdf2's internals, which
    `fpdf_contract` lists and checks."""

    def __init__(self) -> None:
        subset.install()  # here, not on import: the plain renderer leaves fpdf2 as it is
        super().__init__()
        self._remember = True

    def qr(self, code: QrCode, x: float, y: float, size: float, scale: int) -> None:
        """The QR as a 1-bit Flate image (a third of the bytes of fpdf2's CCITT G4 here, and
        no round trip through a TIFF file), placed as fpdf2 places a raster image."""
        picture, side = qr_image_bytes(code, scale=scale)
        cache = self.image_cache.images
        name = f"manamitra-qr-{len(cache) + 1}"
        info = RasterImageInfo(
            data=deflate.zlib_stream(picture),
            w=side,
            h=side,
            cs="DeviceGray",
            dpn=1,
            bpc=1,
            f="FlateDecode",
            iccp=None,
            iccp_i=None,
            i=len(cache) + 1,
            usages=1,
        )
        info[OWN_IMAGE] = True
        cache[name] = info
        self._raster_image(name, None, info, x=x, y=y, w=size, h=size)

    def cell(  # type: ignore[override]
        self,
        w: float | None = None,
        h: float | None = None,
        text: str = "",
        border: Literal[0, 1] | str = 0,
        ln: Literal["DEPRECATED"] = "DEPRECATED",
        align: str | Align = Align.L,
        fill: bool = False,
        link: str | int | None = "",
        center: bool = False,
        markdown: bool = False,
        new_x: str | XPos = XPos.RIGHT,
        new_y: str | YPos = YPos.TOP,
    ) -> bool:
        """fpdf2's cell, written here for the lines our documents print (one style, no fill,
        link, underline, spacing, stretching or page break): the same operators, from the
        remembered runs and plans, without fpdf2's fragments and graphics-state copies."""
        align = _coerced(Align, align)
        font = self.current_font
        plain = (
            text
            and border in (0, 1)
            and align in (Align.L, Align.C, Align.R)
            and ln == "DEPRECATED"
            and not (fill or link or center or markdown)
            and isinstance(font, SharedFont)
            and self.text_shaping
            and self.page > 0
            and not (self.str_alias_nb_pages and self.str_alias_nb_pages in text)
            and not (self.underline or self.strikethrough or self._record_text_quad_points)
            and self.char_vpos == CharVPos.LINE
            and self.text_mode == TextMode.FILL
            and self.char_spacing == 0
            and self.font_stretching == 100
            and not self.will_page_break(self.font_size if h is None else h)
        )
        if not plain:
            return bool(
                super().cell(
                    w, h, text, border, ln, align, fill, link, center, markdown, new_x, new_y
                )
            )
        assert isinstance(font, SharedFont)
        return self._line(
            font, w, h, text, int(border), align, _coerced(XPos, new_x), _coerced(YPos, new_y)
        )

    def _line(
        self,
        font: SharedFont,
        w: float | None,
        h: float | None,
        text: str,
        border: int,
        align: Align,
        new_x: XPos,
        new_y: YPos,
    ) -> bool:
        """fpdf2's _render_styled_text_line for one style, step for step (the same float
        arithmetic, so the same numbers print). What a line writes and where it leaves the
        position depend only on the state in `key`, so they are worked out once (`_compose`)
        and replayed, with this document's glyph codes and font resources, by `_replay`."""
        shaping = self.text_shaping
        assert shaping is not None  # `cell` takes this path only with shaping on
        shaping["paragraph_direction"] = TextDirection.LTR
        shaping["fragment_direction"] = TextDirection.LTR
        style = ("B" if "B" in self.font_style else "") + ("I" if "I" in self.font_style else "")
        self._markdown_emphasis = ("B" in style, "I" in style, False, False)
        current = self.current_font
        key = (
            shaping_key_of(font, text, self.font_size_pt, shaping),
            font.fontkey,
            style,
            (w, h, border, align, new_x, new_y),
            (self.x, self.y, self.w, self.h, self.k, self.c_margin),
            (self.l_margin, self.r_margin, self.t_margin, self.b_margin),
            (self.text_color, self.fill_color, self.current_font_is_set_on_page),
            (current.fontkey if isinstance(current, TTFFont) else current, self.font_style),
            tuple(self._fallback_font_ids),
        )
        remember = self._remember
        line = LINE_WRITES.get(key) if remember else None
        if line is None:
            line = self._compose(font, w, h, text, border, align, new_x, new_y, style, shaping)
            if remember:
                LINE_WRITES.put(key, line)
        self._replay(line)
        return False

    def _compose(
        self,
        font: SharedFont,
        w: float | None,
        h: float | None,
        text: str,
        border: int,
        align: Align,
        new_x: XPos,
        new_y: YPos,
        style: str,
        shaping: dict[str, Any],
    ) -> LineWrite:
        """What `_line` does from this state, as data: it reads the state and changes none."""
        size_pt, k = self.font_size_pt, self.k
        key = (shaping_key_of(font, text, size_pt, shaping), font.fontkey, style, k)
        remember = self._remember
        layout = LINES.get(key) if remember else None
        if layout is None:
            layout = self._layout(font, text, style, size_pt, shaping)
            if remember:
                LINES.put(key, layout)
        laid, text_width = layout
        runs: list[tuple[SharedFont, str, str, float, Any]] = []
        for fallback, run_style, piece, width, shaping_key in laid:
            run_font = font
            if fallback:
                other = self.fonts[fallback]
                assert isinstance(other, SharedFont)
                run_font = other
            runs.append((run_font, run_style, piece, width, shaping_key))

        margin = self.c_margin
        if w is None:
            w = text_width + margin + margin
        elif w == 0:
            w = self.w - self.r_margin - self.x
        max_font_size = size_pt / k
        if h is None:
            h = max_font_size
        out: list[LinePart] = []
        if border == 1:
            left, right = self.x * k, (self.x + w) * k
            top, bottom = (self.h - self.y) * k, (self.h - (self.y + h)) * k
            out.append(f"{left:.2f} {top:.2f} {right - left:.2f} {bottom - top:.2f} re S")
        if align == Align.R:
            dx = w - margin - text_width
        elif align == Align.C:
            dx = (w - text_width) / 2
        else:
            dx = margin
        start = self.x + dx
        out.append(
            f"BT {(self.x + dx) * k:.2f} "
            f"{(self.h - self.y - 0.5 * h - 0.3 * max_font_size) * k:.2f} Td"
        )
        on_page = self.current_font_is_set_on_page
        if (
            not on_page
            and runs[0][0].fontkey in self._fallback_font_ids
            and font.fontkey not in self._fallback_font_ids
        ):
            out.append((font.fontkey,))
            on_page = True
        color = self.text_color
        color_changed = color != self.fill_color
        if color_changed:
            assert color is not None
            out.append(color.serialize().lower())
        state: tuple[Any, float, str] = (self.current_font, self.font_size_pt, self.font_style)
        current = state
        first: tuple[str, str] | None = None
        at_y = self.y + (0.5 * h + 0.3 * max_font_size)
        spacing, stretching = self.char_spacing, self.font_stretching
        shown = 0.0
        for run_font, run_style, piece, width, shaping_key in runs:
            if not on_page:
                state = current = (run_font, size_pt, run_style)
                first = (run_font.fontkey, run_style)
                on_page = True
            elif current[0] is not run_font or current[1] != size_pt or current[2] != run_style:
                current = (run_font, size_pt, run_style)
                out.append((run_font.fontkey,))
            at = (self.x + dx + shown, at_y, self.h, k, spacing, stretching)
            plan = planned(run_font, piece, size_pt, shaping, at, shaping_key, remember)
            if plan:
                out.append((run_font.fontkey, plan))
            shown += width
        out.append("ET")
        wrapped = (
            current[0] is not state[0]
            or current[1] != state[1]
            or current[2] != state[2]
            or color_changed
        )

        x, y = self.x, self.y
        if new_x == XPos.RIGHT:
            x += w
        elif new_x == XPos.START:
            x = start
        elif new_x == XPos.END:
            x = start + shown
        elif new_x == XPos.WCONT:
            x = start + shown - margin if shown else start
        elif new_x == XPos.CENTER:
            x = start + shown / 2.0
        elif new_x == XPos.LMARGIN:
            x = self.l_margin
        elif new_x == XPos.RMARGIN:
            x = self.w - self.r_margin
        if new_y == YPos.NEXT:
            y += h
        elif new_y == YPos.TMARGIN:
            y = self.t_margin
        elif new_y == YPos.BMARGIN:
            y = self.h - self.b_margin
        return LineWrite(
            first=first,
            parts=tuple(out),
            wrapped=wrapped,
            fonts=tuple(dict.fromkeys(run[0].fontkey for run in runs)),
            x=x,
            y=y,
            lasth=h or self.font_size,
        )

    def _replay(self, line: LineWrite) -> None:
        size_pt = self.font_size_pt
        fonts = self.fonts
        for fontkey in line.fonts:  # as get_text_width keeps it
            run_font = fonts[fontkey]
            assert isinstance(run_font, SharedFont)
            if size_pt > run_font.biggest_size_pt:
                run_font.biggest_size_pt = size_pt
        if line.first is not None:
            fontkey, style = line.first
            first = fonts[fontkey]
            self.current_font = first
            self.font_size_pt = size_pt
            self.font_style = style
            self._out(self._set_font_for_page(first, size_pt))
        known = _REPLAYS.get(id(line))
        if known is not None and known.line is line and known.fonts == self._font_books():
            page, catalog = self.page, self._resource_catalog
            for _, number in known.sets:
                catalog.add(PDFResourceType.FONT, number, page)
            if known.sets:
                self.current_font_is_set_on_page = True
            for key, marks in known.marks:
                _subset_of(fonts[key]).used.update(marks)
            self._out(known.text)
        else:
            self._out(self._write(line, size_pt, self._remember))
        self._lasth = line.lasth
        self.x, self.y = line.x, line.y

    def _write(self, line: LineWrite, size_pt: float, remember: bool) -> str:
        """What `line` writes, in the fonts' codes, remembered (with the fonts it sets and the
        glyphs it marks used) when asked to and every glyph has its font's code book's code."""
        fonts = self.fonts
        out: list[str] = []
        sets: list[tuple[str, int]] = []
        marks: list[tuple[str, dict[Any, int]]] = []
        whole = remember
        for part in line.parts:
            if isinstance(part, str):
                out.append(part)
            elif len(part) == 1:
                font = fonts[part[0]]
                out.append(self._set_font_for_page(font, size_pt, wrap_in_text_object=False))
                sets.append((part[0], font.i))
            else:
                run_font = fonts[part[0]]
                assert isinstance(run_font, SharedFont)
                text, marked = written_marking(run_font, part[1], remember)
                out.append(text)
                if marked is None:
                    whole = False
                else:
                    marks.append((part[0], marked))
        text = f"q {' '.join(out)} Q" if line.wrapped else " ".join(out)
        if whole:
            replay = _Replay(line, text, tuple(sets), tuple(marks), self._font_books())
            _REPLAYS.put(id(line), replay)
        return text

    def _layout(
        self,
        font: SharedFont,
        text: str,
        style: str,
        size_pt: float,
        shaping: dict[str, Any],
    ) -> tuple[tuple[LineRun, ...], float]:
        """How `_line` lays out `text`: its runs of one font, each with its width (summed in
        fpdf2's order) and its shaping key, remembered across documents."""
        key = (text, font.fontkey, style)
        split = RUNS.get(key) if self._remember else None
        if split is None:
            split = self._split(text, font, style)
            if self._remember:
                RUNS.put(key, split)
        laid: list[LineRun] = []
        text_width = 0.0
        for fallback, piece in split:
            run_font, run_style = font, style
            if fallback:
                other = self.fonts[fallback]
                assert isinstance(other, SharedFont)
                run_font, run_style = other, "".join(c for c in fallback if c in "BI")
            width = run_font.get_text_width(piece, size_pt, shaping)[1] / self.k
            laid.append(
                (
                    fallback,
                    run_style,
                    piece,
                    width,
                    shaping_key_of(run_font, piece, size_pt, shaping),
                )
            )
            text_width += width
        return tuple(laid), text_width

    @contextmanager
    def once(self) -> Iterator[None]:
        """Cells drawn inside hold text no other document shows (a number, a link): they are
        laid out and written as any other, but not remembered, so they do not push out what
        every document uses nor cost the memos' upkeep."""
        self._remember = False
        try:
            yield
        finally:
            self._remember = True

    def width_of(self, word: str) -> float:
        key = (self.font_family, self.font_style, self.font_size_pt, word)
        width = _WIDTHS.get(key)
        if width is None:
            font, shaping = self.current_font, self.text_shaping
            if isinstance(font, SharedFont) and shaping and word:
                # the width `cell` lays the text out at, from the remembered runs and shaping,
                # rather than through fpdf2's fragments (a name or number is measured once)
                style = "B" if "B" in self.font_style else ""
                width = self._layout(font, word, style, self.font_size_pt, shaping)[1]
            else:
                width = self.get_string_width(word)
            if len(_WIDTHS) < 50_000:
                _WIDTHS[key] = width
        return width
