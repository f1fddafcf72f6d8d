"""A line that opens in the other script's font (digits and Latin fall back to Noto Sans) must
leave the page's font as the next line expects: the text copies out as written."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from manamitra.documents.pdf import DocumentPdf


def test_a_telugu_line_after_a_latin_opening_line_keeps_its_glyphs(tmp_path: Path) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed (Debian: poppler-utils)")
    pdf = DocumentPdf()
    pdf.add_page()
    pdf.set_fill_color(255, 255, 255)  # text in another colour than the fill: lines in q/Q
    pdf.te(10, bold=True)
    pdf.cell(100, 6, "పేరు / Name", new_x="LMARGIN", new_y="NEXT")
    pdf.te(11.5)
    pdf.paragraph(178, 7, "PM సమయానికి ప్రవేశం.\nమందికి ప్రవేశం.")
    path = tmp_path / "lines.pdf"
    path.write_bytes(bytes(pdf.output()))
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    squashed = re.sub(r"\s+", "", text)
    assert "PMసమయానికిప్రవేశం." in squashed
    assert "మందికిప్రవేశం." in squashed
