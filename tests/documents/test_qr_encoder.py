"""The QR encoder: zint encodes and chooses the mask. The symbol we print is zint's own choice,
which has the lowest ISO/IEC 18004 penalty of zint's eight forced masks, scored by segno (N1, N2,
N4) and by a plain scan (N3, where segno skips overlapping patterns); it reads back at level M at
the version zxing-cpp chose."""

from __future__ import annotations

import random

import numpy as np
import pytest
import segno
import zint
import zxingcpp
from segno import encoder as segno_encoder

from manamitra.documents.qr import QrCode, QrTooLargeError, qr_code, qr_image

BASE45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"


def _payloads() -> list[str]:
    rng = random.Random(20261129)
    signed = ["MM1:" + "".join(rng.choices(BASE45, k=n)) for n in range(20, 451, 18)]
    urls = [
        "https://verify.example.in/d/AP-INC-2026-000001/t0k3n",
        *(
            f"https://verify.example.in/d/AP-{kind}-2026-{rng.randrange(10**6):06d}/"
            + "".join(rng.choices("abcdefghijklmnopqrstuvwxyz0123456789", k=16))
            for kind in ("INC", "CST", "RES", "BRT")
        ),
    ]
    return signed + urls


PAYLOADS = _payloads()


def _zint(text: str, mask: int | None) -> np.ndarray:
    """zint's symbol at level M (1 dark), with `mask` forced, or zint's own choice if None."""
    symbol = zint.Symbol()
    symbol.symbology = zint.Symbology.QRCODE
    symbol.option_1 = 2
    if mask is not None:
        symbol.option_3 = (mask + 1) << 8
    symbol.encode(text)
    side = symbol.width
    bits = np.unpackbits(np.asarray(symbol.encoded_data), axis=1, bitorder="little")
    return bits[:side, :side]


def _dark(code: QrCode) -> np.ndarray:
    return (np.asarray(code.modules) == 0).astype(np.uint8)


def _n3_reference(matrix: np.ndarray) -> int:
    """40 for every 1011101 in a row or column with 0000 before or after it, the outside
    counting as light: a plain string scan."""
    count = 0
    for line in (*matrix, *matrix.T):
        text = "0000" + "".join(map(str, line)) + "0000"
        for start in range(4, len(text) - 10):
            if text[start : start + 7] == "1011101" and "0000" in (
                text[start - 4 : start],
                text[start + 7 : start + 11],
            ):
                count += 1
    return 40 * count


def _reference_penalty(matrix: np.ndarray) -> tuple[int, int, int, int]:
    side = matrix.shape[0]
    n1, n2, _, n4 = segno_encoder.mask_scores([bytearray(row) for row in matrix], side, side)
    return n1, n2, _n3_reference(matrix), n4


@pytest.mark.parametrize("text", PAYLOADS)
def test_reads_back_at_level_m_and_zxings_version(text: str) -> None:
    code = qr_code(text)

    found = zxingcpp.read_barcodes(qr_image(code, scale=2))

    assert [(b.text, b.ec_level, b.format) for b in found] == [
        (text, "M", zxingcpp.BarcodeFormat.QRCode)
    ]
    # The version zxing-cpp (our encoder before zint) picks; segno's is never smaller (it does
    # not mix byte and alphanumeric segments in a URL, so it is sometimes one larger).
    barcode = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    assert code.version == (barcode.to_image(scale=1, add_quiet_zones=False).shape[0] - 17) // 4
    assert code.version <= segno.make_qr(text, error="m", boost_error=False).version
    assert code.modules.mode == "L" and code.modules.size == (4 * code.version + 17,) * 2


@pytest.mark.parametrize("text", PAYLOADS)
def test_the_chosen_mask_has_the_lowest_reference_penalty_and_is_zints_choice(text: str) -> None:
    symbols = [_zint(text, mask) for mask in range(8)]
    totals = [sum(_reference_penalty(symbol)) for symbol in symbols]
    best = min(range(8), key=lambda mask: (totals[mask], mask))

    chosen = _dark(qr_code(text))

    assert np.array_equal(chosen, symbols[best])
    assert np.array_equal(chosen, _zint(text, mask=None))


def test_the_version_limit_refuses_a_larger_payload_and_admits_one_at_it() -> None:
    text = "MM1:" + "6BFOXN%TS3DH" * 31 + "6BFO"  # 380 characters, like a signed payload
    version = qr_code(text).version
    assert version == segno.make_qr(text, error="m", boost_error=False).version == 12

    assert qr_code(text, limit=version).version == version
    with pytest.raises(QrTooLargeError, match=r"version 12 \(> 11\)"):
        qr_code(text, limit=version - 1)
