"""Issuing a document: sign the claims, render the PDF, store it as media, register it and log
it, all inside the caller's transaction, so an approval and its certificate commit together.

    issued = issue_document(session, trust, doc_type="income", number="AP-INC-2026-000042",
                            holder_name_en="Ravi Kumar", holder_name_te="రవి కుమార్",
                            facts={"annual_income": 96000, ...}, office=office, officer=officer)
    Document(media_key=issued.media_key, filename=issued.filename)   # the WhatsApp reply
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from manamitra import clock
from manamitra.documents import fpdf_contract
from manamitra.documents.render import Office, Officer, Page, Renderer, render
from manamitra.documents.scan import find_qr_text
from manamitra.documents.template import DocumentType, document_type
from manamitra.names import both_scripts
from manamitra.store.models.trust import TrustRepository
from manamitra.trust.payload import Claims
from manamitra.trust.service import TrustService
from manamitra.trust.verify import Result

PDF_MIME = "application/pdf"


@dataclass(frozen=True)
class Issued:
    number: str
    doc_type: str
    pdf: bytes
    qr_text: str
    media_key: str
    filename: str
    verify_url: str
    log_index: int
    issued_at: datetime
    valid_until: datetime | None


def new_number(doc_type: str, at: datetime | None = None) -> str:
    """A fresh document number such as AP-INC-2026-4F7K2Q (prefix from the template)."""
    prefix = document_type(doc_type).spec.number_prefix
    year = clock.to_ist(at or clock.now()).year
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    return f"AP-{prefix}-{year}-{''.join(secrets.choice(alphabet) for _ in range(6))}"


def printed(
    kind: DocumentType, holder_en: str, holder_te: str, facts: dict[str, Any]
) -> tuple[str, str, dict[str, Any]]:
    """The holder's name and the facts as a document prints and signs them: a name typed in
    one script in both, each language's half in its own script, a relation not gathered as
    the template's default."""
    english, telugu = both_scripts(holder_en, holder_te)
    return english, telugu, kind.in_both_scripts(facts)


def issue_document(
    session: Any,
    trust: TrustService,
    *,
    doc_type: str,
    number: str,
    holder_name_en: str,
    holder_name_te: str,
    facts: dict[str, Any],
    office: Office,
    officer: Officer,
    issued_at: datetime | None = None,
    valid_until: datetime | None = None,
    renderer: Renderer = "fast",
) -> Issued:
    """Sign, render, store and log one document; the caller commits (or rolls back) it all.
    A number already issued raises ConflictError.

    `facts` holds the template's fact keys (a bilingual fact `x` as `x_en` and `x_te`);
    `valid_until` defaults to the template's validity; never pass an Aadhaar number."""
    kind = document_type(doc_type)
    holder_name_en, holder_name_te, facts = printed(kind, holder_name_en, holder_name_te, facts)
    kind.check_facts(facts)
    moment = (issued_at or clock.now()).replace(microsecond=0)
    if valid_until is None and kind.spec.validity_days:
        valid_until = moment + timedelta(days=kind.spec.validity_days)
    repo = TrustRepository(session)
    token = trust.new_url_token()
    url = trust.verify_url(number, token)
    claims = Claims(
        doc_type=doc_type,
        number=number,
        holder_en=holder_name_en,
        holder_te=holder_name_te,
        office=office.name_en,
        issued_at=moment,
        expires_at=valid_until,
        facts=kind.qr_facts(facts),
    )
    sealing = trust.seal(repo, claims, kind.spec.department, url_token=token)
    pdf = render(
        Page(
            doc_type=kind,
            number=number,
            holder_en=holder_name_en,
            holder_te=holder_name_te,
            facts=facts,
            office=office,
            officer=officer,
            issued_at=moment,
            valid_until=valid_until,
            qr_text=sealing.qr_text,
            verify_url=url,
            verify_page=f"{trust.public_url}/verify",
        ),
        renderer,
    )
    digest = hashlib.sha256(pdf).hexdigest()
    media_key = f"document/{number}.pdf"
    filename = f"{doc_type}-{number}.pdf"
    # registered first: a number already issued stops here, on the document table's key
    index = trust.register(repo, claims, sealing, pdf_sha256=digest, media_key=media_key)
    repo.add_media(
        key=media_key, mime_type=PDF_MIME, filename=filename, content=pdf, sha256=digest, at=moment
    )
    return Issued(
        number=number,
        doc_type=doc_type,
        pdf=pdf,
        qr_text=sealing.qr_text,
        media_key=media_key,
        filename=filename,
        verify_url=url,
        log_index=index,
        issued_at=moment,
        valid_until=valid_until,
    )


class DocumentService:
    """`issue_document` bound to the platform's trust service (runtime.services["documents"])."""

    def __init__(self, trust: TrustService, renderer: Renderer = "fast") -> None:
        if renderer == "fast":
            fpdf_contract.check_once()  # refuse to start rather than fail while issuing
        self.trust = trust
        self.renderer = renderer

    def issue(self, session: Any, **kwargs: Any) -> Issued:
        return issue_document(session, self.trust, renderer=self.renderer, **kwargs)

    def verify_upload(self, session: Any, data: bytes) -> Result | None:
        """The verdict for a photo or PDF a citizen sent (WhatsApp); None if it holds no QR.
        Tell them with `manamitra.trust.message.verdict_message(result, language)`."""
        text = find_qr_text(data)
        return None if text is None else self.trust.verify_online(session, text)
