"""The QR symbol: encoded at error level M by zxing-cpp, refused past a version cheap
cameras read, and drawn as a 1-bit picture with its quiet zone."""

from __future__ import annotations

from dataclasses import dataclass

import zxingcpp
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


def qr_image(code: QrCode, scale: int = 4, border: int = 4) -> Image.Image:
    """The QR as a 1-bit picture, `scale` pixels a module with a `border`-module quiet zone."""
    framed = ImageOps.expand(code.modules, border=border, fill=255)
    picture = framed.convert("1", dither=Image.Dither.NONE)
    side = picture.width * scale
    return picture.resize((side, side), Image.Resampling.NEAREST)
