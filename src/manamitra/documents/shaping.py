"""Shaping text in our fonts: the font class that remembers how HarfBuzz shaped each text
across documents, the bounded memo such things are remembered in, and the font files every
document uses."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Hashable
from pathlib import Path
from typing import Any, Generic, TypeVar

from fpdf.fonts import Glyph, TTFFont

FONTS = Path(__file__).parent / "fonts"
FONT_FILES = (
    ("te", "", "NotoSansTelugu-Regular.ttf"),
    ("te", "B", "NotoSansTelugu-Bold.ttf"),
    ("la", "", "NotoSans-Regular.ttf"),
    ("la", "B", "NotoSans-Bold.ttf"),
)


# a shaped glyph: (glyph or None for .notdef, x_advance, y_advance, x_offset, y_offset,
# force_positioning), as fpdf2's shape_text describes it
_Shaped = tuple[Glyph | None, int, int, int, int, bool]
_K = TypeVar("_K", bound=Hashable)
_V = TypeVar("_V")


class Memo(Generic[_K, _V]):
    """A bounded memo that keeps what keeps being used: when the young generation is full the
    old one is dropped and the young one becomes old, and an entry found in the old one moves
    back to the young. The labels of every document stay; names and numbers age out."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.young: dict[_K, _V] = {}
        self.old: dict[_K, _V] = {}

    def get(self, key: _K) -> _V | None:
        value = self.young.get(key)
        if value is None:
            value = self.old.get(key)
            if value is not None:
                self.put(key, value)
        return value

    def put(self, key: _K, value: _V) -> None:
        if len(self.young) >= self.size:
            self.old, self.young = self.young, {}
        self.young[key] = value

    def __len__(self) -> int:
        return len(self.young) + len(self.old)


MEMO_SIZE = 1024  # texts a generation
_SHAPES: Memo[tuple[Any, ...], tuple[_Shaped, ...]] = Memo(MEMO_SIZE)
_SHAPED_WIDTHS: Memo[tuple[Any, ...], tuple[int, float]] = Memo(MEMO_SIZE)
# one object for each distinct shaped glyph, however many texts hold it (most of a memo's
# memory otherwise); as many as the fonts' glyphs in their contexts, so a generous cap
_ATOMS: Memo[_Shaped, _Shaped] = Memo(65_536)


def shaping_key_of(font: TTFFont, text: str, size: float, params: dict[str, Any] | None) -> Any:
    if not params:
        return (font.ttffile, text, size)
    features = params.get("features") or {}
    return (
        font.ttffile,
        text,
        size,
        tuple(sorted(features.items())),
        params.get("fragment_direction"),
        params.get("script"),
        params.get("language"),
    )


class SharedFont(TTFFont):
    """A TTFFont that remembers how HarfBuzz shaped each text, across documents. The shaping
    (glyphs, their names, widths and positions) does not depend on the document; only the
    codes the glyphs get in this document's subset do, and those are looked up each time."""

    __slots__ = ()

    def shaped_text_width(
        self, text: str, font_size_pt: float, text_shaping_params: dict[str, Any] | None
    ) -> tuple[int, float]:
        key = shaping_key_of(self, text, font_size_pt, text_shaping_params)
        width = _SHAPED_WIDTHS.get(key)
        if width is None:
            width = super().shaped_text_width(text, font_size_pt, text_shaping_params)
            _SHAPED_WIDTHS.put(key, width)
        return width

    def shape_text(
        self, text: str, font_size_pt: float, text_shaping_params: dict[str, Any] | None
    ) -> list[dict[str, Any]]:
        if not text:
            return []
        shaped = self.shaped(text, font_size_pt, text_shaping_params)
        pick = self.subset.pick_glyph
        return [
            {
                "mapped_char": pick(glyph),
                "x_advance": x_advance,
                "y_advance": y_advance,
                "x_offset": x_offset,
                "y_offset": y_offset,
                "force_positioning": force,
            }
            for glyph, x_advance, y_advance, x_offset, y_offset, force in shaped
            if glyph is not None
        ]

    def shaped(
        self, text: str, font_size_pt: float, text_shaping_params: dict[str, Any] | None
    ) -> tuple[_Shaped, ...]:
        key = shaping_key_of(self, text, font_size_pt, text_shaping_params)
        shaped = _SHAPES.get(key)
        if shaped is None:
            shaped = self._shape(text, font_size_pt, text_shaping_params)
            _SHAPES.put(key, shaped)
        return shaped

    def _shape(
        self, text: str, font_size_pt: float, text_shaping_params: dict[str, Any] | None
    ) -> tuple[_Shaped, ...]:
        """fpdf2's shape_text without the subset: each glyph carries the characters of its
        cluster (for copying text out) and is forced into position when HarfBuzz moved it."""
        infos, positions = self.perform_harfbuzz_shaping(text, font_size_pt, text_shaping_params)
        if not infos:
            return ()
        starts = sorted({int(info.cluster) for info in infos})
        # each character belongs to the cluster that starts at or before it
        cluster_chars: dict[int, list[int]] = {}
        for index, char in enumerate(text):
            at = bisect_right(starts, index) - 1
            start = starts[max(at, 0)]
            cluster_chars.setdefault(start, []).append(ord(char))
        metrics = self.ttfont["hmtx"].metrics
        shaped: list[_Shaped] = []
        for info, position in zip(infos, positions, strict=True):
            chars = tuple(cluster_chars.pop(info.cluster, ()))
            name = self.ttfont.getGlyphName(info.codepoint)
            width = round(self.scale * metrics[name][0])
            glyph = Glyph(info.codepoint, chars, name, width) if info.codepoint else None
            force = bool(
                width != position.x_advance
                or position.x_offset
                or position.y_offset
                or position.y_advance
            )
            atom = (
                glyph,
                position.x_advance,
                position.y_advance,
                position.x_offset,
                position.y_offset,
                force,
            )
            shared = _ATOMS.get(atom)
            if shared is None:
                _ATOMS.put(atom, atom)
                shared = atom
            shaped.append(shared)
        return tuple(shaped)
