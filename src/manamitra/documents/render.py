"""Lays a document out as a bilingual A4 PDF: emblem, government and office, title, number and
dates, statement, facts, validity, the signed QR, the signature block and how to verify.

Telugu is shaped by HarfBuzz (fpdf2 text shaping) in Noto Sans Telugu, so conjuncts and vowel
signs are right and the text copies out as Unicode; the fonts ship inside the package.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any, Literal

from manamitra import clock
from manamitra.documents.pdf import DocumentPdf
from manamitra.documents.pdf_output import DocumentOutput
from manamitra.documents.plain import PlainPdf
from manamitra.documents.qr import qr_code
from manamitra.documents.template import Bilingual, DocumentType
from manamitra.yamlio import load_yaml

LABELS_FILE = Path(__file__).parent / "labels.yaml"
INK = (20, 40, 90)
MUTED = (90, 90, 90)
_SIGNATURE_TOP = 190.0  # the signed QR and the officer's block start here
_VALUE_WIDTH = 112.0  # the facts table's value column

# "fast" draws on `DocumentPdf` (fpdf2's internals, the version pinned); "plain" on `PlainPdf`
# (fpdf2's public API only: ~170 ms of CPU a document to the fast one's ~6 ms): the same
# text, QR codes and verdicts.
Renderer = Literal["fast", "plain"]


@dataclass(frozen=True)
class Office:
    """The issuing office as printed and as named in the QR (`code`)."""

    code: str
    name_en: str
    name_te: str


@dataclass(frozen=True)
class Officer:
    designation_en: str
    designation_te: str
    name_en: str | None = None


@dataclass(frozen=True)
class Page:
    """Everything printed on one document."""

    doc_type: DocumentType
    number: str
    holder_en: str
    holder_te: str
    facts: dict[str, Any]
    office: Office
    officer: Officer
    issued_at: datetime
    valid_until: datetime | None
    qr_text: str
    verify_url: str
    verify_page: str
    extra: dict[str, str] = field(default_factory=dict)


@cache
def labels() -> dict[str, Any]:
    data: dict[str, Any] = load_yaml(LABELS_FILE.read_text("utf-8"))
    return data


def _label(key: str, *sub: str) -> Bilingual:
    node: Any = labels()[key]
    for part in sub:
        node = node[part]
    return Bilingual(te=node["te"], en=node["en"])


def _emblem(pdf: PlainPdf, cx: float, cy: float, r: float) -> None:
    """An original seal placeholder (rings, a sun of rays and a lotus disc), not a state emblem;
    a deployment puts its own emblem artwork here."""
    pdf.set_draw_color(*INK)
    pdf.set_line_width(0.6)
    pdf.circle(x=cx, y=cy, radius=r)
    pdf.set_line_width(0.25)
    pdf.circle(x=cx, y=cy, radius=r - 1.4)
    for i in range(24):
        angle = 2 * math.pi * i / 24
        inner, outer = r * 0.45, r - 2.4
        pdf.line(
            cx + inner * math.cos(angle),
            cy + inner * math.sin(angle),
            cx + outer * math.cos(angle),
            cy + outer * math.sin(angle),
        )
    pdf.set_fill_color(*INK)
    pdf.circle(x=cx, y=cy, radius=r * 0.38, style="F")
    pdf.set_fill_color(255, 255, 255)
    pdf.circle(x=cx, y=cy, radius=r * 0.2, style="F")


def _border(pdf: PlainPdf) -> None:
    pdf.set_draw_color(*INK)
    pdf.set_line_width(0.8)
    pdf.rect(7, 7, 196, 283)
    pdf.set_line_width(0.25)
    pdf.rect(9, 9, 192, 279)


def _pair(pdf: PlainPdf, label: Bilingual, lines: list[str], value_size: float) -> None:
    """One row of the facts table: label and value (`_row_lines`); a long value wraps, each
    script on lines of its own, then shrinks, and the row grows to hold it."""
    pdf.set_draw_color(170, 180, 200)
    pdf.set_line_width(0.2)
    pdf.set_x(16)
    y = pdf.get_y()
    pdf.te(9, bold=True)
    if len(lines) == 1:
        pdf.fitted_cell(66, 7, f"{label.te} / {label.en}", 7, border=1)
        pdf.te(value_size)
        pdf.cell(_VALUE_WIDTH, 7, lines[0], border=1, new_x="LMARGIN", new_y="NEXT")
        return
    height = _row_height(len(lines))
    pdf.fitted_cell(66, height, f"{label.te} / {label.en}", 7, border=1)
    pdf.rect(82, y, _VALUE_WIDTH, height)
    pdf.te(value_size)
    for index, line in enumerate(lines):
        pdf.set_xy(82, y + 0.8 + index * 4.6)
        pdf.cell(_VALUE_WIDTH, 4.6, line)
    pdf.set_xy(pdf.l_margin, y + height)


def _row_lines(pdf: PlainPdf, value_te: str, value_en: str) -> tuple[list[str], float]:
    """A facts row's value in both scripts (once if equal) and the font size it takes: on
    one line if it fits, else each script on lines of its own (two at most each), so a
    reader finds a list of names whole in the script they read."""
    width = _VALUE_WIDTH - 2 * pdf.c_margin
    pdf.te(9.5)
    if value_te == value_en:
        return pdf.fitted(value_en, width, 2, 7), pdf.font_size_pt
    joined = f"{value_te} / {value_en}"
    if pdf.width_of(joined) <= width:
        return [joined], pdf.font_size_pt
    pdf.fitted(value_te, width, 2, 7)
    english = pdf.fitted(value_en, width, 2, 7)  # from the Telugu's size, smaller if need be
    size = pdf.font_size_pt
    return pdf.fitted(value_te, width, 2, size) + english, size


def _row_height(lines: int) -> float:
    return 7.0 if lines == 1 else 4.6 * lines + 1.6


def _labelled(pdf: PlainPdf, width: float, height: float, label: str, value: str) -> None:
    """`label` then `value` on one line, where one cell of both would print them: the label
    is the same in every document (remembered), the value is this document's own; a value
    too long for the line shrinks, then wraps under itself."""
    x, y = pdf.get_x(), pdf.get_y()
    pdf.cell(width, height, label)
    shift = pdf.width_of(label)
    size = pdf.font_size_pt
    lines = pdf.fitted(value, width - shift - 2 * pdf.c_margin, 1, size * 0.8)
    if len(lines) > 1:
        pdf.set_font_size(size)
        lines = pdf.fitted(value, width - shift - 2 * pdf.c_margin, 2, 7)
    with pdf.once():
        for index, line in enumerate(lines):
            pdf.set_xy(x + shift, y + index * height)
            pdf.cell(width - shift, height, line)
    pdf.set_font_size(size)
    pdf.set_xy(x, y + (len(lines) - 1) * height)


def _statements(pdf: PlainPdf, page: Page, bottom: float) -> None:
    """The statement in Telugu, then in English, at the largest size (down to 70%) at which
    both end above `bottom`."""
    kind = page.doc_type
    telugu = kind.statement("te", page.facts, page.holder_te, page.number)
    english = kind.statement("en", page.facts, page.holder_en, page.number)
    top = pdf.get_y()
    scale = 1.0
    while True:
        pdf.te(11.5 * scale)
        te_lines = pdf.fitted(telugu, 178 - 2 * pdf.c_margin, 99, 11.5 * scale)
        pdf.la(10.5 * scale)
        en_lines = pdf.fitted(english, 178 - 2 * pdf.c_margin, 99, 10.5 * scale)
        needed = (len(te_lines) * 7 + len(en_lines) * 5.6) * scale + 2
        if top + needed <= bottom or scale <= 0.7:
            break
        scale = round(scale - 0.05, 2)
    pdf.te(11.5 * scale)
    pdf.paragraph(178, 7 * scale, telugu, lines=te_lines)
    pdf.set_y(pdf.get_y() + 2)
    pdf.la(10.5 * scale)
    pdf.paragraph(178, 5.6 * scale, english, lines=en_lines)


def render(page: Page, renderer: Renderer = "fast") -> bytes:
    kind = page.doc_type
    pdf = DocumentPdf() if renderer == "fast" else PlainPdf()
    pdf.identity = page.qr_text.encode()
    pdf.set_title(f"{kind.spec.title.en} {page.number}")
    pdf.set_author(page.office.name_en)
    pdf.set_subject(kind.spec.title.en)
    pdf.set_creator("Mana Mitra")
    pdf.set_creation_date(page.issued_at)
    pdf.add_page()
    _border(pdf)
    _emblem(pdf, 105, 25, 11)

    pdf.set_text_color(*INK)
    pdf.set_y(38)
    government = _label("government")
    pdf.te(13, bold=True)
    pdf.centred(government.te, 7)
    pdf.la(11.5, bold=True)
    pdf.centred(government.en, 6)
    department = _label("departments", kind.spec.department)
    pdf.te(10)
    pdf.centred(f"{department.te}  ·  {page.office.name_te}", 5.5)
    pdf.la(9.5)
    pdf.centred(f"{department.en}  ·  {page.office.name_en}", 5)
    pdf.set_draw_color(*INK)
    pdf.set_line_width(0.5)
    pdf.line(16, pdf.get_y() + 2, 194, pdf.get_y() + 2)

    pdf.set_y(pdf.get_y() + 5)
    pdf.te(17, bold=True)
    pdf.centred(kind.spec.title.te, 9)
    pdf.la(14, bold=True)
    pdf.centred(kind.spec.title.en, 7.5)

    pdf.set_text_color(0, 0, 0)
    pdf.set_y(pdf.get_y() + 3)
    number = _label("number", kind.layout)
    issued = _label("issued_on")
    pdf.te(10, bold=True)
    y = pdf.get_y()
    pdf.set_x(16)
    _labelled(pdf, 100, 5.5, f"{number.te} / {number.en}: ", page.number)
    pdf.set_xy(110, y)
    pdf.cell(
        84,
        5.5,
        f"{issued.te} / {issued.en}: {clock.format_ist(page.issued_at, '%d-%m-%Y')}",
        align="R",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    name = _label("name")
    holder = (
        page.holder_en
        if page.holder_te == page.holder_en
        else f"{page.holder_te} / {page.holder_en}"
    )
    _labelled(pdf, 178, 6, f"{name.te} / {name.en}: ", holder)
    pdf.set_xy(pdf.l_margin, pdf.get_y() + 6)

    pdf.set_y(pdf.get_y() + 3)
    # the type's own facts; the family's common ones (parent, address) are in the statement
    rows: list[tuple[Bilingual, str, str]] = [
        (spec.label, spec.show(page.facts, "te"), spec.show(page.facts, "en"))
        for spec in kind.spec.fields
        if all(page.facts.get(k) not in (None, "") for k in spec.fact_keys())
    ]
    if kind.layout != "ticket":  # a ticket is for its journey or slot; its office heads it
        valid = _label("valid_until")
        if page.valid_until is not None:
            until = clock.format_ist(page.valid_until, "%d-%m-%Y")
            rows.append((valid, until, until))
        else:
            forever = _label("no_expiry")
            rows.append((valid, forever.te, forever.en))
        rows.append((_label("issuing_office"), page.office.name_te, page.office.name_en))
    values = [_row_lines(pdf, value_te, value_en) for _, value_te, value_en in rows]
    table = sum(_row_height(len(lines)) for lines, _ in values)
    _statements(pdf, page, _SIGNATURE_TOP - 6 - table)

    pdf.set_y(pdf.get_y() + 4)
    for (label, _, _), (lines, size) in zip(rows, values, strict=True):
        _pair(pdf, label, lines, size)

    _signature_area(pdf, page)
    _verification_footer(pdf, page)
    if isinstance(pdf, DocumentPdf):
        return bytes(pdf.output(output_producer_class=DocumentOutput))
    return bytes(pdf.output())


def _signature_area(pdf: PlainPdf, page: Page) -> None:
    top = _SIGNATURE_TOP
    code = qr_code(page.qr_text)
    size = 48.0
    pdf.qr(code, x=16, y=top, size=size, scale=4)
    caption = _label("signed_qr")
    pdf.set_xy(16, top + size)
    pdf.te(6.5)
    pdf.set_text_color(*MUTED)
    pdf.paragraph(70, 3.2, f"{caption.te}\n{caption.en}", x=16)

    # the officer's block, with a round office seal drawn beside it
    pdf.set_text_color(0, 0, 0)
    signed = _label("digitally_signed")
    x = 118.0
    pdf.set_draw_color(*INK)
    pdf.set_line_width(0.4)
    pdf.circle(x=98, y=top + 22, radius=11)
    pdf.circle(x=98, y=top + 22, radius=9.6)
    pdf.set_text_color(*INK)
    _seal_name(pdf, page.office.name_en, cx=98, bottom=top + 21.5)
    pdf.set_font("la", "B", 5.5)
    pdf.set_xy(87, top + 22.5)
    pdf.cell(22, 2.5, "MANA MITRA", align="C")
    pdf.set_text_color(0, 0, 0)
    pdf.set_xy(x, top + 8)
    pdf.te(9)
    pdf.cell(76, 5, f"{signed.te} / {signed.en}", align="R", new_x="LEFT", new_y="NEXT")
    right = {"align": "R", "new_x": "LEFT", "new_y": "NEXT"}
    pdf.te(11, bold=True)
    pdf.fitted_cell(76, 6, page.officer.designation_te, 7, **right)
    pdf.la(10.5, bold=True)
    pdf.fitted_cell(76, 5.5, page.officer.designation_en, 7, **right)
    if page.officer.name_en:
        pdf.la(9.5)
        pdf.fitted_cell(76, 5, page.officer.name_en, 7, **right)
    pdf.te(9.5)
    pdf.fitted_cell(76, 5, page.office.name_te, 6, **right)
    pdf.la(9)
    pdf.fitted_cell(76, 5, page.office.name_en, 6, **right)
    pdf.cell(76, 5, clock.format_ist(page.issued_at), align="R")


def _seal_name(pdf: PlainPdf, name: str, cx: float, bottom: float) -> None:
    """The office's name inside its round seal: up to three centred lines ending at `bottom`,
    the type made smaller until the name fits."""
    for size in (5.0, 4.4, 3.8):
        pdf.set_font("la", "B", size)
        lines = _wrapped(pdf, name, 14.5)  # the seal's chord, three lines above its centre
        if len(lines) <= 3 and all(pdf.width_of(line) <= 14.5 for line in lines):
            break
    height = size * 0.42
    pdf.set_y(bottom - height * len(lines[:3]))
    for line in lines[:3]:
        pdf.set_x(cx - 9)
        pdf.cell(18, height, line, align="C", new_x="LMARGIN", new_y="NEXT")


def _wrapped(pdf: PlainPdf, text: str, width: float) -> list[str]:
    """`text` broken at spaces into lines no wider than `width` (a longer word stands alone)."""
    lines: list[str] = []
    for word in text.split():
        if lines and pdf.width_of(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


def _verification_footer(pdf: PlainPdf, page: Page) -> None:
    top = 256.0
    pdf.set_draw_color(170, 180, 200)
    pdf.set_line_width(0.3)
    pdf.line(16, top - 2, 194, top - 2)
    link = qr_code(page.verify_url)
    pdf.qr(link, x=172, y=top, size=22, scale=3)
    pdf.set_font("la", "", 6)
    pdf.set_text_color(*MUTED)
    pdf.set_xy(168, top + 22)
    pdf.cell(30, 3, _label("link_qr").en, align="C")
    how = labels()["how_to_verify"]
    values = {"verify_page": page.verify_page}
    pdf.set_text_color(0, 0, 0)
    # the document's own link on a line of its own, so the instructions below it are the same
    # text in every document (laid out once a process, not once a document)
    pdf.set_xy(16, top - 0.5)
    pdf.la(7.6, bold=True)
    with pdf.once():
        pdf.cell(152, 3.6, page.verify_url, new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(16)
    pdf.te(7.6)
    pdf.paragraph(152, 3.9, how["te"].format_map(values))
    pdf.la(7.2)
    pdf.set_x(16)
    pdf.paragraph(152, 3.4, how["en"].format_map(values))
    footer = _label("footer")
    pdf.set_text_color(*MUTED)
    pdf.set_xy(16, 281)
    pdf.te(6.5)
    pdf.cell(178, 3.5, f"{footer.te}  {footer.en}", align="C")
