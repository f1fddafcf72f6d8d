"""Issuing a document — certificate, receipt, ticket, record copy — the one way it is done:
sign the claims, render the PDF with its QR, enter the issuance in the transparency log, record
the document and store the PDF as media, all inside a savepoint of the caller's transaction.
They commit with the caller's work (an approval and its certificate together) or, if any step
fails, none of them remains and the caller's transaction carries on (on PostgreSQL too).

    issued = issue_document(session, trust, doc_type="income", number="AP-INC-2026-000042",
                            holder_name_en="Ravi Kumar", holder_name_te="రవి కుమార్",
                            facts={"annual_income": 96000, ...}, office=office, officer=officer)
    Document(media_key=issued.media_key, filename=issued.filename)   # the WhatsApp reply

A document not drawn from a template (a record copy) is a `Draft` given to `issue_draft`.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from manamitra import clock
from manamitra.documents import fpdf_contract
from manamitra.documents.render import Office, Officer, Page, Renderer, render
from manamitra.documents.scan import find_qr_text
from manamitra.documents.template import DocumentType, document_type
from manamitra.errors import ManamitraError, NotIssuedError
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


@dataclass(frozen=True)
class Seal:
    """What a PDF prints so it can be checked: the signed QR and where to check it."""

    qr_text: str
    verify_url: str
    verify_page: str


@dataclass(frozen=True)
class Draft:
    """A document ready to issue: its claims, the department whose key signs them, where its
    PDF is stored, and how to render that PDF once the seal is known."""

    claims: Claims
    signer: str
    media_key: str
    filename: str
    render: Callable[[Seal], bytes]


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


def issue_draft(session: Any, trust: TrustService, draft: Draft) -> Issued:
    """Issue `draft` in a savepoint of the caller's transaction: its log entry, document row
    and media row stay only all together. A number already issued raises ConflictError; any
    other failure raises a ManamitraError (NotIssuedError for one that is not ours) with the
    savepoint rolled back, so the caller decides what to do and can go on writing."""
    claims = draft.claims
    repo = TrustRepository(session)
    token = trust.new_url_token()
    try:
        # A first key is created and logged before the savepoint: its file exists from then
        # on, so its logged creation must not be undone with a failed issue.
        trust.ensure_keys(repo, [draft.signer])
        with session.begin_nested():
            sealing = trust.seal(repo, claims, draft.signer, url_token=token)
            url = trust.verify_url(claims.number, token)
            pdf = draft.render(Seal(sealing.qr_text, url, f"{trust.public_url}/verify"))
            digest = hashlib.sha256(pdf).hexdigest()
            # registered first: a number already issued stops here, on the document table's key
            index = trust.register(
                repo, claims, sealing, pdf_sha256=digest, media_key=draft.media_key
            )
            repo.add_media(
                key=draft.media_key,
                mime_type=PDF_MIME,
                filename=draft.filename,
                content=pdf,
                sha256=digest,
                at=claims.issued_at,
            )
    except ManamitraError:
        raise
    except Exception as exc:  # rendering, signing or the store: translated at this boundary
        raise NotIssuedError(f"document {claims.number} not issued: {exc}") from exc
    return Issued(
        number=claims.number,
        doc_type=claims.doc_type,
        pdf=pdf,
        qr_text=sealing.qr_text,
        media_key=draft.media_key,
        filename=draft.filename,
        verify_url=url,
        log_index=index,
        issued_at=claims.issued_at,
        valid_until=claims.expires_at,
    )


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
    """Issue one document of a template (with `issue_draft`'s guarantees). A number already issued
    raises ConflictError.

    `facts` holds the template's fact keys (a bilingual fact `x` as `x_en` and `x_te`);
    `valid_until` defaults to the template's validity; never pass an Aadhaar number."""
    kind = document_type(doc_type)
    holder_name_en, holder_name_te, facts = printed(kind, holder_name_en, holder_name_te, facts)
    kind.check_facts(facts)
    moment = (issued_at or clock.now()).replace(microsecond=0)
    if valid_until is None and kind.spec.validity_days:
        valid_until = moment + timedelta(days=kind.spec.validity_days)
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

    def page(seal: Seal) -> bytes:
        return render(
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
                qr_text=seal.qr_text,
                verify_url=seal.verify_url,
                verify_page=seal.verify_page,
            ),
            renderer,
        )

    draft = Draft(
        claims=claims,
        signer=kind.spec.department,
        media_key=f"document/{number}.pdf",
        filename=f"{doc_type}-{number}.pdf",
        render=page,
    )
    return issue_draft(session, trust, draft)


class DocumentService:
    """Issuing bound to the platform's trust service (the platform's `documents` part):
    `issue` for a template's document, `issue_draft` for any other."""

    def __init__(self, trust: TrustService, renderer: Renderer = "fast") -> None:
        if renderer == "fast":
            fpdf_contract.check_once()  # refuse to start rather than fail while issuing
        self.trust = trust
        self.renderer = renderer

    def issue(self, session: Any, **kwargs: Any) -> Issued:
        return issue_document(session, self.trust, renderer=self.renderer, **kwargs)

    def issue_draft(self, session: Any, draft: Draft) -> Issued:
        return issue_draft(session, self.trust, draft)

    def verify_upload(self, session: Any, data: bytes) -> Result | None:
        """The verdict for a photo or PDF a citizen sent (WhatsApp); None if it holds no QR.
        Tell them with `manamitra.trust.message.verdict_message(result, language)`."""
        text = find_qr_text(data)
        return None if text is None else self.trust.verify_online(session, text)
