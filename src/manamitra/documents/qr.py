"""The QR symbol: encoded at error level M by zint, its mask chosen here by the ISO/IEC 18004
penalty rules (scored with numpy, all eight at once), refused past a version cheap cameras
read, and drawn as a 1-bit picture with its quiet zone."""

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
    zint's own mask choice is most of its time (as zxing-cpp's was), so zint encodes with mask 0
    and the best mask is picked here; the result is the symbol zint makes with that mask."""
    masked = _zint_modules(text, mask=0)
    version = (masked.shape[0] - 17) // 4  # a version-v symbol is 4v + 17 modules a side
    if version > limit:
        raise QrTooLargeError(
            f"QR needs version {version} (> {limit}): put fewer facts in the signed claims"
        )
    rows, cols = _format_places(version)
    if not np.array_equal(masked[rows, cols], _FORMAT_BITS[0]):
        raise ValueError("zint made a QR that is not at error level M")
    planes = candidates(masked, version)
    best = int(np.argmin(penalties(planes).sum(axis=1)))  # on a tie, the lowest mask
    dark = (planes >> best) & 1
    return QrCode(text=text, version=version, modules=Image.fromarray(255 - 255 * dark))


def _zint_modules(text: str, mask: int) -> Matrix:
    """zint's QR at level M with `mask` forced: (n, n) uint8, 1 dark."""
    symbol = zint.Symbol()
    symbol.symbology = zint.Symbology.QRCODE
    symbol.option_1 = 2  # error level M
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
    the columns N1 (runs), N2 (2×2 blocks), N3 (finder-like patterns), N4 (dark share)."""
    side = planes.shape[0]
    lines = np.stack([planes, planes.T])  # rows, then columns

    # N1: a run of 5 + i same-coloured modules scores 3 + i, i.e. one point per 5-window in
    # the run plus two per run (counted at its first window).
    change = lines[..., 1:] ^ lines[..., :-1]
    changes = change[..., :-1] | change[..., 1:]
    fives = ~(changes[..., :-2] | changes[..., 2:])
    starts = fives.copy()
    starts[..., 1:] &= change[..., : side - 5]

    # N2: 3 for every 2×2 block of one colour (overlapping blocks each count).
    across = ~(planes[:, 1:] ^ planes[:, :-1])
    blocks = across[1:] & across[:-1] & ~(planes[1:, 1:] ^ planes[:-1, 1:])

    # N3: 40 for each dark-light-dark×3-light-dark run with four light modules before or
    # after it; past the edge is light (the quiet zone). Every occurrence counts, overlapping
    # ones too (as zint counts; segno skips one that overlaps a pattern it has just counted).
    padded = np.zeros((2, side, side + 8), dtype=np.uint8)
    padded[..., 4:-4] = lines
    pairs = padded[..., 1:] | padded[..., :-1]
    dark4 = pairs[..., 2:] | pairs[..., :-2]  # any dark among the four from here
    found = ~(dark4[..., : side - 6] & dark4[..., 11 : side + 5])
    both = lines[..., 2:] & lines[..., :-2]  # dark here and two on
    found &= both[..., : side - 6] & both[..., 4 : side - 2] & lines[..., 3 : side - 3]
    found &= ~(lines[..., 1 : side - 5] | lines[..., 5 : side - 1])

    counts = _bit_counts(fives, starts, blocks, found, planes)
    n1 = counts[0] + 2 * counts[1]
    area = side * side
    n4 = np.abs(20 * counts[4] - 10 * area) // area  # whole 5 % steps away from half dark
    return np.stack([n1, 3 * counts[2], 40 * counts[3], 10 * n4], axis=1)


_BITS = np.unpackbits(np.arange(256, dtype=np.uint8)[:, None], axis=1, bitorder="little")
_BITS = _BITS.astype(np.int64)


def _bit_counts(*planes: Matrix) -> np.ndarray:
    """For each array, how many of its elements have each of the 8 bits set: (len, 8)."""
    histograms = [np.bincount(p.ravel(), minlength=256) for p in planes]
    return np.stack(histograms) @ _BITS


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
    """The QR as a 1-bit picture, `scale` pixels a module with a `border`-module quiet zone."""
    framed = ImageOps.expand(code.modules, border=border, fill=255)
    picture = framed.convert("1", dither=Image.Dither.NONE)
    side = picture.width * scale
    return picture.resize((side, side), Image.Resampling.NEAREST)
