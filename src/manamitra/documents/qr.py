"""The QR symbol: encoded at error level M by zint, which also chooses the mask (by the ISO/IEC
18004 penalty rules: tests/documents/test_qr_encoder.py holds it to them), refused past a
version cheap cameras read, and drawn as a 1-bit picture with its quiet zone (or given as that
picture's bytes)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import zint
from PIL import Image, ImageOps

MAX_QR_VERSION = 12  # what a typical document keeps to (tests hold us to it)
HARD_QR_VERSION = 16  # beyond this cheap cameras fail; refuse rather than print it


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
    """The QR at error level M; refuses a payload that needs more than version `limit`."""
    dark = _zint_modules(text)
    version = (dark.shape[0] - 17) // 4  # a version-v symbol is 4v + 17 modules a side
    if version > limit:
        raise QrTooLargeError(
            f"QR needs version {version} (> {limit}): put fewer facts in the signed claims"
        )
    rows, cols = _format_places(version)
    if not (dark[rows, cols] == _FORMAT_BITS).all(axis=1).any():
        raise ValueError("zint made a QR that is not at error level M")
    light = dark - np.uint8(1)  # 0 where dark, 255 (wrapped round) where light
    return QrCode(text=text, version=version, modules=Image.fromarray(light))


def _zint_modules(text: str) -> np.ndarray:
    """zint's QR at level M, its mask zint's choice: (n, n) uint8, 1 dark."""
    symbol = zint.Symbol()
    symbol.symbology = zint.Symbology.QRCODE
    symbol.option_1 = 2  # error level M
    symbol.encode(text)
    side = symbol.width
    packed = np.asarray(symbol.encoded_data)[:side, : (side + 7) // 8]
    return np.unpackbits(packed, axis=1, count=side, bitorder="little")


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


# Both copies of each mask's format bits, in the order of _format_places.
_FORMAT_BITS = np.stack([np.tile(_format_bits(mask), 2) for mask in range(8)])


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
