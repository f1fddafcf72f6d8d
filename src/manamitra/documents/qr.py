"""The QR symbol: encoded at error level M by zint, its mask chosen here by the ISO/IEC 18004
penalty rules (scored with numpy, all eight at once; zint's own choice, the same, for a short
text), refused past a version cheap cameras read, and drawn as a 1-bit picture with its quiet
zone (or given as that picture's bytes)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import zint
from PIL import Image, ImageOps

MAX_QR_VERSION = 12  # what a typical document keeps to (tests hold us to it)
HARD_QR_VERSION = 16  # beyond this cheap cameras fail; refuse rather than print it

Matrix = np.ndarray  # uint8 modules, 1 dark, 0 light (or a bit per mask: see `candidates`)


class QrTooLargeError(ValueError):
    pass


@dataclass(frozen=True)
class QrCode:
    """A QR symbol at error level M: its version and its modules as a greyscale picture, one
    pixel a module (0 dark, 255 light), without the quiet zone."""

    text: str
    version: int
    modules: Image.Image


def qr_code(text: str, limit: int = HARD_QR_VERSION) -> QrCode:
    """The QR at error level M; refuses a payload that needs more than version `limit`.
    zint's own mask choice is most of its time for a larger symbol (as zxing-cpp's was), so
    there zint encodes with mask 0 and the best mask is picked here; the result is the symbol
    zint makes with that mask, which is zint's own choice. For a short text (at most version 5:
    a link) zint's own choice costs less than our scoring, and is taken."""
    own = len(text.encode()) <= _ZINT_CHOOSES_BYTES
    masked = _zint_modules(text, mask=None if own else 0)
    version = (masked.shape[0] - 17) // 4  # a version-v symbol is 4v + 17 modules a side
    if version > limit:
        raise QrTooLargeError(
            f"QR needs version {version} (> {limit}): put fewer facts in the signed claims"
        )
    rows, cols = _format_places(version)
    if own:
        if not (masked[rows, cols] == _FORMAT_BITS).all(axis=1).any():
            raise ValueError("zint made a QR that is not at error level M")
        light = masked - np.uint8(1)  # 0 where dark, 255 (wrapped round) where light
    else:
        if not np.array_equal(masked[rows, cols], _FORMAT_BITS[0]):
            raise ValueError("zint made a QR that is not at error level M")
        planes = candidates(masked, version)
        best = int(np.argmin(penalties(planes).sum(axis=1)))  # on a tie, the lowest mask
        # Bit `best` moved to the sign: shifted back across the byte it is 0xFF where dark.
        dark = (planes << np.uint8(7 - best)).view(np.int8) >> 7
        light = np.invert(dark, out=dark).view(np.uint8)
    return QrCode(text=text, version=version, modules=Image.fromarray(light))


# Up to this many bytes (at most version 5 at level M, 84 bytes in byte mode) zint choosing the
# mask costs less than our scoring; it costs several times more at version 12.
_ZINT_CHOOSES_BYTES = 64


def _zint_modules(text: str, mask: int | None) -> Matrix:
    """zint's QR at level M with `mask` forced, or zint's own choice if None: (n, n) uint8,
    1 dark."""
    symbol = zint.Symbol()
    symbol.symbology = zint.Symbology.QRCODE
    symbol.option_1 = 2  # error level M
    if mask is not None:
        symbol.option_3 = (mask + 1) << 8
    symbol.encode(text)
    side = symbol.width
    packed = np.asarray(symbol.encoded_data)[:side, : (side + 7) // 8]
    return np.unpackbits(packed, axis=1, count=side, bitorder="little")


def candidates(masked: Matrix, version: int) -> Matrix:
    """The symbol under all eight masks, format information included, as one (n, n) uint8
    array whose bit k is the module (1 dark) under mask k: scoring then works on 8 symbols
    for the cost of one."""
    patterns = _mask_patterns(version)
    planes = (masked ^ (patterns & 1)) * np.uint8(0xFF) ^ patterns  # unmask, then mask 0-7
    rows, cols = _format_places(version)
    planes[rows, cols] = _FORMAT_PLANES
    return planes


def penalties(planes: Matrix) -> np.ndarray:
    """The ISO/IEC 18004 penalties of the eight symbols in `planes` (see `candidates`): (8, 4),
    the columns N1 (runs), N2 (2×2 blocks), N3 (finder-like patterns), N4 (dark share).

    The rows and then the columns lie end to end in one flat line, four light modules before
    each (and after the last): every shifted comparison is then one numpy operation over the
    whole line, the gaps serving as the quiet zone N3 asks for; windows that would reach into
    a gap are masked out of N1 and N2. What each rule counts is written into one buffer,
    whose bits are then counted in one pass."""
    side = planes.shape[0]
    layout = _layout(side)
    stride, end = layout.stride, layout.end
    line = np.zeros(end, dtype=np.uint8)
    grid = line[4:].reshape(2 * side, stride)
    grid[:side, :side] = planes
    grid[side:, :side] = planes.T
    marks = np.zeros(layout.marks, dtype=np.uint8)  # runs, blocks, found, dark: 255-padded
    runs_at, blocks_at, found_at, dark_at = layout.parts

    # N1: a run of 5 + i same-coloured modules scores 3 + i, i.e. one point per 5-window in
    # the run plus two per run; the windows of a run are consecutive, so the run count is half
    # the number of changes along the window flags (which are clear at both ends).
    change = line[1:] ^ line[:-1]  # change[i]: modules i and i + 1 differ
    changes = change[1:] | change[:-1]
    runs = marks[runs_at : runs_at + 2 * end - 9]  # the 5-windows, then their changes
    fives = runs[: end - 4]
    np.bitwise_or(changes[2:], changes[:-2], out=fives)
    np.invert(fives, out=fives)
    fives &= layout.valid_runs
    np.bitwise_xor(fives[1:], fives[:-1], out=runs[end - 4 :])

    # N2: 3 for every 2×2 block of one colour (overlapping blocks each count), in the rows.
    span = (side - 1) * stride
    blocks = marks[blocks_at : blocks_at + span]
    np.bitwise_or(change[4 : 4 + span], change[4 + stride : 4 + stride + span], out=blocks)
    blocks |= line[4 : 4 + span] ^ line[4 + stride : 4 + stride + span]
    np.invert(blocks, out=blocks)
    blocks &= layout.valid_blocks

    # N3: 40 for each dark-light-dark×3-light-dark run with four light modules before or
    # after it; past the edge is light (the quiet zone). Every occurrence counts, overlapping
    # ones too (as zint counts; segno skips one that overlaps a pattern it has just counted).
    # No such run fits across a gap of four light modules, so each one found is in a line.
    starts = end - 14  # a run starting at 4 + t, for t in range(starts)
    pairs = line[1:] | line[:-1]
    dark4 = pairs[2:] | pairs[:-2]  # any dark among the four from here
    both = line[2:] & line[:-2]  # dark here and two on
    found = marks[found_at : found_at + starts]
    np.bitwise_and(both[4 : 4 + starts], both[8 : 8 + starts], out=found)
    found &= line[7 : 7 + starts]
    unfit = line[5 : 5 + starts] | line[9 : 9 + starts]
    unfit |= dark4[:starts] & dark4[11 : 11 + starts]
    np.invert(unfit, out=unfit)
    found &= unfit

    # N4: the dark modules.
    marks[dark_at : dark_at + side * side].reshape(side, side)[...] = planes

    # Each byte unpacked to a word whose 8 byte lanes are its bits: sums of 255 such words
    # cannot carry from lane to lane, and their lanes summed are the counts per bit.
    lanes = np.unpackbits(marks, bitorder="little").view(np.uint64).reshape(-1, 255).sum(axis=1)
    counts = np.add.reduceat(lanes.view(np.uint8).reshape(-1, 8), layout.chunks, dtype=np.int64)
    counts = counts.T  # (8, 4)
    area = side * side
    scores = counts * _WEIGHTS
    scores[:, 3] = np.abs(20 * counts[:, 3] - 10 * area) // area * 10  # 5 % steps from half
    return scores


_WEIGHTS = np.array([1, 3, 40, 0])


@dataclass(frozen=True)
class _Layout:
    """For `penalties` at one side: the flat line's stride (a line's modules and a gap of four)
    and length; the masks (0xFF where whole) of the 5-windows and of the 2×2 blocks within one
    line; the marks buffer's length, where its parts start, and in chunks of 255."""

    stride: int
    end: int
    valid_runs: np.ndarray
    valid_blocks: np.ndarray
    marks: int
    parts: list[int]
    chunks: np.ndarray


@cache
def _layout(side: int) -> _Layout:
    stride = side + 4
    end = 4 + 2 * side * stride
    places = np.arange(2 * side * stride) % stride
    valid_runs = np.zeros(end - 4, dtype=np.uint8)
    valid_runs[4:] = np.where(places[:-4] <= side - 5, 0xFF, 0)  # the first four are a gap
    span = (side - 1) * stride
    valid_blocks = np.where(places[:span] < side - 1, 0xFF, 0).astype(np.uint8)
    sizes = [-(-size // 255) * 255 for size in (2 * end - 9, span, end - 14, side * side)]
    starts = np.cumsum([0, *sizes])
    chunks = starts[:-1] // 255
    for array in (valid_runs, valid_blocks, chunks):
        array.flags.writeable = False  # cached: shared by every call
    parts = [int(start) for start in starts[:-1]]
    return _Layout(stride, end, valid_runs, valid_blocks, int(starts[-1]), parts, chunks)


def _format_bits(mask: int) -> np.ndarray:
    """The 15 format bits for error level M (00) and `mask`, BCH(15, 5)-coded and XOR-masked,
    most significant first."""
    data = mask  # level M is 00 in front of the three mask bits
    remainder = data << 10
    for bit in range(14, 9, -1):
        if remainder >> bit & 1:
            remainder ^= 0x537 << (bit - 10)
    word = (data << 10 | remainder) ^ 0x5412
    return np.array([word >> (14 - i) & 1 for i in range(15)], dtype=np.uint8)


# Both copies of each mask's format bits, in the order of _format_places; and as planes.
_FORMAT_BITS = np.stack([np.tile(_format_bits(mask), 2) for mask in range(8)])
_FORMAT_PLANES = np.packbits(_FORMAT_BITS, axis=0, bitorder="little")[0]


@cache
def _format_places(version: int) -> tuple[np.ndarray, np.ndarray]:
    """(rows, cols) of the format bits, most significant first: the copy around the top-left
    finder, then the copy split between the bottom-left and top-right finders."""
    side = 4 * version + 17
    # Bit 14 down to bit 0.
    first = [(8, c) for c in (0, 1, 2, 3, 4, 5, 7)] + [(8, 8), (7, 8)]
    first += [(r, 8) for r in (5, 4, 3, 2, 1, 0)]
    second = [(side - 1 - i, 8) for i in range(7)] + [(8, side - 8 + i) for i in range(8)]
    places = first + second
    return np.array([r for r, _ in places]), np.array([c for _, c in places])


@cache
def _function_modules(version: int) -> np.ndarray:
    """True where a module is not data: finders with separators and format areas, timing,
    alignment patterns, version information and the dark module."""
    side = 4 * version + 17
    function = np.zeros((side, side), dtype=bool)
    function[:9, :9] = function[:9, -8:] = function[-8:, :9] = True
    centres = _alignment_centres(version)
    for r in centres:
        for c in centres:
            if not function[r, c]:  # the three that would overlap a finder are left out
                function[r - 2 : r + 3, c - 2 : c + 3] = True
    function[6, :] = function[:, 6] = True
    if version >= 7:
        function[-11:-8, :6] = function[:6, -11:-8] = True
    return function


def _alignment_centres(version: int) -> list[int]:
    """Row (and column) coordinates of the alignment pattern centres: from 6 to side - 7, the
    inner ones evenly spaced by an even step counted back from the last (version 32 is the
    one exception to the rounding in ISO/IEC 18004 Annex E)."""
    if version == 1:
        return []
    last = 4 * version + 10
    intervals = version // 7 + 1
    step = 26 if version == 32 else (-(-(last - 6) // intervals) + 1) // 2 * 2
    return [6, *range(last - step * (intervals - 1), last + 1, step)]


@cache
def _mask_patterns(version: int) -> Matrix:
    """The eight data masks over the data modules, bit k for mask k (0 on function modules)."""
    side = 4 * version + 17
    i, j = np.indices((side, side))
    conditions = (
        (i + j) % 2 == 0,
        i % 2 == 0,
        j % 3 == 0,
        (i + j) % 3 == 0,
        (i // 2 + j // 3) % 2 == 0,
        (i * j) % 2 + (i * j) % 3 == 0,
        ((i * j) % 2 + (i * j) % 3) % 2 == 0,
        ((i + j) % 2 + (i * j) % 3) % 2 == 0,
    )
    patterns = np.packbits(
        np.stack(conditions) & ~_function_modules(version), axis=0, bitorder="little"
    )[0]
    patterns.flags.writeable = False  # cached: shared by every call
    return patterns


def qr_image(code: QrCode, scale: int = 4, border: int = 4) -> Image.Image:
    """The QR as a 1-bit picture, `scale` pixels a module with a `border`-module quiet zone.
    (Scaled by PIL: unpacking `qr_image_bytes` into a picture costs more. For its bytes, as a
    PDF image wants them, `qr_image_bytes` is several times cheaper than `tobytes()` here.)"""
    framed = ImageOps.expand(code.modules, border=border, fill=255)
    picture = framed.convert("1", dither=Image.Dither.NONE)
    side = picture.width * scale
    return picture.resize((side, side), Image.Resampling.NEAREST)


def qr_image_bytes(code: QrCode, scale: int = 4, border: int = 4) -> tuple[bytes, int]:
    """`qr_image`'s bytes (its `tobytes()`: rows top to bottom, 1 bit a pixel, most significant
    first, light 1, each row padded with 0 bits to a whole byte) and its side in pixels."""
    modules = np.asarray(code.modules)
    count = modules.shape[0]
    framed = np.ones((count + 2 * border,) * 2, dtype=bool)  # the quiet zone is light
    np.greater(modules, 127, out=framed[border : border + count, border : border + count])
    row = np.packbits(np.repeat(framed, scale, axis=1), axis=1)  # one per module row
    return np.repeat(row, scale, axis=0).tobytes(), framed.shape[0] * scale
