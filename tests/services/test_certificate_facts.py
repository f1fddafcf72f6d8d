"""Every application that names a certificate can have it issued from the citizen's answers."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from manamitra.documents.issue import DocumentService, new_number
from manamitra.documents.render import Office, Officer
from manamitra.documents.template import document_types
from manamitra.services.catalog_check import load_checked_catalog
from manamitra.settings import load_settings
from manamitra.store import Database
from manamitra.store.models import Application
from manamitra.store.models.trust import TrustRepository
from manamitra.trust import TrustService
from manamitra.trust.verify import Verdict
from tests.services.walk import walk
from tests.support.engine_driver import Chat, make_engine

CATALOG = load_checked_catalog()
CERTIFICATE_SPECS = sorted(
    s.id
    for s in CATALOG.services.values()
    if s.kind == "application" and (s.application or {}).get("certificate")
)


def test_the_certificates_of_the_issue_are_all_reachable_from_applications() -> None:
    types = {CATALOG.services[i].application["certificate"] for i in CERTIFICATE_SPECS}  # type: ignore[index]
    assert {"income", "caste", "residence", "ews", "family_member", "birth", "death"} <= types


@pytest.mark.parametrize("spec_id", CERTIFICATE_SPECS)
def test_an_approved_application_issues_a_genuine_certificate(
    sqlite_database_url: str, tmp_path: Path, spec_id: str
) -> None:
    from manamitra.documents.certificate_facts import certificate_request

    database = Database(sqlite_database_url)
    trust = TrustService.from_settings(
        load_settings(database_url=sqlite_database_url, data_dir=tmp_path)
    )
    owners = sorted({t.spec.department for t in document_types().values()})
    with database.unit_of_work() as session:
        trust.ensure_keys(TrustRepository(session), owners)
    spec = CATALOG.services[spec_id]
    with database.unit_of_work() as session:
        walk(Chat(make_engine(CATALOG), db=session, citizen="919100000009"), spec, "en")
    with database.unit_of_work() as session:
        application = session.scalars(select(Application)).one()
        request = certificate_request(spec, dict(application.answers), application.applicant_name)
        assert request is not None
        issued = DocumentService(trust).issue(
            session,
            doc_type=request.doc_type,
            number=new_number(request.doc_type),
            holder_name_en=request.holder_en,
            holder_name_te=request.holder_te,
            facts=request.facts,
            office=Office(
                code="AP-GNT-TAH-045",
                name_en="Tahsildar Office, Guntur",
                name_te="తహసీల్దార్ కార్యాలయం, గుంటూరు",
            ),
            officer=Officer(designation_en="Tahsildar", designation_te="తహసీల్దార్"),
        )
    with database.unit_of_work() as session:
        assert trust.verify_online(session, issued.qr_text).verdict == Verdict.GENUINE
    database.dispose()


def test_amounts_are_printed_in_rupees_and_groups_are_counted() -> None:
    from manamitra.documents.certificate_facts import certificate_request

    income = CATALOG.services["revenue.income_certificate"]
    request = certificate_request(
        income,
        {
            "applicant_name": "Ravi",
            "father_name": "Rao",
            "annual_income": 9_600_000,
            "purpose": "education",
        },
    )
    assert request is not None
    assert request.facts["annual_income"] == 96_000
    assert request.facts["purpose_te"] != request.facts["purpose_en"]

    family = CATALOG.services["revenue.family_member_certificate"]
    members = [
        {"member_name": "Sita", "member_relation": "spouse", "member_age": 40},
        {"member_name": "Ram", "member_relation": "son", "member_age": 12},
    ]
    request = certificate_request(
        family, {"applicant_name": "Sita", "deceased_name": "Rao", "members": members}
    )
    assert request is not None
    assert request.holder_en == "Rao"
    assert request.facts["member_count"] == 2
    assert "Sita" in request.facts["members_en"] and "Ram" in request.facts["members_en"]


def test_a_caste_certificate_applied_for_in_telugu_reads_right_in_english(
    sqlite_database_url: str, tmp_path: Path
) -> None:
    """The chat-made certificate of issue 13: name, father's name and caste typed in Telugu,
    the relation as the citizen chose it, the category's label (not its id) in each half."""
    from manamitra.documents.certificate_facts import certificate_request

    caste = CATALOG.services["revenue.caste_certificate"]
    answers = {
        "applicant_name": "లక్ష్మి దేవి",
        "father_name": "వెంకట రావు",
        "relation": "daughter",
        "social_category": "bc_b",
        "caste": "కాపు",
        "district": "guntur",
        "mandal": "guntur.mangalagiri",
        "village": "guntur.mangalagiri.mangalagiri",
    }
    request = certificate_request(caste, answers)
    assert request is not None
    database = Database(sqlite_database_url)
    trust = TrustService.from_settings(
        load_settings(database_url=sqlite_database_url, data_dir=tmp_path)
    )
    with database.unit_of_work() as session:
        trust.ensure_keys(TrustRepository(session), ["revenue"])
    with database.unit_of_work() as session:
        issued = DocumentService(trust).issue(
            session,
            doc_type=request.doc_type,
            number=new_number(request.doc_type),
            holder_name_en=request.holder_en,
            holder_name_te=request.holder_te,
            facts=request.facts,
            office=Office("AP-GNT-TAH-045", "Tahsildar Office, Guntur", "తహసీల్దార్ కార్యాలయం"),
            officer=Officer(designation_en="Tahsildar", designation_te="తహసీల్దార్"),
        )
    database.dispose()
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext is not installed (Debian: poppler-utils)")
    (tmp_path / "c.pdf").write_bytes(issued.pdf)
    layout = subprocess.run(
        [pdftotext, "-layout", str(tmp_path / "c.pdf"), "-"], capture_output=True, text=True
    ).stdout
    text = " ".join(layout.split())
    assert (
        "This is to certify that Lakshmi Devi, D/o Venkata Rao, resident of Mangalagiri, "
        "Mangalagiri, Guntur, belongs to the Kapu community, which is recognised as BC-B."
    ) in text
    assert "పేరు / Name: లక్ష్మి దేవి / Lakshmi Devi" in text
    assert "bc_b" not in text and "guntur.mangalagiri" not in text
