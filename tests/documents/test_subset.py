"""The fonts embedded in our PDFs: each subset is a valid font (fontTools reads it with its
checksums checked), keeps the used glyphs' outlines unchanged at their own glyph ids, takes in
the components of composite glyphs, and holds every glyph the PDF's CIDToGIDMap points at."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from fpdf import FPDF
from pypdf import PdfReader

from manamitra.documents.shaping import FONTS
from manamitra.documents.subset import FontProgram, _sfnt, checksum, install
from manamitra.store import Database
from tests.trust.builders import issue_income, setup_keys, trust_service

FONT_FILES = sorted(p.name for p in FONTS.glob("*.ttf"))


def _program(name: str) -> FontProgram:
    return FontProgram(FONTS / name, TTFont(FONTS / name))


def _read_checked(data: bytes) -> TTFont:
    """The font in `data`, every table's checksum and the whole-file adjustment checked."""
    font = TTFont(io.BytesIO(data), checkChecksums=2)
    for tag in font.reader.tables:
        font[tag]  # reading a table asserts its checksum
    assert checksum(data) == 0xB1B0AFBA, "head.checkSumAdjustment is wrong"
    return font


def _outline(font: TTFont, gid: int) -> tuple[object, ...]:
    glyf = font["glyf"]
    glyph = glyf[font.getGlyphOrder()[gid]]
    coordinates, ends, flags = glyph.getCoordinates(glyf)  # composites resolved
    return (list(coordinates), list(ends), bytes(flags), font["hmtx"].metrics[glyf.glyphOrder[gid]])


@pytest.mark.parametrize("name", FONT_FILES)
def test_a_subset_keeps_outlines_and_ids_and_is_a_valid_font(name: str) -> None:
    original = TTFont(FONTS / name)
    program = FontProgram(FONTS / name, original)
    cmap = original.getBestCmap()
    wanted = {original.getGlyphID(cmap[ord(c)]) for c in "Ravi 96,000 రవి కుమార్" if ord(c) in cmap}
    assert wanted

    subset = _read_checked(program.subset(wanted))

    assert subset["maxp"].numGlyphs == original["maxp"].numGlyphs
    assert subset["post"].formatType == 3.0
    assert subset["head"].indexToLocFormat == 1
    assert not {"GSUB", "GPOS", "GDEF", "DSIG"} & set(subset.keys())
    kept = program.closure(wanted)
    for gid in kept:
        assert _outline(subset, gid) == _outline(original, gid)
    left_out = next(
        gid
        for gid in range(len(original.getGlyphOrder()))
        if gid not in kept and original["glyf"][original.getGlyphOrder()[gid]].numberOfContours
    )
    assert subset["glyf"][subset.getGlyphOrder()[left_out]].numberOfContours == 0


@pytest.mark.parametrize(
    ("name", "glyph"),
    [("NotoSans-Regular.ttf", "Aacute"), ("NotoSansTelugu-Regular.ttf", "katelu")],
)
def test_a_composite_glyph_brings_its_components(name: str, glyph: str) -> None:
    original = TTFont(FONTS / name)
    program = FontProgram(FONTS / name, original)
    gid = original.getGlyphID(glyph)
    components = [c.glyphName for c in original["glyf"][glyph].components]
    assert components

    subset = _read_checked(program.subset([gid]))

    for component in components:
        assert original.getGlyphID(component) in program.closure([gid])
        component_gid = original.getGlyphID(component)
        assert subset["glyf"][subset.getGlyphOrder()[component_gid]].numberOfContours != 0
    assert _outline(subset, gid) == _outline(original, gid)


def test_other_fpdf_documents_are_still_subset_by_fonttools(tmp_path: Path) -> None:
    """Our stand-in for fpdf2's subsetter passes fonts that are not ours to fontTools, which
    renumbers the glyphs it keeps."""
    install()

    pdf = FPDF()
    pdf.add_font("plain", "", str(FONTS / "NotoSans-Regular.ttf"))
    pdf.add_page()
    pdf.set_font("plain", size=12)
    pdf.cell(text="Hello")
    embedded = _embedded_fonts(bytes(pdf.output()))
    assert len(embedded) == 1
    ((font, _),) = embedded.values()
    assert font["maxp"].numGlyphs < 20


def _embedded_fonts(pdf: bytes) -> dict[str, tuple[TTFont, bytes]]:
    """Each embedded TrueType font of `pdf`, read with its checksums checked, with its
    CIDToGIDMap."""
    found: dict[str, tuple[TTFont, bytes]] = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for ref in page["/Resources"]["/Font"].values():
            descendant = ref.get_object()["/DescendantFonts"][0].get_object()
            data = descendant["/FontDescriptor"]["/FontFile2"].get_object().get_data()
            mapping = descendant["/CIDToGIDMap"].get_object().get_data()
            found[str(descendant["/BaseFont"])] = (_read_checked(data), mapping)
    return found


@pytest.mark.fast_renderer
def test_every_glyph_a_certificate_shows_is_in_its_embedded_font(
    sqlite_database_url: str, tmp_path: Path
) -> None:
    database = Database(sqlite_database_url)
    try:
        trust = trust_service(tmp_path)
        setup_keys(database, trust)
        issued = issue_income(database, trust)
    finally:
        database.dispose()
    originals = {
        _program(name).ttfont["name"].getBestFullName().replace(" ", ""): TTFont(FONTS / name)
        for name in FONT_FILES
    }
    embedded = _embedded_fonts(issued.pdf)
    assert len(embedded) == 4
    for base_font, (font, mapping) in embedded.items():
        original = originals[base_font.split("+", 1)[1]]
        gids = {gid for gid in struct.unpack(f">{len(mapping) // 2}H", mapping) if gid}
        assert len(gids) > 20
        for gid in gids:
            assert _outline(font, gid) == _outline(original, gid)


@pytest.mark.parametrize("name", FONT_FILES)
def test_a_compressed_subset_is_one_zlib_stream_of_the_subset(name: str) -> None:
    """The shared tables, compressed once, sit between the two pieces compressed per
    document; zlib reads the whole as one stream, its checksum included."""
    program = _program(name)
    gids = set(range(0, program.glyph_count, 7))

    stream, length = program.compressed_subset(gids)

    font = program.subset(gids)
    assert zlib.decompress(stream) == font and length == len(font)
    _read_checked(font)


def _reference_closure(program: FontProgram, gids: set[int]) -> set[int]:
    """The closure as first written: a walk from each glyph asked for."""
    keep = {0}
    pending = [gid for gid in gids if 0 <= gid < program.glyph_count]
    while pending:
        gid = pending.pop()
        if gid not in keep:
            keep.add(gid)
            pending.extend(program.components.get(gid, ()))
    return keep


def _reference_subset(program: FontProgram, gids: set[int]) -> bytes:
    """The subset built the plain way, table by table through `_sfnt`: hmtx a zeroed copy with
    the kept metrics copied in, loca from the running offsets, every checksum summed afresh."""
    kept = sorted(_reference_closure(program, gids))
    hmtx = bytearray(len(program.hmtx))
    for gid in {*kept, program.long_metrics - 1}:
        start, end = program.metric_spans[gid]
        hmtx[start:end] = program.hmtx[start:end]
    glyf = b"".join(program.padded[gid] for gid in kept) or b"\0\0\0\0"  # never empty
    offsets = [0]
    for gid in range(program.glyph_count):
        offsets.append(offsets[-1] + (len(program.padded[gid]) if gid in kept else 0))
    loca = struct.pack(f">{len(offsets)}I", *offsets)
    tables = dict(program.tables)
    for tag, body in (("hmtx", bytes(hmtx)), ("loca", loca), ("glyf", glyf)):
        tables[tag] = (body, checksum(body))
    return b"".join(_sfnt(tables, program.shared))


def _glyph_sets(program: FontProgram) -> list[set[int]]:
    cmap = program.cmap
    texts = ["Ravi Kumar 96,000", "Lakshmi Devi 12/04/2026", "రవి కుమార్", "శ్రీనివాస్ రెడ్డి", "Á É ñ"]
    found = [{program.glyph_ids[cmap[ord(c)]] for c in text if ord(c) in cmap} for text in texts]
    composites = sorted(program.components)
    # composites built from composites (the Latin fonts have some): components of components
    nested = [gid for gid in composites if set(program.components[gid]) & set(composites)]
    return [
        *(gids for gids in found if gids),
        set(composites[:5]),  # composites alone: their components come in
        set(nested[:5]),
        {0, 1, 2, program.glyph_count - 1},
        {program.long_metrics - 1},
        set(range(0, program.glyph_count, 3)) | {-1, program.glyph_count + 5},  # out of range
    ]


@pytest.mark.parametrize("name", FONT_FILES)
def test_subsets_are_what_the_plain_construction_makes(name: str) -> None:
    """The precomputed directory, the joined hmtx and loca and the set-based closure give the
    bytes the plain construction gives."""
    program = _program(name)
    for gids in _glyph_sets(program):
        assert program.closure(gids) == _reference_closure(program, gids)
        assert program.subset(gids) == _reference_subset(program, gids)


@pytest.mark.parametrize("name", FONT_FILES)
def test_a_glyph_set_seen_again_is_served_from_the_memo(name: str) -> None:
    program = _program(name)
    fresh = _program(name)
    sets = _glyph_sets(program)
    first = [program.compressed_subset(gids) for gids in sets]
    assert len(program.memo) == len(set(map(frozenset, sets)))

    for gids, result in zip(sets, first, strict=True):
        again = program.compressed_subset(set(gids))  # an equal set, not the same object
        assert again is result
        assert again == fresh.compressed_subset(gids)  # what a build from scratch gives
        stream, length = again
        font = _reference_subset(program, gids)
        assert zlib.decompress(stream) == font and length == len(font)
    # a set one glyph away is a set of its own
    nearly = sets[0] | {max(program.all_gids - sets[0])}
    other = program.compressed_subset(nearly)
    assert other is not first[0] and other != first[0]
    assert zlib.decompress(other[0]) == _reference_subset(program, nearly)


def test_the_memo_stays_bounded() -> None:
    """At most 128 subsets a font are kept (a Telugu one is ~20 KB), however many sets come."""
    program = _program("NotoSans-Regular.ttf")
    sets = [{gid} for gid in range(1, 301)]
    results = [program.compressed_subset(gids) for gids in sets]

    assert 0 < len(program.memo) <= 128
    assert program.memo.get(frozenset(sets[0])) is None  # the oldest went
    assert program.compressed_subset(sets[0]) == results[0]  # and is made again the same
    assert program.compressed_subset(sets[-1]) is results[-1]


def test_a_font_with_lone_side_bearings(tmp_path: Path) -> None:
    """Glyphs past hhea's last long metric have only a side bearing in hmtx (fontTools writes
    them so when the last advances are equal): an odd number of them leaves hmtx half a word
    short, and the tables after it must still start on a word boundary."""
    font = TTFont(FONTS / "NotoSans-Regular.ttf")
    order = font.getGlyphOrder()
    advance = font["hmtx"][order[-6]][0]
    for name in order[-5:]:
        font["hmtx"][name] = (advance, font["hmtx"][name][1])
    path = tmp_path / "short.ttf"
    font.save(path)
    program = FontProgram(path, TTFont(path))
    assert program.long_metrics < program.glyph_count and len(program.hmtx) % 4 == 2

    for gids in [{1, 2, 3}, set(range(program.glyph_count - 7, program.glyph_count)), {0}]:
        data = program.subset(gids)
        assert data == _reference_subset(program, gids)
        subset = _read_checked(data)
        for gid in program.closure(gids):
            assert _outline(subset, gid) == _outline(program.ttfont, gid)


@pytest.mark.parametrize("name", FONT_FILES)
def test_embedded_glyphs_keep_their_outlines_without_hinting(name: str) -> None:
    original = TTFont(FONTS / name)
    program = FontProgram(FONTS / name, original)
    every = set(range(program.glyph_count))

    subset = _read_checked(program.subset(every))

    assert not {"fpgm", "prep", "cvt "} & set(subset.keys())
    assert any(
        glyph.numberOfContours and glyph.program.getBytecode()
        for glyph in (original["glyf"][n] for n in original.getGlyphOrder())
        if hasattr(glyph, "program")
    )  # the font as shipped is hinted
    glyf = subset["glyf"]
    for gid in every:
        assert _outline(subset, gid) == _outline(original, gid)
        glyph = glyf[subset.getGlyphOrder()[gid]]
        if glyph.numberOfContours:
            assert not (hasattr(glyph, "program") and glyph.program.getBytecode())
    assert len(program.subset(every)) < 0.8 * len((FONTS / name).read_bytes())
