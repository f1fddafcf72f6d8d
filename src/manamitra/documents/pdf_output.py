"""Writing a document's PDF objects: fpdf2's output producer, embedding our fonts itself
(ToUnicode CMap, CIDToGIDMap, subset program) and our own 1-bit QR image XObject."""

from __future__ import annotations

import copy
import logging
from typing import Any

from fpdf.fonts import PDFFontDescriptor
from fpdf.output import (
    CIDSystemInfo,
    OutputProducer,
    PDFCatalog,
    PDFFont,
    PDFFontStream,
    PDFInfo,
    PDFPage,
    PDFPagesRoot,
    PDFResources,
    PDFXObject,
    _build_cmap_blocks,
    _cid_font_widths,
)
from fpdf.syntax import Name, PDFArray, PDFContentStream, PDFObject, camel_case

from manamitra.documents import deflate
from manamitra.documents.lines import OWN_CODES, DocumentSubsetMap
from manamitra.documents.shaping import GLYPHS, SERIAL_LIMIT, SharedFont
from manamitra.documents.subset import DocumentFont

_LOG = logging.getLogger(__name__)


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
        if len(_UNICODE_HEX) < SERIAL_LIMIT:
            _UNICODE_HEX[chars] = text
    return text


def _utf16_hex(char: int) -> str:
    if char > 0xFFFF:
        char -= 0x10000
        return f"{0xD800 | char >> 10:04X}{0xDC00 | char & 0x3FF:04X}"
    return f"{char:04X}"


# each attribute's PDF name ("c_i_d_to_g_i_d_map" -> "/CIDToGIDMap"), as `build_obj_dict`
# converts it for every key of every object: the few dozen attribute names of these classes
_PDF_NAMES: dict[str, str] = {}

# the public slots of each class (fpdf2's page and image objects keep their attributes in
# slots, which `dir()` lists and `vars()` does not)
_SLOTS: dict[type, frozenset[str]] = {}


def _slots(cls: type) -> frozenset[str]:
    slots = _SLOTS.get(cls)
    if slots is None:
        names: set[str] = set()
        for klass in cls.__mro__:
            declared = klass.__dict__.get("__slots__", ())
            names.update((declared,) if isinstance(declared, str) else declared)
        slots = _SLOTS[cls] = frozenset(name for name in names if not name.startswith("_"))
    return slots


class _Attributes:
    """A PDF object whose dictionary is built from its own attributes (its instance dictionary
    and public slots), as fpdf2 builds it from `dir()`: the same keys in the same order and
    the same values, these classes adding no public class attributes but methods and the `id`
    and `ref` properties, which fpdf2 leaves out. Without listing every method of the class
    for each object, and with each attribute's PDF name converted once per process."""

    id: int

    def _build_obj_dict(self, security_handler: Any = None) -> dict[str, object]:
        attributes = vars(self)
        slots = _slots(type(self))
        keys = sorted(attributes.keys() | slots if slots else attributes)
        obj_id = self.id
        obj_dict: dict[str, object] = {}
        # what `build_obj_dict` does for each key, in its order of tests
        for key in keys:
            if key[0] == "_" or key == "id" or key == "ref":
                continue
            value = getattr(self, key)
            if value is None or callable(value):
                continue
            name = _PDF_NAMES.get(key)
            if name is None:
                name = _PDF_NAMES[key] = f"/{camel_case(key)}"
            kind = type(value)
            if kind is int or kind is float or kind is str:  # no value, no serialize
                obj_dict[name] = value
                continue
            if hasattr(value, "value"):  # e.g. an Enum
                value = value.value
            if isinstance(value, PDFObject):  # an indirect object reference
                value = value.ref
            elif hasattr(value, "serialize"):  # e.g. PDFArray, PDFString, Name
                value = value.serialize(_security_handler=security_handler, _obj_id=obj_id)
            elif isinstance(value, bool):
                value = str(value).lower()
            obj_dict[name] = value
        return obj_dict


class _Font(_Attributes, PDFFont):
    pass


class _Stream(_Attributes, PDFContentStream):
    pass


class _SystemInfo(_Attributes, CIDSystemInfo):
    pass


class _Descriptor(_Attributes, PDFFontDescriptor):
    pass


class _FontStream(_Attributes, PDFFontStream):
    """A font program: each document's subset is new, so it is compressed every time (by
    `deflate`, not zlib's level 6); the tables every subset of a font shares come compressed
    already (`FontProgram.compressed_subset`)."""

    def __init__(self, font: DocumentFont) -> None:
        compressed, length = font.compressed_subset()
        PDFContentStream.__init__(self, contents=compressed)
        self.filter = Name("FlateDecode")
        self.length1 = length


class _Page(_Attributes, PDFPage):
    __slots__ = ()


class _PagesRoot(_Attributes, PDFPagesRoot):
    pass


class _Catalog(_Attributes, PDFCatalog):
    pass


class _Info(_Attributes, PDFInfo):
    pass


class _Resources(_Attributes, PDFResources):
    pass


class _XObject(_Attributes, PDFXObject):
    __slots__ = ()


# the object classes fpdf2 creates for a document, and ours building the same dictionaries
# (`_add_pdf_obj` gives each such object our class)
OWN_CLASSES: dict[type, type] = {
    PDFPage: _Page,
    PDFPagesRoot: _PagesRoot,
    PDFCatalog: _Catalog,
    PDFInfo: _Info,
    PDFResources: _Resources,
    PDFContentStream: _Stream,
    PDFXObject: _XObject,
}


class _DeflatedStream(_Stream):
    """A stream compressed by `deflate` rather than fpdf2's zlib at level 6."""

    def __init__(self, contents: bytes | bytearray) -> None:
        PDFContentStream.__init__(self, contents=deflate.zlib_stream(contents))
        self.filter = Name("FlateDecode")


OWN_IMAGE = "manamitra_1bit"


def _add_own_image(output: OutputProducer, info: dict[str, object]) -> PDFXObject:
    """A 1-bit grey picture compressed with Flate and no predictor, so no /DecodeParms: fpdf2
    gives a 1-bit Flate image the decode parameters of its CCITT path."""
    data, width, height = info["data"], info["w"], info["h"]
    assert isinstance(data, bytes) and isinstance(width, int) and isinstance(height, int)
    image = _XObject(
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


class DocumentOutput(OutputProducer):
    """fpdf2's PDF writer, embedding our fonts itself: the same objects with the same
    contents, but the CIDToGIDMap is filled as bytes rather than as a list of 131,072
    one-character strings and stops after the last code used (fpdf2 writes 128 KiB, four
    times a document), each document gets its own font descriptor object (fpdf2 numbers the
    shared one in place), and the subset comes straight from the font's program. Documents
    with any other font are left to fpdf2 entirely. Every object fpdf2 creates for a document
    (page, pages root, catalog, info, content stream, resources, images) is given our subclass
    of its class (`OWN_CLASSES`), which builds the same dictionary without fpdf2's `dir()`
    walk."""

    def _add_pdf_obj(self, pdf_obj: PDFObject, trace_label: str | None = None) -> int:
        ours = OWN_CLASSES.get(type(pdf_obj))
        if ours is not None:
            pdf_obj.__class__ = ours
        return int(super()._add_pdf_obj(pdf_obj, trace_label))

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
            if isinstance(font, SharedFont) and isinstance(font.ttfont, DocumentFont)
        ]
        if len(ours) < len(fonts) or getattr(self.fpdf, "_compliance", None):
            return dict(
                super()._add_fonts(
                    image_objects_per_index, gfxstate_objs_per_name, pattern_objs_per_name
                )
            )
        return {font.i: self._embed(font) for font in ours}

    def _add_pages(self, _slice: slice = slice(0, None)) -> list[PDFPage]:
        """fpdf2's pages, their content compressed by `deflate` (fpdf2 compresses it at zlib's
        level 6, a tenth of a document's time)."""
        compress = self.fpdf.compress
        self.fpdf.compress = False
        try:
            pages = list(super()._add_pages(_slice))
        finally:
            self.fpdf.compress = compress
        if compress:
            for page in pages:
                stream = page.contents
                assert isinstance(stream, PDFContentStream)
                stream._contents = deflate.zlib_stream(stream._contents)
                stream.filter = Name("FlateDecode")
                stream.length = len(stream._contents)
        return pages

    def _add_image(self, info: dict[str, object]) -> PDFXObject:
        if info.get(OWN_IMAGE):
            return _add_own_image(self, info)
        return super()._add_image(info)

    def _embed(self, font: SharedFont) -> PDFFont:
        name = f"MPDFAA+{font.name}"
        if font.missing_glyphs:
            _LOG.warning(
                "Font %s is missing the following glyphs: %s",
                name,
                ", ".join(repr(chr(char)) for char in font.missing_glyphs[:10]),
            )
        subset_map = font.subset
        assert isinstance(subset_map, DocumentSubsetMap)
        document_font = font.ttfont
        assert isinstance(document_font, DocumentFont)
        # each glyph's id, width and ToUnicode entry, remembered with the font's code book (a
        # glyph's code is the same in every document but for a document's own codes)
        glyph_ids, facts = document_font.program.glyph_ids, subset_map.book.facts
        widths: dict[int, int] = {}
        characters: list[str] = []
        gids: list[int] = []
        # the map ends at the highest code this document shows: fpdf2 fills all 65,536 codes,
        # but no code past the last one used is ever shown, so the tail (zeros) is never read
        cid_to_gid = bytearray(2 * (max(subset_map.used.values(), default=0) + 1))
        for key, code in subset_map.used.items():
            fact = facts.get(key) if code < OWN_CODES else None
            if fact is None:
                glyph = GLYPHS[key] if isinstance(key, int) else key
                chars = glyph.unicode
                line = (
                    f"<{code:04X}> <{_unicode_hex(chars)}>\n"
                    if isinstance(chars, tuple) and chars
                    else None
                )
                fact = (glyph_ids[glyph.glyph_name], glyph.glyph_width, line)
                if code < OWN_CODES:
                    facts[key] = fact
            gid, widths[code], line = fact
            gids.append(gid)
            if line is not None:
                characters.append(line)
            cid_to_gid[2 * code] = gid >> 8
            cid_to_gid[2 * code + 1] = gid & 0xFF
        document_font.retain(gids=gids)

        composite = _Font(subtype="Type0", base_font=name, encoding="Identity-H")
        self._add_pdf_obj(composite, "fonts")
        cid_font = _Font(
            subtype="CIDFontType2",
            base_font=name,
            d_w=font.desc.missing_width,
            w=_cid_font_widths(widths),
        )
        self._add_pdf_obj(cid_font, "fonts")
        composite.descendant_fonts = PDFArray([cid_font])
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
        cid_to_gid_map = _DeflatedStream(cid_to_gid)
        self._add_pdf_obj(cid_to_gid_map, "fonts")
        cid_font.c_i_d_to_g_i_d_map = cid_to_gid_map
        program = _FontStream(document_font)
        self._add_pdf_obj(program, "fonts")
        descriptor.font_file2 = program  # type: ignore[attr-defined]
        # as fpdf2 does: these caches are shared by every subset map in the process
        font.subset.pick.cache_clear()
        font.subset.get_glyph.cache_clear()
        return composite
