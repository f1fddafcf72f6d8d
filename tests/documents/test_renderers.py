"""The plain renderer (fpdf2's public API only) and the fast one (fpdf2's internals) make the
same document: the same text copies out of every document type, the same QR codes read back
from the page, the same verdicts."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from manamitra.documents import DocumentService, issue_document, new_number
from manamitra.documents.demo import DEMO_FACTS, demo_office
from manamitra.documents.render import Renderer, render
from manamitra.documents.scan import find_qr_text
from manamitra.documents.template import document_type
from manamitra.store import Database
from manamitra.trust import TrustService, Verdict, verify
from tests.documents.test_shaping import _page
from tests.trust.builders import HOLDER_EN, HOLDER_TE, setup_keys, trust_service

RENDERERS: tuple[Renderer, ...] = ("fast", "plain")


@pytest.fixture
def database(sqlite_database_url: str):
    db = Database(sqlite_database_url)
    yield db
    db.dispose()


@pytest.fixture
def trust(tmp_path: Path, database: Database) -> TrustService:
    service = trust_service(tmp_path)
    setup_keys(database, service)
    return service


def _text(pdf: bytes, tmp_path: Path, name: str) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("pdftotext is not installed (Debian: poppler-utils)")
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        [tool, "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


@pytest.mark.parametrize("doc_type", sorted(DEMO_FACTS))
def test_both_renderers_print_the_same_text(doc_type: str, tmp_path: Path) -> None:
    page = _page(doc_type, serial=len(doc_type))
    fast, plain = (_text(render(page, renderer), tmp_path, renderer) for renderer in RENDERERS)
    assert "Ravi Kumar Reddy" in plain
    assert plain == fast


@pytest.mark.parametrize("doc_type", sorted(DEMO_FACTS))
def test_both_renderers_issue_documents_with_the_same_verdicts(
    doc_type: str, database: Database, trust: TrustService
) -> None:
    kind = document_type(doc_type)
    office, officer = demo_office(doc_type, kind.spec.department)
    verdicts: dict[str, tuple[Verdict, Verdict, Verdict]] = {}
    for renderer in RENDERERS:
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
                renderer=renderer,
            )
        read = find_qr_text(issued.pdf)  # from the page, as a citizen's photo is read
        assert read == issued.qr_text, renderer
        with database.unit_of_work() as session:
            online = trust.verify_online(session, read).verdict
            trust.revoke(session, issued.number, reason="superseded", actor="officer:3")
        with database.unit_of_work() as session:
            revoked = trust.verify_online(session, read).verdict
        verdicts[renderer] = (verify(read, trust.keyring()).verdict, online, revoked)
    assert (
        verdicts["plain"]
        == verdicts["fast"]
        == (
            Verdict.GENUINE,
            Verdict.GENUINE,
            Verdict.REVOKED,
        )
    )


def test_the_service_issues_through_the_renderer_it_was_given(
    database: Database, trust: TrustService, tmp_path: Path
) -> None:
    service = DocumentService(trust, renderer="plain")
    office, officer = demo_office("income", document_type("income").spec.department)
    with database.unit_of_work() as session:
        issued = service.issue(
            session,
            doc_type="income",
            number=new_number("income"),
            holder_name_en=HOLDER_EN,
            holder_name_te=HOLDER_TE,
            facts=DEMO_FACTS["income"],
            office=office,
            officer=officer,
        )
    # fpdf2's own image path stores the 1-bit QR with CCITT G4; the fast one with Flate
    assert issued.pdf.count(b"/CCITTFaxDecode") == 2
    assert "INCOME CERTIFICATE" in _text(issued.pdf, tmp_path, "service")


_PLAIN_ONLY = """
import fontTools.subset
from fpdf import output
from manamitra.documents.render import render
from tests.documents.test_shaping import _page

render(_page("income", 3), "plain")
assert output.ftsubset is fontTools.subset, output.ftsubset
print("fpdf2 untouched")
"""


def test_a_process_rendering_plain_leaves_fpdf2s_font_subsetting_alone() -> None:
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", _PLAIN_ONLY], cwd=root, capture_output=True, text=True, check=False
    )
    assert done.stdout.strip() == "fpdf2 untouched", done.stderr
