"""What a line of shaped text writes into a page: the plans of its glyph runs (operators
and glyphs, remembered across documents), a document's subset map that writes each glyph's
code, and a line's whole write from a given state, replayed with each document's codes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fpdf.fonts import Glyph, SubsetMap, TTFFont
from fpdf.line_break import Fragment
from fpdf.util import escape_parens

from manamitra.documents.shaping import MEMO_SIZE, Memo, SharedFont, shaping_key_of

# how a run of shaped text is written into the page: operators, and glyph runs shown with
# "Tj" (their codes are this document's, so they are looked up each time), each glyph also
# as its serial number (below)
_GlyphRun = tuple[tuple[Glyph, ...], tuple[int, ...], str]
_Plan = tuple[str | _GlyphRun, ...]
_PLANS: Memo[tuple[Any, ...], _Plan] = Memo(MEMO_SIZE)
# how a text splits into runs of one font: (fallback font key or None, the run's text)
RUNS: Memo[tuple[str, str, str], tuple[tuple[str | None, str], ...]] = Memo(MEMO_SIZE)
# a line's runs as `_line` writes them: (fallback font key or None, the run's style, its text,
# its width in user units, its shaping key), and the line's width
LineRun = tuple[str | None, str, str, float, Any]
LINES: Memo[tuple[Any, ...], tuple[tuple[LineRun, ...], float]] = Memo(MEMO_SIZE)
# a part of what a line writes: operators, a font set in the line (its key), or a run's plan
# in a font (the font's key and the plan)
LinePart = str | tuple[str] | tuple[str, "_Plan"]


@dataclass(frozen=True)
class LineWrite:
    """What `DocumentPdf._line` does from one state: the font it sets first on the page (key and
    style) if any, what it writes, whether in q/Q, the fonts its runs use, and where it
    leaves the position."""

    first: tuple[str, str] | None
    parts: tuple[LinePart, ...]
    wrapped: bool
    fonts: tuple[str, ...]
    x: float
    y: float
    lasth: float


LINE_WRITES: Memo[tuple[Any, ...], LineWrite] = Memo(MEMO_SIZE)
# a number for each distinct glyph (id, characters, name, width) in the process, so that a
# document looks its glyphs' codes up by int rather than by Glyph, whose hash is Python code;
# bounded by the fonts' glyphs in their contexts
_SERIALS: dict[Glyph, int] = {}
SERIAL_LIMIT = 65_536


def _serial(glyph: Glyph) -> int:
    """The glyph's serial number, or -1 once the table is full (then looked up the slow way)."""
    serial = _SERIALS.get(glyph)
    if serial is None:
        if len(_SERIALS) >= SERIAL_LIMIT:
            return -1
        serial = _SERIALS[glyph] = len(_SERIALS)
    return serial


class DocumentSubsetMap(SubsetMap):
    """A document's subset map, which also keeps each glyph's code as it is written in a
    string (UTF-16BE, parentheses and backslashes escaped) by the glyph's serial number."""

    def __init__(self, font: TTFFont) -> None:
        super().__init__(font)
        self.written: dict[int, str] = {}

    def write(self, glyphs: tuple[Glyph, ...], serials: tuple[int, ...]) -> str:
        written = self.written
        try:
            return "".join([written[serial] for serial in serials])
        except KeyError:
            pass
        parts = []
        for glyph, serial in zip(glyphs, serials, strict=True):
            text = written.get(serial)
            if text is None:
                text = _code_text(self.pick_glyph(glyph) or 0)
                if serial >= 0:
                    written[serial] = text
            parts.append(text)
        return "".join(parts)


# each code as a shown string writes it: escaping works byte by byte, so a run's string is
# its codes' strings joined; the codes in use are the first few hundred, in every document
_CODE_TEXTS: dict[int, str] = {}


def _code_text(code: int) -> str:
    text = _CODE_TEXTS.get(code)
    if text is None:
        text = _CODE_TEXTS[code] = escape_parens(chr(code).encode("utf-16-be").decode("latin-1"))
    return text


def planned(
    font: SharedFont,
    text: str,
    size_pt: float,
    params: dict[str, Any] | None,
    at: tuple[float, float, float, float, float, float],
    shaping_key: Any = None,
) -> _Plan:
    """How a run of `text` in `font` is written at `at` (pos_x, pos_y, page height, k, char
    spacing, font stretching): its text-positioning operators and glyph runs, remembered.
    `shaping_key` is `shaping_key_of(font, text, size_pt, params)` when the caller has it."""
    if shaping_key is None:
        shaping_key = shaping_key_of(font, text, size_pt, params)
    key = (shaping_key, *at)
    plan = _PLANS.get(key)
    if plan is None:
        plan = _plan(font, text, size_pt, params, at)
        _PLANS.put(key, plan)
    return plan


def written(font: SharedFont, plan: _Plan) -> str:
    """`plan` with its glyphs shown in this document's codes, picked in the order fpdf2 picks
    them."""
    subset = font.subset
    assert isinstance(subset, DocumentSubsetMap)
    parts: list[str] = []
    for item in plan:
        if isinstance(item, str):
            parts.append(item)
        else:
            glyphs, serials, end = item
            parts.append(f"({subset.write(glyphs, serials)}{end}")
    return "".join(parts)


def _shown(
    font: SharedFont,
    text: str,
    size_pt: float,
    params: dict[str, Any] | None,
    at: tuple[float, float, float, float, float, float],
) -> str:
    """How a run of `text` in `font` is written at `at`, in this document's codes."""
    return written(font, planned(font, text, size_pt, params, at))


def _plan(
    font: SharedFont,
    text: str,
    size: float,
    params: dict[str, Any] | None,
    at: tuple[float, float, float, float, float, float],
) -> _Plan:
    """fpdf2's Fragment.render_with_text_shaping (without word spacing), with the glyphs
    left as glyphs; the arithmetic is the same, so the positions print the same."""
    pos_x, pos_y, h, k, spacing, stretching = at
    shaped = font.shaped(text, size, params)
    scale, stretch = font.scale, stretching / 100

    def adjust(pos: float) -> float:  # in fpdf2's order of operations, to the last bit
        return pos * scale * size * stretch / 1000 / k

    char_spacing = spacing * stretch / k
    plan: list[str | _GlyphRun] = []
    run: list[Glyph] = []
    for glyph, x_advance, y_advance, x_offset, y_offset, force in shaped:
        if glyph is None:
            continue
        if x_offset or y_offset:
            if run:
                plan.append(_glyph_run(run, ") Tj "))
                run = []
            at_x = pos_x + adjust(x_offset)
            at_y = pos_y - adjust(y_offset)
            plan.append(f"1 0 0 1 {at_x * k:.2f} {(h - at_y) * k:.2f} Tm ")
        run.append(glyph)
        pos_x += adjust(x_advance) + char_spacing
        pos_y += adjust(y_advance)
        if force:
            if run:
                plan.append(_glyph_run(run, ") Tj "))
                run = []
            plan.append(f"1 0 0 1 {pos_x * k:.2f} {(h - pos_y) * k:.2f} Tm ")
    if run:
        plan.append(_glyph_run(run, ") Tj"))
    return tuple(plan)


def _glyph_run(glyphs: list[Glyph], end: str) -> _GlyphRun:
    return (tuple(glyphs), tuple(_serial(glyph) for glyph in glyphs), end)


class Run(Fragment):
    """A fragment in one of our fonts, written from its remembered plan."""

    def render_with_text_shaping(
        self, pos_x: float, pos_y: float, h: float, word_spacing: float
    ) -> str:
        font = self.font
        if word_spacing or not isinstance(font, SharedFont):
            return str(super().render_with_text_shaping(pos_x, pos_y, h, word_spacing))
        at = (pos_x, pos_y, h, self.k, self.char_spacing, self.font_stretching)
        return _shown(font, self.string, self.font_size_pt, self.text_shaping_parameters, at)
