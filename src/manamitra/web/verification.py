"""Public verification over HTTP: the /verify page (paste, photo or PDF; Telugu and English),
the printed link /v/{number}-{token}, POST /api/verify, and the published keys and status list.

Every route ends in `TrustService.verify_online`, the same verdict the command line gives.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field

from manamitra import clock
from manamitra.documents.scan import find_qr_text
from manamitra.documents.template import document_types, format_value
from manamitra.store import Database
from manamitra.trust import Result, TrustService
from manamitra.yamlio import load_yaml

HERE = Path(__file__).parent
MAX_UPLOAD = 12 * 1024 * 1024
_templates = Jinja2Templates(directory=str(HERE / "templates"))


@cache
def messages() -> dict[str, Any]:
    data: dict[str, Any] = load_yaml((HERE / "messages.yaml").read_text("utf-8"))
    return data


class VerifyRequest(BaseModel):
    qr: str = Field(min_length=1, max_length=4000)


def _language(request: Request) -> str:
    lang = request.query_params.get("lang")
    if lang in ("te", "en"):
        return lang
    accept = request.headers.get("accept-language", "")
    return "en" if accept.lower().startswith("en") else "te"


def _page(
    request: Request,
    lang: str,
    result: Result | None = None,
    problem: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    context: dict[str, Any] = {"t": messages(), "lang": lang, "result": None, "problem": problem}
    if result is not None:
        claims = result.claims
        doc_type = str(claims.get("type", ""))
        kind = document_types().get(doc_type)
        other = OTHER_DOCUMENTS.get(doc_type)
        if kind is not None:
            title = kind.spec.title.get(lang)
        elif other is not None:
            title = other["title"][lang]
        else:
            title = doc_type
        context.update(
            result=result.to_json(),
            reasons=result.reasons_in(lang),
            doc_title=title,
            facts=_fact_rows(kind, claims.get("facts") or {}, lang, other),
            issued_on=_day(claims.get("issued_at")),
            valid_until=_day(claims.get("valid_until")),
        )
    return _templates.TemplateResponse(request, "verify.html", context, status_code=status)


# Signed documents that are not made from a template: record copies (services/download.py)
OTHER_DOCUMENTS: dict[str, dict[str, dict[str, str]]] = {
    "record_copy": {
        "title": {"te": "రికార్డు ప్రతి", "en": "Copy of a department record"},
        "src": {"te": "రికార్డు", "en": "Record"},
        "id": {"te": "సంఖ్య", "en": "Number"},
    }
}


def _fact_rows(
    kind: Any, facts: dict[str, Any], lang: str, other: dict[str, dict[str, str]] | None = None
) -> list[tuple[str, str]]:
    """Facts from the QR with their template labels, formatted as on the paper."""
    fields = {(f.qr_key or f.key): f for f in kind.all_fields} if kind else {}
    rows = []
    for key, value in facts.items():
        spec = fields.get(key)
        if spec is None:
            label = other.get(key) if other else None
            rows.append((label[lang] if label else key, str(value)))
        elif spec.format == "choice" and str(value) in spec.choices:
            rows.append((spec.label.get(lang), spec.choices[str(value)].get(lang)))
        else:
            shown = (
                value if spec.format in ("text", "bilingual") else format_value(spec.format, value)
            )
            rows.append((spec.label.get(lang), str(shown)))
    return rows


def _day(iso: Any) -> str | None:
    return clock.format_ist(datetime.fromisoformat(iso), "%d-%m-%Y") if iso else None


def build_verification_router(trust: TrustService, database: Database) -> APIRouter:
    router = APIRouter(tags=["verification"])

    def check(text: str) -> Result:
        with database.unit_of_work() as session:
            return trust.verify_online(session, text)

    @router.get("/.well-known/manamitra/keys.json")
    def keys() -> JSONResponse:
        return JSONResponse(
            trust.keyring().to_jwks(), headers={"Cache-Control": "public, max-age=300"}
        )

    @router.get("/.well-known/manamitra/status.json")
    def status() -> Response:
        with database.unit_of_work() as session:
            text = trust.status_list(session)
        return Response(
            text, media_type="application/json", headers={"Cache-Control": "public, max-age=60"}
        )

    @router.post("/api/verify")
    def api_verify(body: VerifyRequest) -> JSONResponse:
        return JSONResponse(check(body.qr).to_json())

    @router.get("/verify", response_class=HTMLResponse)
    def verify_page(request: Request) -> HTMLResponse:
        return _page(request, _language(request))

    @router.post("/verify", response_class=HTMLResponse)
    def verify_form(
        request: Request, qr: str = Form(""), file: UploadFile | None = File(None)
    ) -> HTMLResponse:
        lang = _language(request)
        text = qr.strip()
        if file is not None and file.filename:
            data = file.file.read(MAX_UPLOAD + 1)
            found = find_qr_text(data) if len(data) <= MAX_UPLOAD else None
            if found is None:
                return _page(request, lang, problem="no_qr", status=422)
            text = found
        if not text:
            return _page(request, lang, problem="no_qr", status=422)
        return _page(request, lang, check(text))

    @router.get("/v/{reference}", response_class=HTMLResponse)
    def printed_link(request: Request, reference: str) -> HTMLResponse:
        number, _, token = reference.rpartition("-")
        with database.unit_of_work() as session:
            result = trust.verify_link(session, number, token) if number else None
        if result is None:
            return _page(request, _language(request), problem="unknown_link", status=404)
        return _page(request, _language(request), result)

    return router
