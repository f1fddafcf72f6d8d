"""The `download` kind: fetch a document the citizen is entitled to and send it as a PDF.

The department's DocumentSource returns the record; `verify` steps (date of birth, mobile…)
must match it before anything is sent. The copy is rendered as a bilingual A4 PDF (Noto Sans
Telugu from manamitra/documents/fonts), kept as a MediaBlob in the turn's transaction and
sent as a WhatsApp document. Where the platform issues documents, the copy carries a signed
QR like a certificate's (type `record_copy`: the source, the record's number and the person it
is about — `download.holder`, else the first fact shown) and is entered in the transparency
log, so a bank or an office can check it offline.

Example::

    kind: download
    steps:
      - {id: hall_ticket, type: identifier, pattern: '\\d{10}', example: "2512104356",
         prompt: {en: "Hall ticket number?", te: "హాల్ టికెట్ నంబర్?"}}
      - {id: date_of_birth, type: date, past: true, prompt: {en: "Date of birth?", te: "పుట్టిన తేదీ?"}}
    download:
      source: ssc_hall_ticket
      title: {en: SSC hall ticket, te: పదో తరగతి హాల్ టికెట్}
      verify: [{step: date_of_birth, fact: date_of_birth}]
      show:
        - {fact: candidate, label: {en: Candidate, te: అభ్యర్థి}}
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path

from fpdf import FPDF
from sqlalchemy.orm import Session

from manamitra import clock
from manamitra.catalog.loader import load_departments
from manamitra.catalog.schema import DepartmentSpec, Localized, ServiceSpec
from manamitra.departments.base import Record, render_value, systems_for
from manamitra.documents.issue import DocumentService, Draft, Seal
from manamitra.documents.qr import qr_code, qr_image
from manamitra.errors import SpecError
from manamitra.messaging.reply import Document, Text
from manamitra.services.kind import (
    Done,
    KindResult,
    ServiceContext,
    ServiceKind,
    register_kind,
)
from manamitra.services.lookup import (
    check_record_block,
    mismatch,
    not_found,
    record_key,
    shown_identifier,
    verified,
)
from manamitra.store.models import MediaBlob
from manamitra.trust.payload import Claims

FONTS = Path(__file__).resolve().parents[1] / "documents" / "fonts"
PDF_MIME = "application/pdf"


@cache
def _departments() -> dict[str, DepartmentSpec]:
    return load_departments()


@cache
def _fonts_present() -> bool:
    return (FONTS / "NotoSansTelugu-Regular.ttf").exists()


def _pdf() -> FPDF:
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_compression(True)
    pdf.set_margins(18, 16, 18)
    pdf.add_font("te", "", str(FONTS / "NotoSansTelugu-Regular.ttf"))
    pdf.add_font("la", "", str(FONTS / "NotoSans-Regular.ttf"))
    pdf.set_fallback_fonts(["la"], exact_match=False)
    pdf.set_text_shaping(True)
    pdf.add_page()
    return pdf


def render_record(
    spec: ServiceSpec, record: Record, title: Localized, seal: Seal | None = None
) -> bytes:
    """A bilingual copy: title, department, each shown fact as Telugu / English label + value,
    and, when `seal` is given, its signed QR and where to check it."""
    config = spec.download or {}
    pdf = _pdf()
    width = pdf.epw
    pdf.set_font("te", "", 15)
    pdf.multi_cell(width, 8, title.te, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("la", "", 13)
    pdf.multi_cell(width, 7, title.en.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
    department = _departments().get(spec.department)
    if department is not None:
        pdf.set_font("te", "", 10)
        pdf.multi_cell(
            width,
            6,
            f"{department.name.te} / {department.name.en}",
            align="C",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    pdf.ln(4)
    shown_te = shown_identifier(record.identifier, "te")
    shown_en = shown_identifier(record.identifier, "en")
    pdf.set_font("te", "", 10)
    number = shown_en if shown_te == shown_en else f"{shown_te} / {shown_en}"
    pdf.multi_cell(width, 6, f"No. {number}", align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    for item in config.get("show") or []:
        label = Localized.model_validate(item["label"])
        value_te = render_value(record.facts.get(item["fact"]), "te")
        value_en = render_value(record.facts.get(item["fact"]), "en")
        value = value_te if value_te == value_en else f"{value_te} / {value_en}"
        pdf.set_font("te", "", 10)
        pdf.multi_cell(
            width * 0.42, 6, f"{label.te} / {label.en}", align="L", new_x="RIGHT", new_y="TOP"
        )
        pdf.set_font("te", "", 10)
        pdf.multi_cell(width * 0.58, 6, value, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    rows = config.get("rows")
    if rows and record.rows:
        pdf.ln(3)
        label = Localized.model_validate(rows["label"])
        pdf.set_font("te", "", 11)
        pdf.cell(width, 7, f"{label.te} / {label.en}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("te", "", 10)
        for position, row in enumerate(record.rows, start=1):
            values = [render_value(row.get(name), "te") for name in rows.get("fields", [])]
            pdf.multi_cell(
                width, 6, f"{position}. {' — '.join(values)}", new_x="LMARGIN", new_y="NEXT"
            )
    pdf.ln(6)
    printed = clock.format_ist(clock.now(), "%d-%m-%Y %I:%M %p")
    pdf.set_font("te", "", 8)
    pdf.multi_cell(
        width,
        5,
        f"శాఖ రికార్డుల నుంచి మన మిత్ర ద్వారా {printed} (IST) న తీసిన ప్రతి.",
        align="L",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("la", "", 8)
    pdf.multi_cell(
        width,
        5,
        f"Copy generated through Mana Mitra on {printed} IST from the department's records.",
        align="L",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    if seal is not None:
        _draw_seal(pdf, seal)
    return bytes(pdf.output())


def _draw_seal(pdf: FPDF, seal: Seal) -> None:
    size = 40.0
    if pdf.get_y() + size + 4 > pdf.h - pdf.b_margin:
        pdf.add_page()
    top = pdf.get_y() + 4
    pdf.image(qr_image(qr_code(seal.qr_text)), x=pdf.l_margin, y=top, w=size, h=size)
    left = pdf.l_margin + size + 4
    pdf.set_xy(left, top + 4)
    pdf.set_font("te", "", 9)
    pdf.multi_cell(
        pdf.epw - size - 4,
        5,
        "ఈ ప్రతి నిజమైనదో కాదో QR స్కాన్ చేసి లేదా ఈ లింక్ తెరిచి తెలుసుకోండి:",
        new_x="LEFT",
        new_y="NEXT",
    )
    pdf.set_font("la", "", 9)
    pdf.multi_cell(
        pdf.epw - size - 4,
        5,
        f"Scan the QR or open this link to check this copy:\n{seal.verify_url}",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_y(top + size)


def store_pdf(db: Session, key: str, filename: str, content: bytes) -> MediaBlob:
    existing = db.get(MediaBlob, key)
    if existing is not None:
        return existing
    blob = MediaBlob(
        key=key,
        mime_type=PDF_MIME,
        filename=filename,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        content=content,
        created_at=clock.now(),
    )
    db.add(blob)
    db.flush()
    return blob


class Download(ServiceKind):
    name = "download"

    def check(self, spec: ServiceSpec) -> None:
        config = spec.download or {}
        check_record_block(spec, {k: v for k, v in config.items() if k != "holder"}, "download")
        if "holder" in config and not isinstance(config["holder"], str):
            raise SpecError("download.holder: name the fact that holds the person's name")
        try:
            Localized.model_validate(config.get("title"))
        except ValueError as exc:
            raise SpecError(f"download.title: {exc}") from exc
        if not config.get("show"):
            raise SpecError("download.show: list the facts to print")
        if not _fonts_present():
            raise SpecError("download: the Noto fonts are missing from manamitra/documents/fonts")

    def complete(self, ctx: ServiceContext) -> KindResult:
        config = ctx.spec.download or {}
        key = record_key(ctx.spec, config, ctx.answers)
        record = systems_for(ctx.services).document(config["source"], key, ctx.answers)
        if record is None:
            return not_found(ctx.spec, config, ctx.answers, key)
        if not verified(config, record, ctx.answers):
            return mismatch(config, ctx.answers, key)
        title = Localized.model_validate(config["title"])
        safe = re.sub(r"[^A-Za-z0-9]+", "-", record.identifier).strip("-")
        day = clock.to_ist(clock.now()).strftime("%Y%m%d")
        media_key = f"record/{config['source']}/{safe}/{day}.pdf"
        filename = f"{config['source'].replace('_', '-')}-{safe}.pdf"
        if ctx.db.get(MediaBlob, media_key) is None:
            documents = ctx.services.get("documents")
            number = f"RC-{config['source'].upper()}-{safe.upper()}-{day}"[:120]
            if documents is None:
                store_pdf(ctx.db, media_key, filename, render_record(ctx.spec, record, title))
            else:
                _issue_signed_copy(ctx, documents, record, title, number, media_key, filename)
        ctx.say(Text(ctx.t("records.document_ready", title=title.get(ctx.lang))))
        ctx.say(
            Document(
                media_key=media_key,
                filename=filename,
                caption=ctx.t(
                    "records.document_caption",
                    title=title.get(ctx.lang),
                    reference=shown_identifier(record.identifier, ctx.lang),
                ),
            )
        )
        return Done()


RECORD_COPY = "record_copy"


def _issue_signed_copy(
    ctx: ServiceContext,
    documents: DocumentService,
    record: Record,
    title: Localized,
    number: str,
    media_key: str,
    filename: str,
) -> None:
    """Sign the copy's claims, print the QR on it, store it and enter it in the log: issued
    like any document, in the turn's transaction."""
    config = ctx.spec.download or {}
    fact = config.get("holder") or (config.get("show") or [{}])[0].get("fact")
    held = record.facts.get(fact) if fact else None
    department = _departments().get(ctx.spec.department)
    claims = Claims(
        doc_type=RECORD_COPY,
        number=number,
        holder_en=render_value(held, "en") if held is not None else "",
        holder_te=render_value(held, "te") if held is not None else "",
        office=department.name.en if department is not None else ctx.spec.department,
        issued_at=clock.now().replace(microsecond=0),
        facts={"src": str(config["source"]), "id": record.identifier},
    )

    def copy(seal: Seal) -> bytes:
        return render_record(ctx.spec, record, title, seal)

    documents.issue_draft(
        ctx.db,
        Draft(
            claims=claims,
            signer=ctx.spec.department,
            media_key=media_key,
            filename=filename,
            render=copy,
        ),
    )


def register() -> None:
    """Enter what this module provides in the registries (`services.registry` calls it)."""
    register_kind(Download)
