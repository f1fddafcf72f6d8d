"""Shaping text in our fonts: the font class that remembers how HarfBuzz shaped each text
across documents, the bounded memo such things are remembered in, and the font files every
document uses."""

from __future__ import annotations

import threading
import unicodedata
from bisect import bisect_right
from collections.abc import Hashable
from pathlib import Path
from typing import Any, Generic, TypeVar

import uharfbuzz as hb
from fontTools.ttLib import TTFont
from fpdf.fonts import Glyph, TTFFont

FONTS = Path(__file__).parent / "fonts"
FONT_FILES = (
    ("te", "", "NotoSansTelugu-Regular.ttf"),
    ("te", "B", "NotoSansTelugu-Bold.ttf"),
    ("la", "", "NotoSans-Regular.ttf"),
    ("la", "B", "NotoSans-Bold.ttf"),
)


# a shaped glyph: (glyph or None for .notdef, x_advance, y_advance, x_offset, y_offset,
# force_positioning), as fpdf2's shape_text describes it, and the glyph's serial (below)
_Shaped = tuple[Glyph | None, int, int, int, int, bool, int]
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
# each word of a line shaped alone, in the line's script, language and direction (the words
# of a holder's name and the statements' words recur; whole lines, wrapped anew, do not)
_WORDS: Memo[tuple[Any, ...], tuple[_Shaped, ...] | bool] = Memo(4 * MEMO_SIZE)
# one object for each distinct shaped glyph, however many texts hold it (most of a memo's
# memory otherwise), found by the font, glyph id, characters and position HarfBuzz gave it
# (ints and strings: a Glyph's hash is Python code); as many as the fonts' glyphs in their
# contexts, so a generous cap
_ATOMS: Memo[tuple[Any, ...], _Shaped] = Memo(65_536)
# a number for each distinct glyph (id, characters, name, width) in the process, so that a
# document looks its glyphs' codes up by int rather than by Glyph; bounded by the fonts'
# glyphs in their contexts
_SERIALS: dict[Glyph, int] = {}
GLYPHS: list[Glyph] = []  # by serial
SERIAL_LIMIT = 65_536


_SERIALS_LOCK = threading.Lock()  # documents render in worker threads too


def serial_of(glyph: Glyph) -> int:
    """The glyph's serial number, or -1 once the table is full (then looked up the slow way)."""
    serial = _SERIALS.get(glyph)
    if serial is None:
        with _SERIALS_LOCK:
            serial = _SERIALS.get(glyph)
            if serial is None:
                if len(_SERIALS) >= SERIAL_LIMIT:
                    return -1
                serial = _SERIALS[glyph] = len(GLYPHS)
                GLYPHS.append(glyph)
    return serial


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
    """A TTFFont that remembers how HarfBuzz shaped each text, across documents: the shaping
    (glyphs, their names, widths and positions) does not depend on the document."""

    __slots__ = ()

    def shaped_text_width(
        self, text: str, font_size_pt: float, text_shaping_params: dict[str, Any] | None
    ) -> tuple[int, float]:
        """fpdf2's sum of the glyphs' advances, in its order, from the remembered shaping."""
        key = shaping_key_of(self, text, font_size_pt, text_shaping_params)
        width = _SHAPED_WIDTHS.get(key)
        if width is None:
            shaped = self.shaped(text, font_size_pt, text_shaping_params)
            scale = self.scale
            text_width: float = 0
            for _, x_advance, _, _, _, _, _ in shaped:
                text_width += round(scale * x_advance + 0.001) * font_size_pt * 0.001
            width = (len(shaped), text_width)
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
            for glyph, x_advance, y_advance, x_offset, y_offset, force, _ in shaped
            if glyph is not None
        ]

    def shaped(
        self, text: str, font_size_pt: float, text_shaping_params: dict[str, Any] | None
    ) -> tuple[_Shaped, ...]:
        key = shaping_key_of(self, text, font_size_pt, text_shaping_params)
        shaped = _SHAPES.get(key)
        if shaped is None:
            # a word alone too: the line it is measured for then finds it shaped
            if words_shape_as_lines(self, font_size_pt, text_shaping_params):
                shaped = self._assembled(text, font_size_pt, text_shaping_params)
            if shaped is None:
                shaped = self._shape(text, font_size_pt, text_shaping_params)
            _SHAPES.put(key, shaped)
        return shaped

    def _assembled(
        self, text: str, font_size_pt: float, text_shaping_params: dict[str, Any] | None
    ) -> tuple[_Shaped, ...] | None:
        """`text` shaped word by word, in the script, language and direction HarfBuzz takes
        for the whole text, joined by the space's glyph: the words are remembered, so only
        words never seen before are shaped. A glyph carries its cluster's characters, not the
        cluster's place, so nothing needs offsetting. None when a word's first character is
        not in its first cluster (in the line it would join the space's), or a word begins
        with a mark or a joiner."""
        props = _segment(text, text_shaping_params)
        base = shaping_key_of(self, "", font_size_pt, text_shaping_params)
        parts: list[tuple[_Shaped, ...]] = []
        space = None
        for index, word in enumerate(text.split(" ")):
            if index:
                if space is None:
                    space = self._word(" ", font_size_pt, text_shaping_params, props, base)
                    if space is None or len(space) != 1:
                        return None
                parts.append(space)
            if word:
                if word[0] in _JOINERS or unicodedata.category(word[0])[0] == "M":
                    return None  # in the line it might attach to the space before it
                shaped = self._word(word, font_size_pt, text_shaping_params, props, base)
                if shaped is None:
                    return None
                parts.append(shaped)
        return tuple(glyph for part in parts for glyph in part)

    def _word(
        self,
        word: str,
        font_size_pt: float,
        text_shaping_params: dict[str, Any] | None,
        props: tuple[str | None, str | None, str | None],
        base: Any,
    ) -> tuple[_Shaped, ...] | None:
        """A word of a line shaped alone in the line's `props` (direction, script, language),
        or None when its first character is not in its first cluster."""
        key = (base, word, props)
        shaped = _WORDS.get(key)
        if shaped is None:
            infos, positions = _hb_shape(self, word, font_size_pt, text_shaping_params, props)
            if infos and min(int(info.cluster) for info in infos) != 0:
                shaped = False
            else:
                shaped = self._glyphs(word, infos, positions)
            _WORDS.put(key, shaped)
        return shaped if isinstance(shaped, tuple) else None

    def _shape(
        self, text: str, font_size_pt: float, text_shaping_params: dict[str, Any] | None
    ) -> tuple[_Shaped, ...]:
        """fpdf2's shape_text without the subset: each glyph carries the characters of its
        cluster (for copying text out) and is forced into position when HarfBuzz moved it."""
        infos, positions = self.perform_harfbuzz_shaping(text, font_size_pt, text_shaping_params)
        return self._glyphs(text, infos, positions)

    def _glyphs(self, text: str, infos: Any, positions: Any) -> tuple[_Shaped, ...]:
        if not infos:
            return ()
        starts = sorted({int(info.cluster) for info in infos})
        # each character belongs to the cluster that starts at or before it
        cluster_chars: dict[int, list[int]] = {}
        for index, char in enumerate(text):
            at = bisect_right(starts, index) - 1
            start = starts[max(at, 0)]
            cluster_chars.setdefault(start, []).append(ord(char))
        atoms, file = _ATOMS, self.ttffile
        shaped: list[_Shaped] = []
        for info, position in zip(infos, positions, strict=True):
            chars = tuple(cluster_chars.pop(info.cluster, ()))
            key = (
                file,
                info.codepoint,
                chars,
                position.x_advance,
                position.y_advance,
                position.x_offset,
                position.y_offset,
            )
            atom = atoms.get(key)
            if atom is None:
                atom = self._atom(info.codepoint, chars, position)
                atoms.put(key, atom)
            shaped.append(atom)
        return tuple(shaped)

    def _atom(self, codepoint: int, chars: tuple[int, ...], position: Any) -> _Shaped:
        name = self.ttfont.getGlyphName(codepoint)
        width = round(self.scale * self.ttfont["hmtx"].metrics[name][0])
        glyph = Glyph(codepoint, chars, name, width) if codepoint else None
        force = bool(
            width != position.x_advance
            or position.x_offset
            or position.y_offset
            or position.y_advance
        )
        return (
            glyph,
            position.x_advance,
            position.y_advance,
            position.x_offset,
            position.y_offset,
            force,
            -1 if glyph is None else serial_of(glyph),
        )


_JOINERS = frozenset("\u200c\u200d\u034f\u2060")


def _hb_shape(
    font: TTFFont,
    text: str,
    font_size_pt: float,
    params: dict[str, Any] | None,
    props: tuple[str | None, str | None, str | None],
) -> tuple[Any, Any]:
    """fpdf2's perform_harfbuzz_shaping with the segment's properties given, not guessed."""
    font.hbfont.ptem = font_size_pt
    buf = hb.Buffer()
    buf.cluster_level = 1
    buf.add_str(text)
    direction, script, language = props
    if direction is not None:
        buf.direction = direction
    if script is not None:
        buf.script = script
    if language is not None:
        buf.language = language
    buf.guess_segment_properties()  # what the line left unset, as fpdf2's shaping leaves it
    hb.shape(font.hbfont, buf, (params or {}).get("features") or {})
    return buf.glyph_infos, buf.glyph_positions


def _segment(text: str, params: dict[str, Any] | None) -> tuple[str | None, str | None, str | None]:
    """The direction, script and language fpdf2's shaping gives `text`: HarfBuzz's guess, then
    the parameters that are set."""
    buf = hb.Buffer()
    buf.add_str(text)
    buf.guess_segment_properties()
    params = params or {}
    if params.get("fragment_direction") is not None:
        buf.direction = params["fragment_direction"].value
    if params.get("script") is not None:
        buf.script = params["script"]
    if params.get("language") is not None:
        buf.language = params["language"]
    return (buf.direction, buf.script, buf.language)


# lines in every script and style our documents print: names, numbers, punctuation
SAMPLE_LINES = (
    "ఆంధ్రప్రదేశ్ ప్రభుత్వం",
    "శ్రీ రవి కుమార్ రెడ్డి గారి కుమారుడు, వయస్సు 34 సంవత్సరాలు.",
    "ధ్రువీకరించడమైనది: వార్షిక ఆదాయం ₹ 96,000 (తొంభై ఆరు వేలు) మాత్రమే",
    "INCOME CERTIFICATE / ఆదాయ ధ్రువీకరణ పత్రం",
    "This is to certify that Sri Ravi Kumar Reddy, S/o. Venkata Rao, aged 34 years,",
    "resides at H.No. 12-3/4A, Kothapet, Guntur (Dist.) - 522 001; income: Rs. 96,000/-",
    "AV Ty To Wa \"Yes\" 'No' f. j, 1,234.50 AP-X-2026-000001 https://verify.example.in/d/",
)
_SPACE_FREE: dict[Any, bool] = {}
_EQUIVALENT: dict[Any, bool] = {}


def words_shape_as_lines(
    font: SharedFont, font_size_pt: float, params: dict[str, Any] | None
) -> bool:
    """Whether this font, at this size, shapes a line as its words and spaces shaped alone:
    its substitutions and positionings never name the space glyph (no kerning against it,
    nothing formed across it), and, checked once per size, word-assembled shaping of the
    sample lines is exactly whole-line shaping."""
    key = shaping_key_of(font, "", font_size_pt, params)
    same = _EQUIVALENT.get(key)
    if same is None:
        same = (
            not font.is_symbol
            and space_free(font)
            and all(
                _assembled_equals_whole(font, line, font_size_pt, params) for line in SAMPLE_LINES
            )
        )
        _EQUIVALENT[key] = same
    return same


def _assembled_equals_whole(
    font: SharedFont, text: str, font_size_pt: float, params: dict[str, Any] | None
) -> bool:
    return font._assembled(text, font_size_pt, params) == font._shape(text, font_size_pt, params)


def space_free(font: TTFFont) -> bool:
    """Whether the font's GSUB, GPOS and kern tables leave the space glyph out of every
    lookup (once per font file)."""
    free = _SPACE_FREE.get(font.ttffile)
    if free is None:
        ttfont = TTFont(font.ttffile, lazy=False)
        space = ttfont.getBestCmap().get(32)
        free = space is not None and not any(
            tag in ttfont and _names(ttfont[tag], space, set()) for tag in ("GSUB", "GPOS", "kern")
        )
        _SPACE_FREE[font.ttffile] = free
    return free


def _names(obj: Any, name: str, seen: set[int]) -> bool:
    """Whether `name` is anywhere in a decompiled table: a value, a key, or within either."""
    if isinstance(obj, str):
        return obj == name
    if isinstance(obj, int | float | bytes | None):
        return False
    if id(obj) in seen:
        return False
    seen.add(id(obj))
    if isinstance(obj, dict):
        return any(_names(k, name, seen) or _names(v, name, seen) for k, v in obj.items())
    if isinstance(obj, list | tuple | set | frozenset):
        return any(_names(item, name, seen) for item in obj)
    attributes = getattr(obj, "__dict__", None)
    return attributes is not None and _names(attributes, name, seen)
