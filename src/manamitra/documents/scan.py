"""Finding our QR text in what a verifier brings: a photo, a screenshot or the PDF itself.

Images are decoded with zxing-cpp. From a PDF we take the embedded images (pypdf) and decode
those; if none holds our QR (a scan printed to PDF, say), we render the pages with poppler's
`pdftoppm` when it is installed and decode the pictures.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

import zxingcpp
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from manamitra.trust.payload import extract

MAX_PIXELS = 40_000_000


def _decode(image: Image.Image) -> list[str]:
    found = []
    for candidate in (image, ImageOps.grayscale(image)):
        for result in zxingcpp.read_barcodes(candidate):
            if result.format == zxingcpp.BarcodeFormat.QRCode and result.text:
                found.append(result.text)
        if found:
            break
    return found


def texts_from_image(data: bytes) -> list[str]:
    try:
        opened = Image.open(io.BytesIO(data))
        if opened.width * opened.height > MAX_PIXELS:
            return []
        image = ImageOps.exif_transpose(opened).convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return []
    return _decode(image)


def _embedded_images(data: bytes) -> list[Image.Image]:
    try:
        reader = PdfReader(io.BytesIO(data))
        images = []
        for page in reader.pages[:5]:
            for item in page.images:
                if item.image is not None:
                    images.append(item.image.convert("RGB"))
        return images
    except (PdfReadError, OSError, ValueError, KeyError, TypeError):
        return []


def _rendered_pages(data: bytes) -> list[Image.Image]:
    binary = shutil.which("pdftoppm")
    if binary is None:
        return []
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.pdf"
        source.write_bytes(data)
        subprocess.run(
            [binary, "-r", "150", "-l", "3", "-png", str(source), str(Path(tmp) / "page")],
            check=False,
            capture_output=True,
            timeout=60,
        )
        return [Image.open(p).convert("RGB") for p in sorted(Path(tmp).glob("page*.png"))]


def texts_from_pdf(data: bytes) -> list[str]:
    for source in (_embedded_images, _rendered_pages):
        found = [text for image in source(data) for text in _decode(image)]
        if any(extract(text) for text in found):
            return found
    return []


def find_qr_text(data: bytes) -> str | None:
    """The first `MM1:` text in a PDF or an image, or None."""
    texts = texts_from_pdf(data) if data[:5] == b"%PDF-" else texts_from_image(data)
    for text in texts:
        found = extract(text)
        if found:
            return found
    return None
