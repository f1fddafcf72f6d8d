"""Shaped text, how a text splits into runs of one font, and how a run is written at its place
are remembered across documents, and our fonts are embedded by our own code: what comes out is
what fpdf2's own text path and font embedding give, object for object in every document type's
PDF (streams compared decoded; our CIDToGIDMap stops after the last code a document uses).
The QR images are ours on both sides: fpdf2 has no correct way to write a 1-bit Flate image."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from fpdf import FPDF
from fpdf.enums import TextDirection
from fpdf.fonts import TTFFont
from fpdf.output import OutputProducer, PDFXObject

from manamitra.documents import lines, pdf_fonts, pdf_output
from manamitra.documents import render as rendering
from manamitra.documents.demo import DEMO_FACTS, demo_office
from manamitra.documents.pdf import DocumentPdf
from manamitra.documents.render import Page, render
from manamitra.documents.shaping import Memo, SharedFont
from manamitra.documents.template import document_type
from tests.documents import pdf_objects

TEXTS = [
    "ఆంధ్రప్రదేశ్ ప్రభుత్వం",
    "శ్రీ వెంకట రావు గారి కుమారుడు",
    "ధ్రువీకరించడమైనది ₹ 96,000",
    "INCOME CERTIFICATE / ఆదాయ ధ్రువీకరణ పత్రం",
]


@pytest.mark.parametrize("key", ["te", "teB", "la"])
def test_remembered_shaping_matches_fpdf2(key: str) -> None:
    for _ in range(2):  # the second document is served from the memo
        ours, theirs = DocumentPdf(), DocumentPdf()
        params = ours.text_shaping
        for text in TEXTS:
            for size in (9.0, 11.5):
                expected = TTFFont.shape_text(theirs.fonts[key], text, size, params)
                assert ours.fonts[key].shape_text(text, size, params) == expected
                width = TTFFont.shaped_text_width(theirs.fonts[key], text, size, params)
                assert ours.fonts[key].shaped_text_width(text, size, params) == width
        mine = list(ours.fonts[key].subset.items())
        assert mine == list(theirs.fonts[key].subset.items())
        assert any(glyph is not None and len(glyph.unicode) > 1 for glyph, _ in mine) or key == "la"


def _page(doc_type: str, serial: int) -> Page:
    kind = document_type(doc_type)
    office, officer = demo_office(doc_type, kind.spec.department)
    at = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    return Page(
        doc_type=kind,
        number=f"AP-X-2026-{serial:06d}",
        holder_en="Ravi Kumar Reddy",
        holder_te="రవి కుమార్ రెడ్డి",
        facts=DEMO_FACTS[doc_type],
        office=office,
        officer=officer,
        issued_at=at,
        valid_until=at + timedelta(days=365) if serial % 2 else None,
        qr_text=f"MM1:{'x' * 200}{serial}",
        verify_url=f"https://verify.example.in/d/AP-X-2026-{serial:06d}/t0k3n",
        verify_page="https://verify.example.in/verify",
    )


class _Fpdf2Fonts(OutputProducer):
    """fpdf2's writer in everything but our QR images."""

    def _add_image(self, info: dict[str, object]) -> PDFXObject:
        if info.get(pdf_output.OWN_IMAGE):
            return pdf_output._add_own_image(self, info)
        return super()._add_image(info)


def _plain_fpdf2_text(self: DocumentPdf, text: str, markdown: bool) -> object:
    assert self.text_shaping
    self.text_shaping["paragraph_direction"] = TextDirection.LTR
    self.text_shaping["fragment_direction"] = TextDirection.LTR
    return self._preload_font_styles(text, markdown)


@pytest.fixture(params=["book", "full book"])
def code_books(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Fresh code books for our fonts: roomy, or full after 10 codes (each document then
    gives most of its glyphs codes of its own)."""
    DocumentPdf()  # our fonts parsed
    limit = lines.OWN_CODES if request.param == "book" else 10
    for key, (prototype, program, _) in list(pdf_fonts._PROTOTYPES.items()):
        monkeypatch.setitem(
            pdf_fonts._PROTOTYPES, key, (prototype, program, lines.CodeBook(limit=limit))
        )
    return str(request.param)


def test_documents_are_object_for_object_what_fpdf2_alone_writes(
    monkeypatch: pytest.MonkeyPatch, code_books: str
) -> None:
    pages = [_page(doc_type, serial) for serial, doc_type in enumerate(sorted(DEMO_FACTS) * 2)]
    remembered = [render(page) for page in pages]  # the second round is served from the memos
    assert lines._PLANS and lines.RUNS

    monkeypatch.setattr(DocumentPdf, "cell", FPDF.cell)  # fpdf2 lays out and writes each line
    monkeypatch.setattr(DocumentPdf, "_preload_bidirectional_text", _plain_fpdf2_text)
    monkeypatch.setattr(SharedFont, "shape_text", TTFFont.shape_text)
    monkeypatch.setattr(SharedFont, "shaped_text_width", TTFFont.shaped_text_width)
    monkeypatch.setattr(rendering, "DocumentOutput", _Fpdf2Fonts)  # fpdf2 embeds the fonts
    for page, pdf in zip(pages, remembered, strict=True):
        assert pdf_objects.objects(render(page)) == pdf_objects.objects(pdf), page.doc_type.name


def test_memo_keeps_what_is_used_and_stays_bounded() -> None:
    memo: Memo[str, int] = Memo(2)
    memo.put("label", 1)
    for serial in range(10):
        memo.put(f"name {serial}", serial)
        assert memo.get("label") == 1  # used by every document: never ages out
        assert len(memo) <= 4
    assert memo.get("name 0") is None
    assert memo.get("name 9") == 9


def test_a_glyph_keeps_its_code_across_documents_in_each_ones_order_of_use(
    code_books: str,
) -> None:
    first, second = DocumentPdf(), DocumentPdf()
    for pdf, texts in ((first, TEXTS), (second, TEXTS[::-1])):
        pdf.add_page()
        pdf.te(10)
        for text in texts:
            pdf.cell(150, 6, text, new_x="LMARGIN", new_y="NEXT")

    ours = {key: dict(first.fonts[key].subset.items()) for key in ("te", "la")}
    theirs = {key: dict(second.fonts[key].subset.items()) for key in ("te", "la")}

    for key in ("te", "la"):
        assert ours[key] and ours[key].keys() == theirs[key].keys()
        assert list(ours[key]) != list(theirs[key]) or key == "la"  # each in its own order
        for codes in (ours[key], theirs[key]):
            assert len(set(codes.values())) == len(codes)  # no code given twice
        booked = {glyph for glyph, code in ours[key].items() if code < lines.OWN_CODES}
        assert {glyph: ours[key][glyph] for glyph in booked} == {
            glyph: theirs[key][glyph] for glyph in booked
        }  # the same code for the same glyph in both documents
        assert all(theirs[key][glyph] >= lines.OWN_CODES for glyph in ours[key].keys() - booked)
        assert (len(booked) < len(ours[key])) == (code_books == "full book")


def test_a_cell_drawn_once_writes_what_a_remembered_one_does_and_is_not_kept() -> None:
    text = "సంఖ్య / No.: AP-ONCE-2026-7Q4K2Z"
    remembered, once = DocumentPdf(), DocumentPdf()
    for pdf in (remembered, once):
        pdf.add_page()
        pdf.te(10, bold=True)
    with once.once():
        once.cell(100, 5.5, text)
    kept = (len(lines.LINE_WRITES), len(lines._PLANS), len(lines.RUNS))
    remembered.cell(100, 5.5, text)

    assert (len(lines.LINE_WRITES), len(lines._PLANS), len(lines.RUNS)) > kept
    assert once._remember  # only inside the block
    assert bytes(once.pages[1].contents) == bytes(remembered.pages[1].contents)
    for key in ("te", "teB", "la", "laB"):
        assert list(once.fonts[key].subset.items()) == list(remembered.fonts[key].subset.items())


class _SlowMiss(dict):  # type: ignore[type-arg]
    """A table whose misses take a moment: what a thread switch in that moment would do."""

    def get(self, key: object, default: object = None) -> object:
        found = super().get(key, default)
        if found is None:
            time.sleep(0.001)
        return found


def test_threads_rendering_at_once_give_each_glyph_one_serial_and_one_code(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issuing runs in worker threads (payment receipts, approvals): two threads meeting a
    new glyph at once must not give it two serials or codes, nor two glyphs one."""
    import threading
    import uuid

    from fpdf.fonts import Glyph

    from manamitra.documents import shaping

    tag = uuid.uuid4().int % 10**6  # glyphs no other test has met
    glyphs = [Glyph(900_000 + i, (tag, i), f"g{tag}.{i}", 500) for i in range(40)]
    monkeypatch.setattr(shaping, "_SERIALS", _SlowMiss(shaping._SERIALS))
    book = lines.CodeBook()
    book.codes = _SlowMiss()
    serials: list[dict[Glyph, int]] = []
    codes: list[dict[Glyph, int | None]] = []
    start = threading.Barrier(4)

    def work(offset: int) -> None:
        start.wait()
        order = glyphs[offset:] + glyphs[:offset]
        serials.append({glyph: shaping.serial_of(glyph) for glyph in order})
        codes.append({glyph: book.code(glyph) for glyph in order})

    threads = [threading.Thread(target=work, args=(i * 5,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(serials) == len(codes) == 4
    assert all(seen == serials[0] for seen in serials) and all(c == codes[0] for c in codes)
    assert all(shaping.GLYPHS[serial] is glyph for glyph, serial in serials[0].items())
    assert len(set(serials[0].values())) == len(set(codes[0].values())) == len(glyphs)
