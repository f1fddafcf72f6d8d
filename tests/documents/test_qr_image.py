"""The QR picture is drawn straight from the QR matrix, and is the very picture segno's own PNG
writer makes: same modules, same scale, same quiet zone."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageChops

from manamitra.documents.render import _qr_image, qr_code


@pytest.mark.parametrize(("text", "scale"), [("MM1:" + "x" * 300, 4), ("https://v.in/d/1", 3)])
def test_qr_picture_is_segnos_png(text: str, scale: int) -> None:
    code = qr_code(text)
    png = io.BytesIO()
    code.save(png, kind="png", scale=scale, border=4)
    expected = Image.open(io.BytesIO(png.getvalue())).convert("1")

    picture = _qr_image(code, scale=scale)

    assert picture.mode == "1"
    assert picture.size == expected.size == ((len(code.matrix) + 8) * scale,) * 2
    assert ImageChops.difference(picture, expected).getbbox() is None
