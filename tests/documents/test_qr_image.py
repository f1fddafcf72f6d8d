"""The QR is made at error level M, at the smallest version that holds it (what segno, the
pure-Python encoder we once used, picks), and its picture is its modules at the given scale with
a four-module quiet zone. It reads back as the text it was made from. (How the symbol is encoded
and its mask chosen: test_qr_encoder.)"""

from __future__ import annotations

import io

import numpy as np
import pytest
import segno
import zxingcpp
from PIL import Image, ImageChops
from pypdf import PdfReader

from manamitra.documents.qr import QrTooLargeError, qr_code, qr_image, qr_image_bytes
from manamitra.documents.render import render
from tests.documents.test_shaping import _page

TEXTS = [
    ("MM1:" + "6BFOXN%TS3DH" * 25, 4),
    ("https://verify.example.in/d/AP-INC-2026-000001/t0k3n", 3),
]


@pytest.mark.parametrize(("text", "scale"), TEXTS)
def test_qr_picture_is_the_modules_scaled_in_a_quiet_zone(text: str, scale: int) -> None:
    code = qr_code(text)
    framed = np.pad(np.asarray(code.modules), 4, constant_values=255)
    expected = Image.fromarray(np.kron(framed, np.ones((scale, scale), np.uint8))).convert("1")

    picture = qr_image(code, scale=scale)

    assert picture.mode == "1"
    assert picture.size == expected.size == ((4 * code.version + 17 + 8) * scale,) * 2
    assert ImageChops.difference(picture, expected).getbbox() is None


@pytest.mark.parametrize(("text", "scale"), TEXTS)
def test_qr_reads_back_at_level_m_and_the_smallest_version(text: str, scale: int) -> None:
    code = qr_code(text)

    found = zxingcpp.read_barcode(qr_image(code, scale=scale), is_pure=True)

    assert found is not None and found.valid
    assert found.text == text and found.ec_level == "M"
    assert code.version == segno.make_qr(text, error="m", boost_error=False).version


def test_a_payload_past_the_limit_is_refused() -> None:
    with pytest.raises(QrTooLargeError, match="version"):
        qr_code("MM1:" + "6BFOXN%TS3DH" * 40, limit=12)


@pytest.mark.fast_renderer
def test_both_qr_images_are_1bit_flate_pictures_without_decode_parameters() -> None:
    page = _page("income", 7)
    pdf = PdfReader(io.BytesIO(render(page)))

    found = {}
    for ref in pdf.pages[0]["/Resources"]["/XObject"].values():
        image = ref.get_object()
        assert image["/BitsPerComponent"] == 1
        assert image["/ColorSpace"] == "/DeviceGray"
        assert image["/Filter"] == "/FlateDecode"
        assert "/DecodeParms" not in image and "/Decode" not in image
        width, height = int(image["/Width"]), int(image["/Height"])
        found[width] = Image.frombytes("1", (width, height), image.get_data())

    for text, scale in ((page.qr_text, 4), (page.verify_url, 3)):
        expected = qr_image(qr_code(text), scale=scale)
        assert ImageChops.difference(found[expected.width], expected).getbbox() is None


@pytest.mark.parametrize(("text", "scale"), [*TEXTS, (TEXTS[1][0], 5), (TEXTS[0][0], 1)])
@pytest.mark.parametrize("border", [4, 3])
def test_qr_image_bytes_are_the_pictures_bytes(text: str, scale: int, border: int) -> None:
    code = qr_code(text)
    framed = np.pad(np.asarray(code.modules), border, constant_values=255)
    expected = Image.fromarray(np.kron(framed, np.ones((scale, scale), np.uint8))).convert("1")

    data, side = qr_image_bytes(code, scale=scale, border=border)

    assert side == expected.width == expected.height
    assert data == expected.tobytes() == qr_image(code, scale=scale, border=border).tobytes()
