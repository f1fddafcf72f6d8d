"""Lays a document out as a bilingual A4 PDF: emblem, government and office, title, number and
dates, statement, facts, validity, the signed QR, the signature block and how to verify.

Telugu is shaped by HarfBuzz (fpdf2 text shaping) in Noto Sans Telugu, so conjuncts and vowel
signs are right and the text copies out as Unicode; the fonts ship inside the package.
"""

from __future__ import annotations

import copy
import logging
import math
import zlib
from bisect import bisect_right
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

import zxingcpp
from fpdf import FPDF
from fpdf.enums import Align, CharVPos, TextDirection, TextMode, XPos, YPos
from fpdf.fonts import Glyph, PDFFontDescriptor, SubsetMap, TTFFont
from fpdf.image_datastructures import RasterImageInfo
from fpdf.line_break import Fragment
from fpdf.output import (
    CIDSystemInfo,
    OutputProducer,
    PDFFont,
    PDFFontStream,
    PDFXObject,
    _build_cmap_blocks,
    _tt_font_widths,
)
from fpdf.syntax import Name, PDFArray, PDFContentStream, build_obj_dict
from fpdf.unicode_script import UnicodeScript, get_unicode_script
from fpdf.util import escape_parens
from PIL import Image, ImageOps

from manamitra import clock
from manamitra.documents import subset
from manamitra.documents.subset import DocumentFont, FontProgram
from manamitra.documents.template import Bilingual, DocumentType
from manamitra.yamlio import load_yaml

_LOG = logging.getLogger(__name__)
FONTS = Path(__file__).parent / "fonts"
LABELS_FILE = Path(__file__).parent / "labels.yaml"
MAX_QR_VERSION = 12  # what a typical document keeps to (tests hold us to it)
HARD_QR_VERSION = 16  # beyond this cheap cameras fail; refuse rather than print it
INK = (20, 40, 90)
_FONT_FILES = (
    ("te", "", "NotoSansTelugu-Regular.ttf"),
    ("te", "B", "NotoSansTelugu-Bold.ttf"),
    ("la", "", "NotoSans-Regular.ttf"),
    ("la", "B", "NotoSans-Bold.ttf"),
)
_PROTOTYPES: dict[str, tuple[_SharedFont, FontProgram]] = {}
subset.install()


_WIDTHS: dict[tuple[str, str, float, str], float] = {}
# a shaped glyph: (glyph or None for .notdef, x_advance, y_advance, x_offset, y_offset,
# force_positioning), as fpdf2's shape_text describes it
_Shaped = tuple[Glyph | None, int, int, int, int, bool]
_K = TypeVar("_K", bound=Hashable)
_V = TypeVar("_V")


class _Memo(Generic[_K, _V]):
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


_MEMO_SIZE = 1024  # texts a generation
_SHAPES: _Memo[tuple[Any, ...], tuple[_Shaped, ...]] = _Memo(_MEMO_SIZE)
_SHAPED_WIDTHS: _Memo[tuple[Any, ...], tuple[int, float]] = _Memo(_MEMO_SIZE)
# one object for each distinct shaped glyph, however many texts hold it (most of a memo's
# memory otherwise); as many as the fonts' glyphs in their contexts, so a generous cap
_ATOMS: _Memo[_Shaped, _Shaped] = _Memo(65_536)


def _shaping_key(font: TTFFont, text: str, size: float, params: dict[str, Any] | None) -> Any:
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


class _SharedFont(TTFFont):
    """A TTFFont that remembers how HarfBuzz shaped each text, across documents. The shaping
    (glyphs, their names, widths and positions) does not depend on the document; only the
    codes the glyphs get in this document's subset do, and those are looked up each time."""

    __slots__ = ()

    def shaped_text_width(
        self, text: str, font_size_pt: float, text_shaping_params: dict[str, Any] | None
    ) -> tuple[int, float]:
        key = _shaping_key(self, text, font_size_pt, text_shaping_params)
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
        key = _shaping_key(self, text, font_size_pt, text_shaping_params)
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


MUTED = (90, 90, 90)


# how a run of shaped text is written into the page: operators, and glyph runs shown with
# "Tj" (their codes are this document's, so they are looked up each time), each glyph also
# as its serial number (below)
_GlyphRun = tuple[tuple[Glyph, ...], tuple[int, ...], str]
_Plan = tuple[str | _GlyphRun, ...]
_PLANS: _Memo[tuple[Any, ...], _Plan] = _Memo(_MEMO_SIZE)
# how a text splits into runs of one font: (fallback font key or None, the run's text)
_RUNS: _Memo[tuple[str, str, str], tuple[tuple[str | None, str], ...]] = _Memo(_MEMO_SIZE)
# a line's runs as `_line` writes them: (fallback font key or None, the run's style, its text,
# its width in user units, its shaping key), and the line's width
_LineRun = tuple[str | None, str, str, float, Any]
_LINES: _Memo[tuple[Any, ...], tuple[tuple[_LineRun, ...], float]] = _Memo(_MEMO_SIZE)
# a part of what a line writes: operators, a font set in the line (its key), or a run's plan
# in a font (the font's key and the plan)
_LinePart = str | tuple[str] | tuple[str, "_Plan"]


@dataclass(frozen=True)
class _LineWrite:
    """What `_Pdf._line` does from one state: the font it sets first on the page (key and
    style) if any, what it writes, whether in q/Q, the fonts its runs use, and where it
    leaves the position."""

    first: tuple[str, str] | None
    parts: tuple[_LinePart, ...]
    wrapped: bool
    fonts: tuple[str, ...]
    x: float
    y: float
    lasth: float


_LINE_WRITES: _Memo[tuple[Any, ...], _LineWrite] = _Memo(_MEMO_SIZE)
# a number for each distinct glyph (id, characters, name, width) in the process, so that a
# document looks its glyphs' codes up by int rather than by Glyph, whose hash is Python code;
# bounded by the fonts' glyphs in their contexts
_SERIALS: dict[Glyph, int] = {}
_SERIAL_LIMIT = 65_536


def _serial(glyph: Glyph) -> int:
    """The glyph's serial number, or -1 once the table is full (then looked up the slow way)."""
    serial = _SERIALS.get(glyph)
    if serial is None:
        if len(_SERIALS) >= _SERIAL_LIMIT:
            return -1
        serial = _SERIALS[glyph] = len(_SERIALS)
    return serial


class _SubsetMap(SubsetMap):
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


def _planned(
    font: _SharedFont,
    text: str,
    size_pt: float,
    params: dict[str, Any] | None,
    at: tuple[float, float, float, float, float, float],
    shaping_key: Any = None,
) -> _Plan:
    """How a run of `text` in `font` is written at `at` (pos_x, pos_y, page height, k, char
    spacing, font stretching): its text-positioning operators and glyph runs, remembered.
    `shaping_key` is `_shaping_key(font, text, size_pt, params)` when the caller has it."""
    if shaping_key is None:
        shaping_key = _shaping_key(font, text, size_pt, params)
    key = (shaping_key, *at)
    plan = _PLANS.get(key)
    if plan is None:
        plan = _plan(font, text, size_pt, params, at)
        _PLANS.put(key, plan)
    return plan


def _written(font: _SharedFont, plan: _Plan) -> str:
    """`plan` with its glyphs shown in this document's codes, picked in the order fpdf2 picks
    them."""
    subset = font.subset
    assert isinstance(subset, _SubsetMap)
    parts: list[str] = []
    for item in plan:
        if isinstance(item, str):
            parts.append(item)
        else:
            glyphs, serials, end = item
            parts.append(f"({subset.write(glyphs, serials)}{end}")
    return "".join(parts)


def _shown(
    font: _SharedFont,
    text: str,
    size_pt: float,
    params: dict[str, Any] | None,
    at: tuple[float, float, float, float, float, float],
) -> str:
    """How a run of `text` in `font` is written at `at`, in this document's codes."""
    return _written(font, _planned(font, text, size_pt, params, at))


def _plan(
    font: _SharedFont,
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


class _Run(Fragment):
    """A fragment in one of our fonts, written from its remembered plan."""

    def render_with_text_shaping(
        self, pos_x: float, pos_y: float, h: float, word_spacing: float
    ) -> str:
        font = self.font
        if word_spacing or not isinstance(font, _SharedFont):
            return str(super().render_with_text_shaping(pos_x, pos_y, h, word_spacing))
        at = (pos_x, pos_y, h, self.k, self.char_spacing, self.font_stretching)
        return _shown(font, self.string, self.font_size_pt, self.text_shaping_parameters, at)


_TO_UNICODE = (
    "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo\n"
    "<</Registry (Adobe)\n/Ordering (UCS)\n/Supplement 0\n>> def\n"
    "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
    "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
    "{blocks}endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"
)


# the characters of each glyph as a ToUnicode CMap writes them, by the characters: the same
# few hundred in every document
_UNICODE_HEX: dict[tuple[int, ...], str] = {}


def _unicode_hex(chars: tuple[int, ...]) -> str:
    text = _UNICODE_HEX.get(chars)
    if text is None:
        text = "".join(_utf16_hex(char) for char in chars)
        if len(_UNICODE_HEX) < _SERIAL_LIMIT:
            _UNICODE_HEX[chars] = text
    return text


def _utf16_hex(char: int) -> str:
    if char > 0xFFFF:
        char -= 0x10000
        return f"{0xD800 | char >> 10:04X}{0xDC00 | char & 0x3FF:04X}"
    return f"{char:04X}"


class _Attributes:
    """A PDF object whose dictionary is built from its own attributes, as fpdf2 builds it from
    `dir()` (the same keys in the same order: these classes add no public class attributes),
    without listing every method of the class for each object, a few dozen a document."""

    id: int

    def _build_obj_dict(self, security_handler: Any = None) -> dict[str, object]:
        attributes = vars(self)
        return dict(
            build_obj_dict(
                {key: attributes[key] for key in sorted(attributes)},
                _security_handler=security_handler,
                _obj_id=self.id,
            )
        )


class _Font(_Attributes, PDFFont):
    pass


class _Stream(_Attributes, PDFContentStream):
    pass


class _SystemInfo(_Attributes, CIDSystemInfo):
    pass


class _Descriptor(_Attributes, PDFFontDescriptor):
    pass


class _FontStream(_Attributes, PDFFontStream):
    """A font program compressed at zlib level 1 rather than 6: each document's subset is new,
    so it is compressed every time, and level 1 takes half the time (about 1 ms a document)
    for about 3 KB more in a 67 KB PDF. The tables every subset of a font shares come
    compressed already (`FontProgram.compressed_subset`)."""

    _COMPRESSION_LEVEL = 1

    def __init__(self, font: DocumentFont) -> None:
        compressed, length = font.compressed_subset(self._COMPRESSION_LEVEL)
        PDFContentStream.__init__(self, contents=compressed)
        self.filter = Name("FlateDecode")
        self.length1 = length


_OWN_IMAGE = "manamitra_1bit"


def _add_own_image(output: OutputProducer, info: dict[str, object]) -> PDFXObject:
    """A 1-bit grey picture compressed with Flate and no predictor, so no /DecodeParms: fpdf2
    gives a 1-bit Flate image the decode parameters of its CCITT path."""
    data, width, height = info["data"], info["w"], info["h"]
    assert isinstance(data, bytes) and isinstance(width, int) and isinstance(height, int)
    image = PDFXObject(
        subtype="Image",
        contents=data,
        width=width,
        height=height,
        color_space=Name("DeviceGray"),
        bits_per_component=1,
        img_filter="FlateDecode",
    )
    info["obj_id"] = output._add_pdf_obj(image, "images")
    return image


class _Output(OutputProducer):
    """fpdf2's PDF writer, embedding our fonts itself: the same objects with the same
    contents, but the CIDToGIDMap is filled as bytes rather than as a list of 131,072
    one-character strings and stops after the last code used (fpdf2 writes 128 KiB, four
    times a document), each document gets its own font descriptor object (fpdf2 numbers the
    shared one in place), and the subset comes straight from the font's program. Documents
    with any other font are left to fpdf2 entirely."""

    def _add_fonts(
        self,
        image_objects_per_index: dict[int, Any],
        gfxstate_objs_per_name: dict[str, Any],
        pattern_objs_per_name: dict[str, Any],
    ) -> dict[int, Any]:
        fonts = sorted(self.fpdf.fonts.values(), key=lambda font: font.i)
        ours = [
            font
            for font in fonts
            if isinstance(font, _SharedFont) and isinstance(font.ttfont, DocumentFont)
        ]
        if len(ours) < len(fonts) or getattr(self.fpdf, "_compliance", None):
            return dict(
                super()._add_fonts(
                    image_objects_per_index, gfxstate_objs_per_name, pattern_objs_per_name
                )
            )
        return {font.i: self._embed(font) for font in ours}

    def _add_image(self, info: dict[str, object]) -> PDFXObject:
        if info.get(_OWN_IMAGE):
            return _add_own_image(self, info)
        return super()._add_image(info)

    def _embed(self, font: _SharedFont) -> PDFFont:
        name = f"MPDFAA+{font.name}"
        if font.missing_glyphs:
            _LOG.warning(
                "Font %s is missing the following glyphs: %s",
                name,
                ", ".join(repr(chr(char)) for char in font.missing_glyphs[:10]),
            )
        used = [(glyph, code) for glyph, code in font.subset.items() if glyph is not None]
        document_font = font.ttfont
        assert isinstance(document_font, DocumentFont)
        document_font.retain(glyph.glyph_name for glyph, _ in used)
        glyph_ids = document_font.program.glyph_ids

        composite = _Font(subtype="Type0", base_font=name, encoding="Identity-H")
        self._add_pdf_obj(composite, "fonts")
        cid_font = _Font(
            subtype="CIDFontType2",
            base_font=name,
            d_w=font.desc.missing_width,
            w=_tt_font_widths(font),
        )
        self._add_pdf_obj(cid_font, "fonts")
        composite.descendant_fonts = PDFArray([cid_font])
        characters = [
            f"<{code:04X}> <{_unicode_hex(glyph.unicode)}>\n"
            for glyph, code in used
            if isinstance(glyph.unicode, tuple) and glyph.unicode
        ]
        cmap = _TO_UNICODE.format(blocks=_build_cmap_blocks(characters, "bfchar"))
        to_unicode = _Stream(cmap.encode("latin-1"))
        self._add_pdf_obj(to_unicode, "fonts")
        composite.to_unicode = to_unicode
        system = _SystemInfo()
        self._add_pdf_obj(system, "fonts")
        cid_font.c_i_d_system_info = system
        descriptor = copy.copy(font.desc)
        descriptor.__class__ = _Descriptor
        descriptor.font_name = Name(name)
        self._add_pdf_obj(descriptor, "fonts")
        cid_font.font_descriptor = descriptor
        # the map ends at the highest code this document shows: fpdf2 fills all 65,536 codes,
        # but no code past the last one used is ever shown, so the tail (zeros) is never read
        cid_to_gid = bytearray(2 * (max((code for _, code in used), default=0) + 1))
        for glyph, code in used:
            gid = glyph_ids[glyph.glyph_name]
            cid_to_gid[2 * code] = gid >> 8
            cid_to_gid[2 * code + 1] = gid & 0xFF
        cid_to_gid_map = _Stream(contents=bytes(cid_to_gid), compress=True)
        self._add_pdf_obj(cid_to_gid_map, "fonts")
        cid_font.c_i_d_to_g_i_d_map = cid_to_gid_map
        program = _FontStream(document_font)
        self._add_pdf_obj(program, "fonts")
        descriptor.font_file2 = program  # type: ignore[attr-defined]
        # as fpdf2 does: these caches are shared by every subset map in the process
        font.subset.pick.cache_clear()
        font.subset.get_glyph.cache_clear()
        return composite


@dataclass(frozen=True)
class Office:
    """The issuing office as printed and as named in the QR (`code`)."""

    code: str
    name_en: str
    name_te: str


@dataclass(frozen=True)
class Officer:
    designation_en: str
    designation_te: str
    name_en: str | None = None


@dataclass(frozen=True)
class Page:
    """Everything printed on one document."""

    doc_type: DocumentType
    number: str
    holder_en: str
    holder_te: str
    facts: dict[str, Any]
    office: Office
    officer: Officer
    issued_at: datetime
    valid_until: datetime | None
    qr_text: str
    verify_url: str
    verify_page: str
    extra: dict[str, str] = field(default_factory=dict)


class QrTooLargeError(ValueError):
    pass


@cache
def labels() -> dict[str, Any]:
    data: dict[str, Any] = load_yaml(LABELS_FILE.read_text("utf-8"))
    return data


def _label(key: str, *sub: str) -> Bilingual:
    node: Any = labels()[key]
    for part in sub:
        node = node[part]
    return Bilingual(te=node["te"], en=node["en"])


@dataclass(frozen=True)
class QrCode:
    """A QR symbol at error level M: its version and its modules as a greyscale picture, one
    pixel a module (0 dark, 255 light), without the quiet zone."""

    text: str
    version: int
    modules: Image.Image


def qr_code(text: str, limit: int = HARD_QR_VERSION) -> QrCode:
    """The QR at error level M; refuses a payload that needs more than version `limit`.
    Encoded by zxing-cpp (compiled; segno, in pure Python, took a fifth of the render time)."""
    barcode = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    if barcode.ec_level != "M":
        raise ValueError(f"zxing-cpp made a QR at error level {barcode.ec_level!r}, not M")
    modules = Image.fromarray(barcode.to_image(scale=1, add_quiet_zones=False))
    version = (modules.width - 17) // 4  # a version-v symbol is 4v + 17 modules a side
    if version > limit:
        raise QrTooLargeError(
            f"QR needs version {version} (> {limit}): put fewer facts in the signed claims"
        )
    return QrCode(text=text, version=version, modules=modules)


def _qr_image(code: QrCode, scale: int = 4, border: int = 4) -> Image.Image:
    """The QR as a 1-bit picture, `scale` pixels a module with a `border`-module quiet zone."""
    framed = ImageOps.expand(code.modules, border=border, fill=255)
    picture = framed.convert("1", dither=Image.Dither.NONE)
    side = picture.width * scale
    return picture.resize((side, side), Image.Resampling.NEAREST)


class _Pdf(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.set_compression(True)
        self.set_auto_page_break(False)
        self.set_margins(16, 14, 16)
        for family, style, file in _FONT_FILES:
            self._add_cached_font(family, style, FONTS / file)
        self.set_fallback_fonts(["la"], exact_match=False)
        self.set_text_shaping(True)

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
            shared.__class__ = _SharedFont
            assert isinstance(shared, _SharedFont)
            cached = _PROTOTYPES[key] = (shared, FontProgram(path, added.ttfont))
        prototype, program = cached
        font = copy.copy(prototype)
        font.i = len(self.fonts) + (0 if key in self.fonts else 1)
        font.ttfont = DocumentFont(program)
        font.missing_glyphs = []
        font.biggest_size_pt = 0
        font.subset = _SubsetMap(font)
        self.fonts[key] = font

    def qr(self, code: QrCode, x: float, y: float, size: float, scale: int) -> None:
        """The QR as a 1-bit Flate image (a third of the bytes of fpdf2's CCITT G4 here, and
        no round trip through a TIFF file), placed as fpdf2 places a raster image."""
        picture = _qr_image(code, scale=scale)
        cache = self.image_cache.images
        name = f"manamitra-qr-{len(cache) + 1}"
        info = RasterImageInfo(
            data=zlib.compress(picture.tobytes(), 6),
            w=picture.width,
            h=picture.height,
            cs="DeviceGray",
            dpn=1,
            bpc=1,
            f="FlateDecode",
            iccp=None,
            iccp_i=None,
            i=len(cache) + 1,
            usages=1,
        )
        info[_OWN_IMAGE] = True
        cache[name] = info
        self._raster_image(name, None, info, x=x, y=y, w=size, h=size)

    def get_fallback_font(self, char: str, style: str = "") -> str | None:
        """fpdf2 invites overriding this: our one fallback is Noto Sans in the same weight,
        decided without scanning every fallback font's cmap for every character."""
        font = self.fonts.get("laB" if "B" in style else "la")
        if isinstance(font, TTFFont) and ord(char) in font.cmap:
            return font.fontkey
        return None

    def _preload_bidirectional_text(self, text: str, markdown: bool) -> Any:
        # Telugu and English both run left to right: skip fpdf2's pure-Python bidi pass,
        # a fifth of the layout time, and hand the text straight to font selection.
        if not self.text_shaping:
            return super()._preload_bidirectional_text(text, markdown)
        self.text_shaping["paragraph_direction"] = TextDirection.LTR
        self.text_shaping["fragment_direction"] = TextDirection.LTR
        font = self.current_font
        alias = self.str_alias_nb_pages
        if markdown or not text or not isinstance(font, _SharedFont) or (alias and alias in text):
            return self._preload_font_styles(text, markdown)
        return self._fragments(text, font)

    def _fragments(self, text: str, font: _SharedFont) -> tuple[Fragment, ...]:
        """What fpdf2's _parse_chars makes of plain text (runs split where the script or the
        font changes), with the split remembered across documents."""
        bold, italic = "B" in self.font_style, "I" in self.font_style
        style = ("B" if bold else "") + ("I" if italic else "")
        key = (text, font.fontkey, style)
        runs = _RUNS.get(key)
        if runs is None:
            runs = self._split(text, font, style)
            _RUNS.put(key, runs)
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
            fragments.append(_Run(list(piece), state, self.k))
        self._markdown_emphasis = (bold, italic, bool(self.strikethrough), bool(self.underline))
        return tuple(fragments)

    def _split(
        self, text: str, font: _SharedFont, style: str
    ) -> tuple[tuple[str | None, str], ...]:
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
            char_script = get_unicode_script(char)
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
        align = Align.coerce(align)
        font = self.current_font
        plain = (
            text
            and border in (0, 1)
            and align in (Align.L, Align.C, Align.R)
            and ln == "DEPRECATED"
            and not (fill or link or center or markdown)
            and isinstance(font, _SharedFont)
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
        assert isinstance(font, _SharedFont)
        return self._line(
            font, w, h, text, int(border), align, XPos.coerce(new_x), YPos.coerce(new_y)
        )

    def _line(
        self,
        font: _SharedFont,
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
            _shaping_key(font, text, self.font_size_pt, shaping),
            font.fontkey,
            style,
            (w, h, border, align, new_x, new_y),
            (self.x, self.y, self.w, self.h, self.k, self.c_margin),
            (self.l_margin, self.r_margin, self.t_margin, self.b_margin),
            (self.text_color, self.fill_color, self.current_font_is_set_on_page),
            (current.fontkey if isinstance(current, TTFFont) else current, self.font_style),
            tuple(self._fallback_font_ids),
        )
        line = _LINE_WRITES.get(key)
        if line is None:
            line = self._compose(font, w, h, text, border, align, new_x, new_y, style, shaping)
            _LINE_WRITES.put(key, line)
        self._replay(line)
        return False

    def _compose(
        self,
        font: _SharedFont,
        w: float | None,
        h: float | None,
        text: str,
        border: int,
        align: Align,
        new_x: XPos,
        new_y: YPos,
        style: str,
        shaping: dict[str, Any],
    ) -> _LineWrite:
        """What `_line` does from this state, as data: it reads the state and changes none."""
        size_pt, k = self.font_size_pt, self.k
        key = (_shaping_key(font, text, size_pt, shaping), font.fontkey, style, k)
        layout = _LINES.get(key)
        if layout is None:
            layout = self._layout(font, text, style, size_pt, shaping)
            _LINES.put(key, layout)
        laid, text_width = layout
        runs: list[tuple[_SharedFont, str, str, float, Any]] = []
        for fallback, run_style, piece, width, shaping_key in laid:
            run_font = font
            if fallback:
                other = self.fonts[fallback]
                assert isinstance(other, _SharedFont)
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
        out: list[_LinePart] = []
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
            plan = _planned(run_font, piece, size_pt, shaping, at, shaping_key)
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
        return _LineWrite(
            first=first,
            parts=tuple(out),
            wrapped=wrapped,
            fonts=tuple(dict.fromkeys(run[0].fontkey for run in runs)),
            x=x,
            y=y,
            lasth=h or self.font_size,
        )

    def _replay(self, line: _LineWrite) -> None:
        size_pt = self.font_size_pt
        fonts = self.fonts
        for fontkey in line.fonts:  # as get_text_width keeps it
            run_font = fonts[fontkey]
            assert isinstance(run_font, _SharedFont)
            if size_pt > run_font.biggest_size_pt:
                run_font.biggest_size_pt = size_pt
        if line.first is not None:
            fontkey, style = line.first
            first = fonts[fontkey]
            self.current_font = first
            self.font_size_pt = size_pt
            self.font_style = style
            self._out(self._set_font_for_page(first, size_pt))
        out: list[str] = []
        for part in line.parts:
            if isinstance(part, str):
                out.append(part)
            elif len(part) == 1:
                out.append(
                    self._set_font_for_page(fonts[part[0]], size_pt, wrap_in_text_object=False)
                )
            else:
                run_font = fonts[part[0]]
                assert isinstance(run_font, _SharedFont)
                out.append(_written(run_font, part[1]))
        if line.wrapped:
            self._out(f"q {' '.join(out)} Q")
        else:
            self._out(" ".join(out))
        self._lasth = line.lasth
        self.x, self.y = line.x, line.y

    def _layout(
        self,
        font: _SharedFont,
        text: str,
        style: str,
        size_pt: float,
        shaping: dict[str, Any],
    ) -> tuple[tuple[_LineRun, ...], float]:
        """How `_line` lays out `text`: its runs of one font, each with its width (summed in
        fpdf2's order) and its shaping key, remembered across documents."""
        key = (text, font.fontkey, style)
        split = _RUNS.get(key)
        if split is None:
            split = self._split(text, font, style)
            _RUNS.put(key, split)
        laid: list[_LineRun] = []
        text_width = 0.0
        for fallback, piece in split:
            run_font, run_style = font, style
            if fallback:
                other = self.fonts[fallback]
                assert isinstance(other, _SharedFont)
                run_font, run_style = other, "".join(c for c in fallback if c in "BI")
            width = run_font.get_text_width(piece, size_pt, shaping)[1] / self.k
            laid.append(
                (fallback, run_style, piece, width, _shaping_key(run_font, piece, size_pt, shaping))
            )
            text_width += width
        return tuple(laid), text_width

    def te(self, size: float, bold: bool = False) -> None:
        self.set_font("te", "B" if bold else "", size)

    def la(self, size: float, bold: bool = False) -> None:
        self.set_font("la", "B" if bold else "", size)

    def width_of(self, word: str) -> float:
        key = (self.font_family, self.font_style, self.font_size_pt, word)
        width = _WIDTHS.get(key)
        if width is None:
            width = self.get_string_width(word)
            if len(_WIDTHS) < 50_000:
                _WIDTHS[key] = width
        return width

    def paragraph(self, width: float, height: float, text: str, x: float | None = None) -> None:
        """Greedy word wrap with cached word widths, one `cell` per line. fpdf2's multi_cell
        shapes the text again for every character it tries, which made rendering slow."""
        left = self.l_margin if x is None else x
        space = self.width_of(" ")
        for block in text.split("\n"):
            line: list[str] = []
            used = 0.0
            for word in block.split(" "):
                size = self.width_of(word)
                if line and used + space + size > width:
                    self.set_x(left)
                    self.cell(width, height, " ".join(line), new_x="LEFT", new_y="NEXT")
                    line, used = [], 0.0
                used += (space if line else 0.0) + size
                line.append(word)
            self.set_x(left)
            self.cell(width, height, " ".join(line), new_x="LEFT", new_y="NEXT")
        self.set_x(self.l_margin)

    def centred(self, text: str, height: float) -> None:
        self.set_x(self.l_margin)
        self.cell(w=self.epw, h=height, text=text, align="C", new_x="LMARGIN", new_y="NEXT")


def _emblem(pdf: _Pdf, cx: float, cy: float, r: float) -> None:
    """An original seal placeholder (rings, a sun of rays and a lotus disc), not a state emblem;
    a deployment puts its own emblem artwork here."""
    pdf.set_draw_color(*INK)
    pdf.set_line_width(0.6)
    pdf.circle(x=cx, y=cy, radius=r)
    pdf.set_line_width(0.25)
    pdf.circle(x=cx, y=cy, radius=r - 1.4)
    for i in range(24):
        angle = 2 * math.pi * i / 24
        inner, outer = r * 0.45, r - 2.4
        pdf.line(
            cx + inner * math.cos(angle),
            cy + inner * math.sin(angle),
            cx + outer * math.cos(angle),
            cy + outer * math.sin(angle),
        )
    pdf.set_fill_color(*INK)
    pdf.circle(x=cx, y=cy, radius=r * 0.38, style="F")
    pdf.set_fill_color(255, 255, 255)
    pdf.circle(x=cx, y=cy, radius=r * 0.2, style="F")


def _border(pdf: _Pdf) -> None:
    pdf.set_draw_color(*INK)
    pdf.set_line_width(0.8)
    pdf.rect(7, 7, 196, 283)
    pdf.set_line_width(0.25)
    pdf.rect(9, 9, 192, 279)


def _pair(pdf: _Pdf, label: Bilingual, value_te: str, value_en: str) -> None:
    """One row of the facts table: label and value in both scripts (the value once if equal)."""
    pdf.set_draw_color(170, 180, 200)
    pdf.set_line_width(0.2)
    pdf.set_x(16)
    pdf.te(9, bold=True)
    pdf.cell(66, 7, f"{label.te} / {label.en}", border=1)
    pdf.te(9.5)
    value = value_en if value_te == value_en else f"{value_te} / {value_en}"
    pdf.cell(112, 7, value, border=1, new_x="LMARGIN", new_y="NEXT")


def render(page: Page) -> bytes:
    kind = page.doc_type
    pdf = _Pdf()
    pdf.set_title(f"{kind.spec.title.en} {page.number}")
    pdf.set_author(page.office.name_en)
    pdf.set_subject(kind.spec.title.en)
    pdf.set_creator("Mana Mitra")
    pdf.set_creation_date(page.issued_at)
    pdf.add_page()
    _border(pdf)
    _emblem(pdf, 105, 25, 11)

    pdf.set_text_color(*INK)
    pdf.set_y(38)
    government = _label("government")
    pdf.te(13, bold=True)
    pdf.centred(government.te, 7)
    pdf.la(11.5, bold=True)
    pdf.centred(government.en, 6)
    department = _label("departments", kind.spec.department)
    pdf.te(10)
    pdf.centred(f"{department.te}  ·  {page.office.name_te}", 5.5)
    pdf.la(9.5)
    pdf.centred(f"{department.en}  ·  {page.office.name_en}", 5)
    pdf.set_draw_color(*INK)
    pdf.set_line_width(0.5)
    pdf.line(16, pdf.get_y() + 2, 194, pdf.get_y() + 2)

    pdf.set_y(pdf.get_y() + 5)
    pdf.te(17, bold=True)
    pdf.centred(kind.spec.title.te, 9)
    pdf.la(14, bold=True)
    pdf.centred(kind.spec.title.en, 7.5)

    pdf.set_text_color(0, 0, 0)
    pdf.set_y(pdf.get_y() + 3)
    number = _label("number", kind.layout)
    issued = _label("issued_on")
    pdf.te(10, bold=True)
    y = pdf.get_y()
    pdf.set_x(16)
    pdf.cell(100, 5.5, f"{number.te} / {number.en}: {page.number}")
    pdf.set_xy(110, y)
    pdf.cell(
        84,
        5.5,
        f"{issued.te} / {issued.en}: {clock.format_ist(page.issued_at, '%d-%m-%Y')}",
        align="R",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    name = _label("name")
    pdf.cell(
        178,
        6,
        f"{name.te} / {name.en}: {page.holder_te} / {page.holder_en}",
        new_x="LMARGIN",
        new_y="NEXT",
    )

    pdf.set_y(pdf.get_y() + 3)
    pdf.te(11.5)
    pdf.paragraph(178, 7, kind.statement("te", page.facts, page.holder_te, page.number))
    pdf.set_y(pdf.get_y() + 2)
    pdf.la(10.5)
    pdf.paragraph(178, 5.6, kind.statement("en", page.facts, page.holder_en, page.number))

    pdf.set_y(pdf.get_y() + 4)
    # the type's own facts; the family's common ones (parent, address) are in the statement
    for spec in kind.spec.fields:
        if all(page.facts.get(k) not in (None, "") for k in spec.fact_keys()):
            _pair(pdf, spec.label, spec.show(page.facts, "te"), spec.show(page.facts, "en"))
    valid = _label("valid_until")
    if page.valid_until is not None:
        until = clock.format_ist(page.valid_until, "%d-%m-%Y")
        _pair(pdf, valid, until, until)
    else:
        forever = _label("no_expiry")
        _pair(pdf, valid, forever.te, forever.en)
    _pair(pdf, _label("issuing_office"), page.office.name_te, page.office.name_en)

    _signature_area(pdf, page)
    _verification_footer(pdf, page)
    return bytes(pdf.output(output_producer_class=_Output))


def _signature_area(pdf: _Pdf, page: Page) -> None:
    top = 190.0
    code = qr_code(page.qr_text)
    size = 48.0
    pdf.qr(code, x=16, y=top, size=size, scale=4)
    caption = _label("signed_qr")
    pdf.set_xy(16, top + size)
    pdf.te(6.5)
    pdf.set_text_color(*MUTED)
    pdf.paragraph(70, 3.2, f"{caption.te}\n{caption.en}", x=16)

    # the officer's block, with a round office seal drawn beside it
    pdf.set_text_color(0, 0, 0)
    signed = _label("digitally_signed")
    x = 118.0
    pdf.set_draw_color(*INK)
    pdf.set_line_width(0.4)
    pdf.circle(x=98, y=top + 22, radius=11)
    pdf.circle(x=98, y=top + 22, radius=9.6)
    pdf.set_font("la", "B", 5.5)
    pdf.set_text_color(*INK)
    pdf.set_xy(87, top + 19.5)
    pdf.cell(22, 2.5, page.office.code[:18], align="C")
    pdf.set_xy(87, top + 22.5)
    pdf.cell(22, 2.5, "MANA MITRA", align="C")
    pdf.set_text_color(0, 0, 0)
    pdf.set_xy(x, top + 8)
    pdf.te(9)
    pdf.cell(76, 5, f"{signed.te} / {signed.en}", align="R", new_x="LEFT", new_y="NEXT")
    pdf.te(11, bold=True)
    pdf.cell(76, 6, page.officer.designation_te, align="R", new_x="LEFT", new_y="NEXT")
    pdf.la(10.5, bold=True)
    pdf.cell(76, 5.5, page.officer.designation_en, align="R", new_x="LEFT", new_y="NEXT")
    if page.officer.name_en:
        pdf.la(9.5)
        pdf.cell(76, 5, page.officer.name_en, align="R", new_x="LEFT", new_y="NEXT")
    pdf.te(9.5)
    pdf.cell(76, 5, page.office.name_te, align="R", new_x="LEFT", new_y="NEXT")
    pdf.la(9)
    pdf.cell(76, 5, page.office.name_en, align="R", new_x="LEFT", new_y="NEXT")
    pdf.cell(76, 5, clock.format_ist(page.issued_at), align="R")


def _verification_footer(pdf: _Pdf, page: Page) -> None:
    top = 256.0
    pdf.set_draw_color(170, 180, 200)
    pdf.set_line_width(0.3)
    pdf.line(16, top - 2, 194, top - 2)
    link = qr_code(page.verify_url)
    pdf.qr(link, x=172, y=top, size=22, scale=3)
    pdf.set_font("la", "", 6)
    pdf.set_text_color(*MUTED)
    pdf.set_xy(168, top + 22)
    pdf.cell(30, 3, _label("link_qr").en, align="C")
    how = labels()["how_to_verify"]
    values = {"url": page.verify_url, "verify_page": page.verify_page}
    pdf.set_text_color(0, 0, 0)
    pdf.set_xy(16, top)
    pdf.te(7.6)
    pdf.paragraph(152, 3.9, how["te"].format_map(values))
    pdf.la(7.2)
    pdf.set_x(16)
    pdf.paragraph(152, 3.4, how["en"].format_map(values))
    footer = _label("footer")
    pdf.set_text_color(*MUTED)
    pdf.set_xy(16, 281)
    pdf.te(6.5)
    pdf.cell(178, 3.5, f"{footer.te}  {footer.en}", align="C")
