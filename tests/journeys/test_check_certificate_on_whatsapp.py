"""A citizen sends the PDF of a certificate to the WhatsApp number and hears if it is genuine."""

from __future__ import annotations

import base64
from pathlib import Path

from manamitra.documents import issue_document, new_number
from manamitra.documents.demo import DEMO_FACTS, demo_office
from manamitra.documents.template import document_type, document_types
from manamitra.store.models.trust import TrustRepository
from tests.support.live import live_server
from tests.support.phone import Phone, body_text


def _issue(server) -> tuple[str, bytes]:  # type: ignore[no-untyped-def]
    runtime = server.app.state.runtime
    trust = runtime.parts.trust
    owners = sorted({t.spec.department for t in document_types().values()})
    with runtime.database.unit_of_work() as session:
        trust.ensure_keys(TrustRepository(session), owners)
    office, officer = demo_office("income", document_type("income").spec.department)
    with runtime.database.unit_of_work() as session:
        issued = issue_document(
            session,
            trust,
            doc_type="income",
            number=new_number("income"),
            holder_name_en="Ravi Kumar Reddy",
            holder_name_te="రవి కుమార్ రెడ్డి",
            facts=DEMO_FACTS["income"],
            office=office,
            officer=officer,
        )
    return issued.number, issued.pdf


def _send_pdf(phone: Phone, pdf: bytes) -> list[dict]:  # type: ignore[type-arg]
    return phone.send(
        quiet=1.5,
        document={
            "data_base64": base64.b64encode(pdf).decode(),
            "mime_type": "application/pdf",
            "filename": "certificate.pdf",
        },
    )


def test_a_genuine_certificate_sent_as_pdf_is_confirmed(tmp_path: Path) -> None:
    with live_server(tmp_path) as server, server.client(timeout=30) as client:
        number, pdf = _issue(server)
        phone = Phone(client, "919700000301", "Ravi")
        phone.say("Hi")
        phone.tap("lang:en")
        replies = _send_pdf(phone, pdf)
        texts = [body_text(b) for b in replies]
        assert texts[0].startswith("Checking the certificate")
        deadline_texts = texts + [body_text(b) for b in phone.send(quiet=1.0, text="status")]
        assert any(t.startswith("✅ Genuine") and number in t for t in deadline_texts)


def test_a_file_without_our_qr_is_never_called_genuine(tmp_path: Path) -> None:
    with live_server(tmp_path) as server, server.client(timeout=30) as client:
        phone = Phone(client, "919700000302", "Sita")
        phone.say("Hi")
        phone.tap("lang:te")
        plain = _send_pdf(phone, b"%PDF-1.4\n% not a certificate\n%%EOF\n")
        later = phone.send(quiet=1.0, text="స్థితి")
        texts = [body_text(b) for b in plain + later]
        assert any("QR కోడ్ కనిపించలేదు" in t or "తెరవలేకపోయాం" in t for t in texts)
        assert not any(t.startswith("✅") for t in texts)
