"""Font subsetting for the PDFs we render, without mutating or re-parsing the font.

fpdf2 embeds a subset of each TrueType font it used, made by fontTools' Subsetter, which edits
the font object in place: every document needed a freshly parsed font, and subsetting four
fonts was about half the time it took to render one. Here each font file is read once per
process into a `FontProgram` (its tables as bytes, glyph offsets, composite components), and a
document's subset keeps the glyph ids it used, copies their outlines as raw bytes and leaves
every other glyph empty. Because the ids are kept, fpdf2's CIDToGIDMap stays right.

A document's font is a `DocumentFont`: it answers the reads fpdf2 makes of `TTFFont.ttfont`
from one shared, read-only fontTools `TTFont`, and its `save` writes the subset. `install()`
points fpdf2's subsetting at it; fonts that are not `DocumentFont`s (other fpdf2 users in the
process) still go through fontTools.
"""

from __future__ import annotations

import struct
import sys
import zlib
from array import array
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import IO, Any

from fontTools import subset as ftsubset
from fontTools.ttLib import TTFont
from fpdf import output

from manamitra.documents import deflate
from manamitra.documents.shaping import Memo

# what we embed of a TrueType font, in the order the OpenType spec recommends for the table
# data; the layout tables (GSUB, GPOS, GDEF), hdmx, DSIG and the rest are dropped, as fpdf2's
# own subsetting drops them, and so is the TrueType hinting (fpgm, prep, cvt and each
# glyph's instructions: see `unhinted`)
_DATA_ORDER = (
    "head",
    "hhea",
    "maxp",
    "OS/2",
    "hmtx",
    "cmap",
    "loca",
    "glyf",
    "name",
    "post",
    "gasp",
)
KEPT_TABLES = frozenset(_DATA_ORDER)
# where the tables go in a subset file (any order is valid): the tables every subset of a font
# shares byte for byte sit together between head and the three made for each document, so
# they are compressed once a process (see `FontProgram.compressed_subset`)
_MADE = ("hmtx", "loca", "glyf")
_SHARED_ORDER = tuple(tag for tag in _DATA_ORDER if tag != "head" and tag not in _MADE)
_FILE_ORDER = ("head", *_SHARED_ORDER, *_MADE)
_CHECKSUM_MAGIC = 0xB1B0AFBA
_HEAD_CHECKSUM_ADJUSTMENT = 8
_HEAD_INDEX_TO_LOC_FORMAT = 50
# composite glyph flags (OpenType glyf table)
_ARG_1_AND_2_ARE_WORDS = 0x0001
_WE_HAVE_A_SCALE = 0x0008
_MORE_COMPONENTS = 0x0020
_WE_HAVE_AN_X_AND_Y_SCALE = 0x0040
_WE_HAVE_A_TWO_BY_TWO = 0x0080
_WE_HAVE_INSTRUCTIONS = 0x0100

assert array("I").itemsize == 4, "checksums sum 32-bit words"
_SWAP = sys.byteorder == "little"
_UINT32 = struct.Struct(">I").pack
_ZLIB_HEADER = b"\x78\x01"  # deflate, 32 KiB window, no preset dictionary
# compressed subsets remembered a font, a generation (so 64 to 128 of them, ~20 KB each for
# Telugu): the template's text and the dates repeat, so the Latin fonts' glyph sets often do
SUBSET_MEMO_SIZE = 64


def _words(data: bytes) -> array[int]:
    """`data` as big-endian uint32 words (zero-padded to a multiple of four bytes)."""
    if len(data) % 4:
        data += b"\0" * (4 - len(data) % 4)
    words = array("I", data)
    if _SWAP:
        words.byteswap()
    return words


def checksum(data: bytes) -> int:
    """The sfnt table checksum: the sum of the big-endian uint32 words, modulo 2**32."""
    return sum(_words(data)) & 0xFFFFFFFF


def _padded(data: bytes) -> bytes:
    return data + b"\0" * (-len(data) % 4)


def unhinted(glyph: bytes) -> bytes:
    """The glyph without its TrueType instructions: the same outline. Hinting is a third of
    the Telugu glyphs' bytes, and poppler and most PDF viewers render without it; what is
    left is smaller to embed and to compress in every document."""
    if len(glyph) < 10:
        return glyph
    contours = struct.unpack_from(">h", glyph)[0]
    if contours >= 0:
        at = 10 + 2 * contours  # past the bounding box and the contours' end points
        (length,) = struct.unpack_from(">H", glyph, at)
        return glyph[:at] + b"\0\0" + glyph[at + 2 + length :]
    parts = [glyph[:10]]
    end, instructed = 10, False
    for at, size, flags, _ in _component_records(glyph):
        instructed = instructed or bool(flags & _WE_HAVE_INSTRUCTIONS)
        parts.append(struct.pack(">H", flags & ~_WE_HAVE_INSTRUCTIONS) + glyph[at + 2 : at + size])
        end = at + size
    if not instructed:
        parts.append(glyph[end:])  # whatever padding followed
    return b"".join(parts)


def _component_records(glyph: bytes) -> Iterator[tuple[int, int, int, int]]:
    """A composite glyph's component records: where each starts, its size, flags and glyph id."""
    at = 10
    while True:
        flags, gid = struct.unpack_from(">HH", glyph, at)
        size = 4 + (4 if flags & _ARG_1_AND_2_ARE_WORDS else 2)
        if flags & _WE_HAVE_A_SCALE:
            size += 2
        elif flags & _WE_HAVE_AN_X_AND_Y_SCALE:
            size += 4
        elif flags & _WE_HAVE_A_TWO_BY_TWO:
            size += 8
        yield at, size, flags, gid
        if not flags & _MORE_COMPONENTS:
            return
        at += size


def _components(glyph: bytes) -> tuple[int, ...]:
    """The glyph ids a composite glyph is built from (none for a simple or empty glyph)."""
    if len(glyph) < 10 or struct.unpack_from(">h", glyph)[0] >= 0:
        return ()
    return tuple(gid for _, _, _, gid in _component_records(glyph))


class FontProgram:
    """One TrueType font file, read once: what every document's subset of it is made from.

    Immutable once built, so documents rendered on different threads can share it."""

    def __init__(self, path: Path, ttfont: TTFont) -> None:
        self.path = path
        self.ttfont = ttfont  # shared and read-only: nobody subsets or saves it
        data = path.read_bytes()
        version, count = struct.unpack_from(">IH", data)
        if version not in (0x00010000, 0x74727565):  # 1.0 or 'true': TrueType outlines
            raise ValueError(f"{path.name} is not a TrueType (glyf) font")
        tables: dict[str, bytes] = {}
        for i in range(count):
            tag, _, offset, length = struct.unpack_from(">4sIII", data, 12 + 16 * i)
            tables[tag.decode("latin-1")] = data[offset : offset + length]
        for tag in ("head", "hhea", "maxp", "hmtx", "loca", "glyf", "post"):
            if tag not in tables:
                raise ValueError(f"{path.name} has no {tag!r} table")
        head = tables["head"]
        glyph_count = struct.unpack_from(">H", tables["maxp"], 4)[0]
        short_loca = struct.unpack_from(">h", head, _HEAD_INDEX_TO_LOC_FORMAT)[0] == 0
        loca = array(
            "H" if short_loca else "I",
            tables["loca"][: (glyph_count + 1) * (2 if short_loca else 4)],
        )
        if _SWAP:
            loca.byteswap()
        offsets = [offset * 2 for offset in loca] if short_loca else list(loca)
        glyf = tables["glyf"]
        self.glyph_count = glyph_count
        self.glyphs: tuple[bytes, ...] = tuple(
            unhinted(glyf[offsets[gid] : offsets[gid + 1]]) for gid in range(glyph_count)
        )
        # each glyph padded to a four-byte boundary, with its checksum: a glyf table of
        # padded glyphs sums to the sum of theirs
        self.padded: tuple[bytes, ...] = tuple(_padded(glyph) for glyph in self.glyphs)
        self.glyph_sums: tuple[int, ...] = tuple(checksum(glyph) for glyph in self.padded)
        self.padded_lengths: tuple[int, ...] = tuple(len(glyph) for glyph in self.padded)
        # what a kept glyph adds to the sum of loca's entries: its length, once for each entry
        # after its own (glyph g ends at entry g + 1, the table has glyph_count + 1)
        self.loca_weights: tuple[int, ...] = tuple(
            length * (glyph_count - gid) for gid, length in enumerate(self.padded_lengths)
        )
        self.components: dict[int, tuple[int, ...]] = {}
        for gid, glyph in enumerate(self.glyphs):
            parts = _components(glyph)
            if parts:
                self.components[gid] = parts
        self.composites = frozenset(self.components)
        self.all_gids = frozenset(range(glyph_count))
        self.glyph_names: tuple[str, ...] = tuple(ttfont.getGlyphOrder())
        self.glyph_ids: dict[str, int] = {name: gid for gid, name in enumerate(self.glyph_names)}
        self.cmap: dict[int, str] = ttfont.getBestCmap() or {}
        # the tables every subset shares, with their checksums: head says "long loca" and
        # holds a zero checksum adjustment, post keeps its header and drops the glyph names
        fixed = bytearray(head)
        struct.pack_into(">I", fixed, _HEAD_CHECKSUM_ADJUSTMENT, 0)
        struct.pack_into(">h", fixed, _HEAD_INDEX_TO_LOC_FORMAT, 1)
        tables["head"] = bytes(fixed)
        tables["post"] = struct.pack(">I", 0x00030000) + tables["post"][4:32]
        self.hmtx = tables["hmtx"]
        self.long_metrics = struct.unpack_from(">H", tables["hhea"], 34)[0]
        # where each glyph's metric sits in hmtx and what it adds to the table's checksum: a
        # long metric is one whole word, a lone side bearing is the high or the low half of one
        self.metric_spans: list[tuple[int, int]] = []
        self.metric_sums: list[int] = []
        # (start, end, bytes, checksum share) of each glyph's metric, ascending and adjoining
        self.metric_slices: list[tuple[int, int, bytes, int]] = []
        for gid in range(glyph_count):
            if gid < self.long_metrics:
                at, size = 4 * gid, 4
            else:
                at, size = 4 * self.long_metrics + 2 * (gid - self.long_metrics), 2
            value = int.from_bytes(self.hmtx[at : at + size], "big")
            self.metric_spans.append((at, at + size))
            self.metric_sums.append(value << 16 if size == 2 and at % 4 == 0 else value)
            metric = self.hmtx[at : at + size]
            self.metric_slices.append((at, at + size, metric, self.metric_sums[-1]))
        self.zero_hmtx = bytes(len(self.hmtx))
        # an odd number of lone side bearings leaves hmtx two bytes short of a whole word
        self.hmtx_padding = bytes(-len(self.hmtx) % 4)
        self.tables: dict[str, tuple[bytes, int]] = {
            tag: (body, checksum(body))
            for tag, body in tables.items()
            if tag in KEPT_TABLES and tag not in _MADE
        }
        self.shared = b"".join(
            _padded(self.tables[tag][0]) for tag in _SHARED_ORDER if tag in self.tables
        )
        # raw deflate, ending on a byte boundary in a non-final block so more can follow
        deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
        self.shared_deflate = deflate.compress(self.shared) + deflate.flush(zlib.Z_SYNC_FLUSH)
        self._front_template()
        self.memo: Memo[frozenset[int], tuple[bytes, int]] = Memo(SUBSET_MEMO_SIZE)

    def _front_template(self) -> None:
        """The directory and head of every subset, laid out once by `_sfnt`: only glyf's
        length, the made tables' checksums and head's checksum adjustment differ between
        subsets (hmtx and loca have the font's lengths, glyf comes last), so `_front` fills
        in those words."""
        tables = dict(self.tables)
        tables["hmtx"] = (self.zero_hmtx, 0)
        tables["loca"] = (bytes(4 * (self.glyph_count + 1)), 0)
        tables["glyf"] = (b"", 0)
        front, _, _ = _sfnt(tables, self.shared)
        count = len(tables)
        directory = bytearray(front[: 12 + 16 * count])
        entry = {tag: 12 + 16 * i for i, tag in enumerate(sorted(tables))}
        head_at = struct.unpack_from(">I", directory, entry["head"] + 8)[0]
        template = bytearray(front)
        struct.pack_into(">I", template, head_at + _HEAD_CHECKSUM_ADJUSTMENT, 0)
        self.front = bytes(template)
        # the words filled in: the made tables' checksums, glyf's length, the adjustment
        self.front_sums = tuple(entry[tag] + 4 for tag in _MADE)
        self.front_glyf_length = entry["glyf"] + 12
        self.front_adjustment = head_at + _HEAD_CHECKSUM_ADJUSTMENT
        # the whole file's sum, but for those words and the made tables
        self.front_sum = checksum(bytes(directory)) + sum(sum_ for _, sum_ in self.tables.values())

    def closure(self, gids: Iterable[int]) -> set[int]:
        """`gids`, .notdef and every glyph a composite among them is built from."""
        keep = set(gids)
        keep &= self.all_gids
        composites = keep & self.composites
        composites.discard(0)  # .notdef is kept as it is
        pending = list(composites)
        keep.add(0)
        components = self.components
        while pending:
            for part in components[pending.pop()]:
                if part not in keep:
                    keep.add(part)
                    if part in components:
                        pending.append(part)
        return keep

    def subset(self, gids: Iterable[int]) -> bytes:
        """A complete font file holding the outlines of `gids` (and their components) at
        their own glyph ids, every other glyph empty."""
        return b"".join(self._pieces(gids))

    def compressed_subset(self, gids: Iterable[int]) -> tuple[bytes, int]:
        """`subset(gids)` as a zlib stream, and its length before compression. The stream's
        deflate data is three pieces: the directory and head, and the tables made for this
        document, compressed each time (`deflate.raw_piece`), around the shared tables
        compressed once at zlib's level 9; the first two end on a byte boundary in a non-final
        block, so they concatenate.

        The last `SUBSET_MEMO_SIZE` to twice that many results are remembered by the exact set
        of glyph ids asked for: the same set gets the same (immutable) objects back."""
        key = frozenset(gids)
        found = self.memo.get(key)
        if found is not None:
            return found
        front, shared, made = self._pieces(key)
        assert shared is self.shared
        first = deflate.raw_piece(front, final=False)
        last = deflate.raw_piece(made, final=True)
        adler = zlib.adler32(made, zlib.adler32(shared, zlib.adler32(front)))
        stream = b"".join(
            (_ZLIB_HEADER, first, self.shared_deflate, last, adler.to_bytes(4, "big"))
        )
        result = (stream, len(front) + len(shared) + len(made))
        self.memo.put(key, result)
        return result

    def _pieces(self, gids: Iterable[int]) -> tuple[bytes, bytes, bytes]:
        keep = self.closure(gids)
        kept = sorted(keep)
        hmtx, hmtx_sum = self._metrics(keep, kept)
        loca, loca_sum = self._locations(kept)
        padded = self.padded
        glyf = b"".join([padded[gid] for gid in kept]) or b"\0\0\0\0"
        glyf_sum = sum([self.glyph_sums[gid] for gid in kept]) & 0xFFFFFFFF
        return (
            self._front(len(glyf), hmtx_sum, loca_sum, glyf_sum),
            self.shared,
            b"".join((hmtx, self.hmtx_padding, loca, glyf)),
        )

    def _front(self, glyf_length: int, hmtx_sum: int, loca_sum: int, glyf_sum: int) -> bytes:
        """What `_sfnt` makes of the directory and head, from the template made once: the
        directory's words and every table's checksum add up to the whole file's."""
        front = bytearray(self.front)
        for at, sum_ in zip(self.front_sums, (hmtx_sum, loca_sum, glyf_sum), strict=True):
            struct.pack_into(">I", front, at, sum_)
        struct.pack_into(">I", front, self.front_glyf_length, glyf_length)
        whole = self.front_sum + 2 * (hmtx_sum + loca_sum + glyf_sum) + glyf_length
        struct.pack_into(">I", front, self.front_adjustment, (_CHECKSUM_MAGIC - whole) & 0xFFFFFFFF)
        return bytes(front)

    def _locations(self, kept: list[int]) -> tuple[bytes, int]:
        """The long loca of a glyf table holding the `kept` glyphs (ascending) and nothing for
        the others, with its checksum: the offsets step up only after a kept glyph, so the
        table is written a run of equal offsets at a time; each kept glyph adds its length to
        every entry after its own (`loca_weights`)."""
        lengths = self.padded_lengths
        pieces: list[bytes] = []
        append = pieces.append
        at = 0
        written = 0  # entries so far; entry g + 1 is where glyph g ends
        for gid in kept:
            append(_UINT32(at) * (gid + 1 - written))
            written = gid + 1
            at += lengths[gid]
        append(_UINT32(at) * (self.glyph_count + 1 - written))
        weights = self.loca_weights
        return b"".join(pieces), sum([weights[gid] for gid in kept]) & 0xFFFFFFFF

    def _metrics(self, keep: set[int], kept: list[int]) -> tuple[bytes, int]:
        """hmtx with the metrics of the glyphs left out zeroed (a PDF takes the advances from
        its own width array, and the zeros compress to nearly nothing), with its checksum:
        `kept` is `keep` ascending, and the table is joined from their metrics and the runs of
        zeros between them."""
        # glyphs past the last long metric take its advance, so it always stays
        last = self.long_metrics - 1
        if last not in keep:
            kept = sorted(keep | {last})
        slices, zeros = self.metric_slices, self.zero_hmtx
        pieces: list[bytes] = []
        append = pieces.append
        total = 0
        done = 0
        for gid in kept:
            start, end, metric, sum_ = slices[gid]
            if start > done:
                append(zeros[done:start])
            append(metric)
            total += sum_
            done = end
        append(zeros[done:])
        return b"".join(pieces), total & 0xFFFFFFFF


def _sfnt(tables: dict[str, tuple[bytes, int]], shared: bytes) -> tuple[bytes, bytes, bytes]:
    """The font file of `tables` (tag -> (body, checksum)), with head's checksum adjustment
    set, in three pieces: the directory and head, the shared tables (`shared`, their padded
    bodies in file order) and the rest. Each table starts on a four-byte boundary, as the
    checksums assume."""
    count = len(tables)
    selector = count.bit_length() - 1
    search_range = 16 << selector
    directory = bytearray(
        struct.pack(">IHHHH", 0x00010000, count, search_range, selector, count * 16 - search_range)
    )
    order = [tag for tag in _FILE_ORDER if tag in tables]
    order += sorted(tag for tag in tables if tag not in _FILE_ORDER)
    at = 12 + 16 * count
    placed: dict[str, int] = {}
    for tag in order:
        placed[tag] = at
        at += len(tables[tag][0]) + (-len(tables[tag][0]) % 4)
    for tag in sorted(tables):
        body, sum_ = tables[tag]
        directory += struct.pack(">4sIII", tag.encode("latin-1"), sum_, placed[tag], len(body))
    whole = checksum(bytes(directory)) + sum(sum_ for _, sum_ in tables.values())
    front = directory
    if "head" in tables:
        front += _padded(tables["head"][0])
        struct.pack_into(
            ">I",
            front,
            placed["head"] + _HEAD_CHECKSUM_ADJUSTMENT,
            (_CHECKSUM_MAGIC - whole) & 0xFFFFFFFF,
        )
    rest = b"".join(
        _padded(tables[tag][0]) for tag in order if tag in _MADE or tag not in _FILE_ORDER
    )
    return bytes(front), shared, rest


class DocumentFont:
    """What one document's `TTFFont.ttfont` is: reads go to the shared font, `retain` records
    the glyphs the document used and `save` writes their subset."""

    def __init__(self, program: FontProgram) -> None:
        self.program = program
        self.retained: set[int] = set()

    def __getitem__(self, tag: str) -> Any:
        return self.program.ttfont[tag]

    def __contains__(self, tag: str) -> bool:
        return tag in self.program.ttfont

    # the TTFont methods fpdf2 calls, under their fontTools names
    def getGlyphID(self, name: str) -> int:
        return self.program.glyph_ids[name]

    def getGlyphName(self, gid: int) -> str:
        return self.program.glyph_names[gid]

    def getGlyphOrder(self) -> list[str]:
        return list(self.program.glyph_names)

    def getBestCmap(self) -> dict[int, str]:
        return dict(self.program.cmap)

    def retain(
        self, names: Iterable[str] = (), gids: Iterable[int] = (), unicodes: Iterable[int] = ()
    ) -> None:
        ids = self.program.glyph_ids
        cmap = self.program.cmap
        self.retained.update(ids[name] for name in names if name in ids)
        self.retained.update(gids)
        self.retained.update(ids[cmap[u]] for u in unicodes if u in cmap)

    def subset(self) -> bytes:
        """The font file of the glyphs retained."""
        return self.program.subset(self.retained)

    def compressed_subset(self) -> tuple[bytes, int]:
        """The font file of the glyphs retained as a zlib stream, and its length."""
        return self.program.compressed_subset(self.retained)

    def save(self, file: IO[bytes]) -> None:
        file.write(self.subset())

    def close(self) -> None:
        """The shared font stays open for the next document."""


class _Subsetter(ftsubset.Subsetter):  # type: ignore[misc]
    """fontTools' Subsetter, except that a `DocumentFont` is subset by `retain` (its glyph ids
    kept) rather than edited in place."""

    def subset(self, font: Any) -> None:
        if isinstance(font, DocumentFont):
            font.retain(
                self.glyph_names_requested, self.glyph_ids_requested, self.unicodes_requested
            )
        else:
            super().subset(font)


def install() -> None:
    """Make fpdf2 subset `DocumentFont`s here. fpdf2 has no hook for its font subsetting: its
    output module calls `ftsubset.Subsetter` by that name, so that name is what we replace,
    with a stand-in that passes every other font to fontTools unchanged."""
    current = getattr(output, "ftsubset", None)
    if current is None:
        raise ImportError("fpdf2 no longer subsets fonts through fpdf.output.ftsubset")
    if getattr(current, "Subsetter", None) is _Subsetter:
        return
    output.ftsubset = SimpleNamespace(Options=ftsubset.Options, Subsetter=_Subsetter)  # type: ignore[attr-defined]
