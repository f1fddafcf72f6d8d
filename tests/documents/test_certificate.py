"""Documents as people meet them: every template renders with its QR at version ≤ 12; Telugu
copies out of the PDF as the right Unicode; and a certificate rendered to a picture, read by an
independent decoder (zbar), verifies as genuine."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from manamitra.documents import document_types, issue_document, new_number
from manamitra.documents.demo import DEMO_FACTS, demo_office
from manamitra.documents.pdf import DocumentPdf
from manamitra.documents.plain import PlainPdf
from manamitra.documents.qr import qr_code
from manamitra.documents.render import Office
from manamitra.documents.scan import find_qr_text
from manamitra.documents.template import document_type
from manamitra.errors import PayloadError
from manamitra.formatting import indian_grouping
from manamitra.store import Database
from manamitra.trust import Verdict, verify
from tests.documents.glyphs import missing_glyphs
from tests.trust.builders import HOLDER_EN, HOLDER_TE, issue_income, setup_keys, trust_service


@pytest.fixture
def database(sqlite_database_url: str):
    db = Database(sqlite_database_url)
    yield db
    db.dispose()


@pytest.fixture
def trust(tmp_path: Path, database: Database):
    service = trust_service(tmp_path)
    setup_keys(database, service)
    return service


def _needs(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} is not installed (Debian: poppler-utils / zbar-tools)")
    return path


def _squash(text: str) -> str:
    # pdftotext puts spaces between glyph runs where HarfBuzz moved a vowel sign; the
    # characters themselves are what matter for copying and searching
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("doc_type", sorted(DEMO_FACTS))
def test_every_document_type_issues_with_a_small_genuine_qr(
    doc_type: str, database: Database, trust
) -> None:
    kind = document_type(doc_type)
    office, officer = demo_office(doc_type, kind.spec.department)
    with database.unit_of_work() as session:
        issued = issue_document(
            session,
            trust,
            doc_type=doc_type,
            number=new_number(doc_type),
            holder_name_en=HOLDER_EN,
            holder_name_te=HOLDER_TE,
            facts=DEMO_FACTS[doc_type],
            office=office,
            officer=officer,
        )
    assert issued.pdf.startswith(b"%PDF-")
    assert int(qr_code(issued.qr_text, limit=12).version) <= 12
    assert verify(issued.qr_text, trust.keyring()).verdict is Verdict.GENUINE
    assert find_qr_text(issued.pdf) == issued.qr_text


def test_templates_cover_the_promised_families() -> None:
    names = set(document_types())
    assert {
        "income",
        "caste",
        "residence",
        "ews",
        "family_member",
        "birth",
        "death",
        "payment",
        "booking",
    } <= names


def test_missing_required_fact_is_refused(database: Database, trust) -> None:
    with pytest.raises(PayloadError, match="annual_income"):
        issue_income(database, trust, annual_income=None)


def test_indian_digit_grouping() -> None:
    assert indian_grouping(96000) == "96,000"
    assert indian_grouping(12345678) == "1,23,45,678"
    assert indian_grouping(999) == "999"


def test_telugu_copies_out_of_the_pdf_as_unicode(database: Database, trust, tmp_path: Path) -> None:
    tool = _needs("pdftotext")
    issued = issue_income(database, trust)
    pdf = tmp_path / "income.pdf"
    pdf.write_bytes(issued.pdf)
    text = subprocess.run([tool, str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    squashed = _squash(text)
    for expected in (
        "ఆదాయ ధ్రువీకరణ పత్రం",
        "ఆంధ్రప్రదేశ్ ప్రభుత్వం",
        HOLDER_TE,
        "ధ్రువీకరించడమైనది",
        "శ్రీ వెంకట రావు గారి కుమారుడు",
        "తహసీల్దార్",
        "INCOME CERTIFICATE",
        HOLDER_EN,
        "₹ 96,000",
    ):
        assert _squash(expected) in squashed, expected


def test_rendered_certificate_scanned_by_zbar_is_genuine(
    database: Database, trust, tmp_path: Path
) -> None:
    pdftoppm, zbarimg = _needs("pdftoppm"), _needs("zbarimg")
    issued = issue_income(database, trust)
    (tmp_path / "c.pdf").write_bytes(issued.pdf)
    subprocess.run(
        [
            pdftoppm,
            "-png",
            "-r",
            "150",
            "-singlefile",
            str(tmp_path / "c.pdf"),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    scanned = subprocess.run(
        [zbarimg, "--quiet", "--raw", str(tmp_path / "page.png")],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.splitlines()
    signed = [line for line in scanned if line.startswith("MM1:")]
    assert signed == [issued.qr_text]
    assert issued.verify_url in scanned
    with database.unit_of_work() as session:
        assert trust.verify_online(session, signed[0]).verdict is Verdict.GENUINE
    with database.unit_of_work() as session:
        trust.revoke(session, issued.number, reason="superseded", actor="officer:3")
    with database.unit_of_work() as session:
        assert trust.verify_online(session, signed[0]).verdict is Verdict.REVOKED


def test_issued_pdf_is_stored_as_media_for_whatsapp(database: Database, trust) -> None:
    from manamitra.store.models import MediaBlob

    issued = issue_income(database, trust)
    with database.unit_of_work() as session:
        blob = session.get(MediaBlob, issued.media_key)
        assert blob is not None
        assert blob.mime_type == "application/pdf" and blob.content == issued.pdf
        assert blob.filename == issued.filename and blob.size == len(issued.pdf)


def test_a_citizen_sending_a_photo_gets_a_bilingual_verdict(
    database: Database, trust, tmp_path: Path
) -> None:
    from manamitra.documents import DocumentService
    from manamitra.trust.message import verdict_message

    issued = issue_income(database, trust)
    service = DocumentService(trust)
    with database.unit_of_work() as session:
        result = service.verify_upload(session, issued.pdf)
        nothing = service.verify_upload(session, b"\x89PNG not really")
    assert result is not None and result.verdict is Verdict.GENUINE
    assert HOLDER_TE in verdict_message(result, "te") and "అసలైన" in verdict_message(result, "te")
    assert issued.number in verdict_message(result, "en")
    assert nothing is None and "QR" in verdict_message(None, "en")
    with database.unit_of_work() as session:
        trust.revoke(session, issued.number, reason="court_order", actor="officer:1")
    with database.unit_of_work() as session:
        revoked = service.verify_upload(session, issued.pdf)
    assert "Cancelled by court order" in verdict_message(revoked, "en")


def test_a_number_is_issued_once(database: Database, trust) -> None:
    from manamitra.errors import ConflictError

    issue_income(database, trust, "AP-INC-2026-ONCE01")
    with pytest.raises(ConflictError):
        issue_income(database, trust, "AP-INC-2026-ONCE01")


def _text(pdf: bytes, tmp_path: Path, *options: str) -> str:
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        [_needs("pdftotext"), *options, str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def _caste(database: Database, trust, holder_en: str, holder_te: str, **facts: str):
    office, officer = demo_office("caste", "revenue")
    given = {
        "parent_en": "Venkata Rao",
        "parent_te": "వెంకట రావు",
        "address_en": "Mangalagiri, Guntur",
        "address_te": "మంగళగిరి, గుంటూరు",
        "caste_en": "Kapu",
        "caste_te": "కాపు",
        "category": "BC-B",
        "category_en": "BC-B",
        "category_te": "బీసీ-బీ",
        **facts,
    }
    with database.unit_of_work() as session:
        return issue_document(
            session,
            trust,
            doc_type="caste",
            number=new_number("caste"),
            holder_name_en=holder_en,
            holder_name_te=holder_te,
            facts=given,
            office=office,
            officer=officer,
        )


def test_a_holder_named_in_telugu_only_reads_in_latin_letters_with_her_relation(
    database: Database, trust, tmp_path: Path
) -> None:
    issued = _caste(database, trust, "", "లక్ష్మి దేవి", relation="daughter", caste_en="కాపు")
    text = " ".join(_text(issued.pdf, tmp_path, "-layout").split())
    assert "This is to certify that Lakshmi Devi, D/o Venkata Rao, resident of Mangalagiri" in text
    assert "belongs to the Kapu community" in text
    assert "పేరు / Name: లక్ష్మి దేవి / Lakshmi Devi" in text
    assert "—" not in text


def test_an_english_name_is_printed_in_telugu_too_and_never_twice(
    database: Database, trust, tmp_path: Path
) -> None:
    issued = _caste(
        database, trust, "Ravi Kumar", "", relation="son", parent_en="Srinivas", parent_te=""
    )
    text = " ".join(_text(issued.pdf, tmp_path, "-layout").split())
    assert "Ravi Kumar, S/o Srinivas" in text
    assert _squash("పేరు / Name: రవి కుమార్ / Ravi Kumar") in _squash(text)
    assert _squash("శ్రీనివాస్ గారి కుమారుడు అయిన రవి కుమార్") in _squash(text)


def test_a_relation_the_application_did_not_gather_is_not_a_dash(
    database: Database, trust, tmp_path: Path
) -> None:
    text = " ".join(_text(_caste(database, trust, "Ravi", "").pdf, tmp_path, "-layout").split())
    assert "Ravi, C/o Venkata Rao" in text and "—" not in text


@pytest.mark.parametrize("page", [DocumentPdf, PlainPdf])
def test_telugu_in_an_english_line_is_drawn_in_a_font_that_has_it(page: type[PlainPdf]) -> None:
    pdf = page()
    pdf.add_page()
    with missing_glyphs() as missing:
        pdf.la(10)
        pdf.cell(100, 6, "This is to certify that లక్ష్మి దేవి", new_x="LMARGIN", new_y="NEXT")
        pdf.te(10)
        pdf.cell(100, 6, "శ్రీ Venkata Rao గారి కుమార్తె")
    assert missing == []


@pytest.mark.parametrize("page", [DocumentPdf, PlainPdf])
def test_a_character_no_font_has_is_caught(page: type[PlainPdf]) -> None:
    pdf = page()
    pdf.add_page()
    with missing_glyphs() as missing:
        pdf.la(10)
        pdf.cell(100, 6, "Ravi 中")
    assert len(missing) == 1 and "中" in missing[0]


def test_a_long_office_name_and_value_stay_inside_the_border(
    database: Database, trust, tmp_path: Path
) -> None:
    long_office = Office(
        "AP-GNT-TAH-045",
        "Office of the Tahsildar and Executive Magistrate, Mangalagiri Mandal, Guntur District",
        "తహసీల్దార్ మరియు కార్యనిర్వాహక మేజిస్ట్రేట్ కార్యాలయం, మంగళగిరి మండలం, గుంటూరు జిల్లా",
    )
    _, officer = demo_office("caste", "revenue")
    with database.unit_of_work() as session:
        issued = issue_document(
            session,
            trust,
            doc_type="caste",
            number=new_number("caste"),
            holder_name_en="Ravi",
            holder_name_te="రవి",
            facts={**DEMO_FACTS["caste"], "category": "BC-D"},
            office=long_office,
            officer=officer,
        )
    boxes = re.findall(
        r'xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"', _text(issued.pdf, tmp_path, "-bbox")
    )
    border = 7 * 72 / 25.4
    assert boxes and all(float(x0) >= border and float(x1) <= 595.28 - border for x0, x1 in boxes)
