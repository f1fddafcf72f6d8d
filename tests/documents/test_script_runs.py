"""A line that opens in the other script's font (digits and Latin fall back to Noto Sans) must
leave the page's font as the next line expects: the text copies out as written. The round seal
names the office in words."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from manamitra.documents.demo import DEMO_FACTS
from manamitra.documents.pdf import DocumentPdf
from manamitra.documents.render import Office, Officer, Page, render
from manamitra.documents.template import document_type


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


def test_the_seal_names_the_issuing_office_not_its_id(tmp_path: Path) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed (Debian: poppler-utils)")
    kind = document_type("income")
    at = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    page = Page(
        doc_type=kind,
        number="AP-INC-2026-ABC234",
        holder_en="Ravi Kumar",
        holder_te="రవి కుమార్",
        facts=DEMO_FACTS["income"],
        office=Office(
            code="revenue.guntur.tenali",
            name_en="Tahsildar Office, Tenali",
            name_te="తహసీల్దార్ కార్యాలయం, తెనాలి",
        ),
        officer=Officer("Tahsildar", "తహసీల్దార్"),
        issued_at=at,
        valid_until=None,
        qr_text="MM1:" + "x" * 200,
        verify_url="https://verify.example.in/d/AP-INC-2026-ABC234/t0k3n",
        verify_page="https://verify.example.in/verify",
    )
    path = tmp_path / "certificate.pdf"
    path.write_bytes(render(page))
    # the seal's lines: the office's name, then MANA MITRA
    seal = subprocess.run(
        ["pdftotext", "-x", "247", "-y", "572", "-W", "62", "-H", "60", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    squashed = re.sub(r"\s+", "", seal)
    assert "TahsildarOffice,TenaliMANAMITRA" in squashed
    assert "revenue." not in squashed
