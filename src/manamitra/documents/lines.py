"""What a line of shaped text writes into a page: the plans of its glyph runs (operators
and glyphs, remembered across documents), the code each glyph gets (the same in every
document: a font's `CodeBook`), a document's subset map of the glyphs it uses, and a line's
whole write from a given state, replayed in each document."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fpdf.fonts import Glyph, SubsetMap, TTFFont
from fpdf.line_break import Fragment
from fpdf.util import escape_parens

from manamitra.documents.shaping import (
    GLYPHS,
    MEMO_SIZE,
    Memo,
    SharedFont,
    serial_of,
    shaping_key_of,
)

# how a run of shaped text is written into the page: operators, and glyph runs shown with
# "Tj" (in the codes of the font's `CodeBook`), each glyph also as its serial number
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
# codes at and above this are a document's own, given once a font's book is full
OWN_CODES = 0xF000
_RESERVED = (0x00, 0x20)


class CodeBook:
    """The code each glyph of one font gets in every document of this process, as fpdf2's
    subset map would give them (from 1 up, 0x20 for the space, in the order first used) but
    kept across documents: a run of glyphs is then written the same way in every document,
    so its string is remembered with the codes it uses rather than made each time."""

    def __init__(self, limit: int = OWN_CODES) -> None:
        self.codes: dict[Glyph, int] = {}
        self.limit = limit
        self._next = 1
        self._lock = threading.Lock()
        # by a glyph run's serials: the run's string and its {serial: code}
        self.runs: Memo[tuple[int, ...], tuple[str, dict[int | Glyph, int]]] = Memo(MEMO_SIZE)
        # by a plan's id (the entry holds the plan, so the id is not reused while it stays):
        # the plan, its string and its {serial: code}
        self.plans: Memo[int, tuple[Any, str, dict[int | Glyph, int]]] = Memo(MEMO_SIZE)
        # what embedding a font needs of each glyph, by serial: glyph id, width, ToUnicode entry
        self.facts: dict[int | Glyph, tuple[int, int, str | None]] = {}

    def reserve(self, glyph: Glyph, code: int) -> None:
        """fpdf2's reserved codes: 0 (.notdef) and 0x20 (the space), never given out."""
        assert code in _RESERVED
        with self._lock:
            self.codes.setdefault(glyph, code)

    def code(self, glyph: Glyph) -> int | None:
        """The glyph's code, or None once the book is full."""
        code = self.codes.get(glyph)
        if code is None:
            with self._lock:  # documents render in worker threads too: one code a glyph
                code = self.codes.get(glyph)
                if code is None:
                    while self._next in _RESERVED:
                        self._next += 1
                    if self._next >= self.limit:
                        return None
                    code = self.codes[glyph] = self._next
                    self._next += 1
        return code


class DocumentSubsetMap(SubsetMap):
    """A document's subset map: the codes are the font's `CodeBook`'s, and the glyphs used are
    kept in the order first used, by serial number, with their codes (what fpdf2 reads back
    through `items()`)."""

    def __init__(self, font: TTFFont, book: CodeBook) -> None:
        super().__init__(font)
        self.book = book
        self.used: dict[int | Glyph, int] = {}
        self._own = OWN_CODES
        for glyph, code in self._char_id_per_glyph.items():  # fpdf2's reserved (the space)
            if glyph is not None:
                book.reserve(glyph, code)
                self.used[_key(glyph)] = code

    def __len__(self) -> int:
        return len(self.used)

    def items(self) -> Iterator[tuple[Glyph | None, int]]:
        for key, code in self.used.items():
            yield (GLYPHS[key] if isinstance(key, int) else key), code

    def get_all_glyph_names(self) -> list[str]:
        return [glyph.glyph_name for glyph, _ in self.items() if glyph is not None]

    def pick_glyph(self, glyph: Glyph | None) -> int | None:
        if glyph is None:
            return None
        key = _key(glyph)
        code = self.used.get(key)
        if code is None:
            code = self.book.code(glyph)
            if code is None:
                if self._own > 0xFFFF:
                    raise ValueError(f"more than 65,536 glyphs in {self.font.fontkey}")
                code, self._own = self._own, self._own + 1
            self.used[key] = code
        return code

    def write(
        self, glyphs: tuple[Glyph, ...], serials: tuple[int, ...], remember: bool = True
    ) -> str:
        """A glyph run's string (UTF-16BE codes, parentheses and backslashes escaped), its
        glyphs marked used."""
        runs = self.book.runs
        known = runs.get(serials) if remember else None
        if known is not None:
            self.used.update(known[1])
            return known[0]
        codes = [self.pick_glyph(glyph) or 0 for glyph in glyphs]
        text = "".join([_code_text(code) for code in codes])
        if remember and min(serials, default=0) >= 0 and max(codes, default=0) < OWN_CODES:
            runs.put(serials, (text, dict(zip(serials, codes, strict=True))))
        return text


def _key(glyph: Glyph) -> int | Glyph:
    serial = serial_of(glyph)
    return glyph if serial < 0 else serial


# each code as a shown string writes it: escaping works byte by byte, so a run's string is
# its codes' strings joined
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
    remember: bool = True,
) -> _Plan:
    """How a run of `text` in `font` is written at `at` (pos_x, pos_y, page height, k, char
    spacing, font stretching): its text-positioning operators and glyph runs, remembered.
    `shaping_key` is `shaping_key_of(font, text, size_pt, params)` when the caller has it."""
    if not remember:
        return _plan(font, text, size_pt, params, at)
    if shaping_key is None:
        shaping_key = shaping_key_of(font, text, size_pt, params)
    key = (shaping_key, *at)
    plan = _PLANS.get(key)
    if plan is None:
        plan = _plan(font, text, size_pt, params, at)
        _PLANS.put(key, plan)
    return plan


def written(font: SharedFont, plan: _Plan, remember: bool = True) -> str:
    """`plan` with its glyphs shown in the font's codes, marked used in this document in the
    order fpdf2 picks them."""
    return written_marking(font, plan, remember)[0]


def written_marking(
    font: SharedFont, plan: _Plan, remember: bool = True
) -> tuple[str, dict[int | Glyph, int] | None]:
    """`written`, and the glyphs it marked used with their codes when that is the same in
    every document (remembered with the plan), else None."""
    subset = font.subset
    assert isinstance(subset, DocumentSubsetMap)
    plans = subset.book.plans
    known = plans.get(id(plan)) if remember else None
    if known is not None and known[0] is plan:
        subset.used.update(known[2])
        return known[1], known[2]
    parts: list[str] = []
    marks: dict[int | Glyph, int] = {}
    for item in plan:
        if isinstance(item, str):
            parts.append(item)
        else:
            glyphs, serials, end = item
            parts.append(f"({subset.write(glyphs, serials, remember)}{end}")
            if not remember:
                continue
            marks.update((serial, subset.used[serial]) for serial in serials if serial >= 0)
    text = "".join(parts)
    if (
        remember
        and all(code < OWN_CODES for code in marks.values())
        and all(serial >= 0 for item in plan if not isinstance(item, str) for serial in item[1])
    ):
        plans.put(id(plan), (plan, text, marks))
        return text, marks
    return text, None


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
    run: list[tuple[Glyph, int]] = []
    for glyph, x_advance, y_advance, x_offset, y_offset, force, serial in shaped:
        if glyph is None:
            continue
        if x_offset or y_offset:
            if run:
                plan.append(_glyph_run(run, ") Tj "))
                run = []
            at_x = pos_x + adjust(x_offset)
            at_y = pos_y - adjust(y_offset)
            plan.append(f"1 0 0 1 {at_x * k:.2f} {(h - at_y) * k:.2f} Tm ")
        run.append((glyph, serial))
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


def _glyph_run(run: list[tuple[Glyph, int]], end: str) -> _GlyphRun:
    return (tuple(glyph for glyph, _ in run), tuple(serial for _, serial in run), end)


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
