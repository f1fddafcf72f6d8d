"""The public open-data page: what `manamitra lake publish` last wrote (aggregates by month,
every cell under 10 citizens suppressed), each dataset previewed and downloadable as CSV or
Parquet. Nothing here reads the events: only the published files.

GET /open-data                    the page (Telugu or English: ?lang=, else the browser's)
GET /open-data/{dataset}.csv      the dataset, as published
GET /open-data/{dataset}.parquet
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from manamitra.lake.layout import Lake
from manamitra.lake.publish import MIN_CITIZENS, read_manifest

HERE = Path(__file__).parent
_templates = Jinja2Templates(directory=str(HERE / "templates"))
PREVIEW_ROWS = 12
WORDS = {
    "en": {
        "title": "Open data",
        "intro": "How the state's services are used, month by month: counts only, no names, "
        "no numbers of any person. A figure counted from fewer than {n} citizens is left blank.",
        "none": "Nothing published yet.",
        "rows": "{rows} rows, {suppressed} suppressed",
        "generated": "Published",
        "other": "తెలుగు",
    },
    "te": {
        "title": "ఓపెన్ డేటా",
        "intro": "రాష్ట్ర సేవలను నెలవారీగా ఎలా వినియోగిస్తున్నారు: సంఖ్యలు మాత్రమే, ఎవరి పేర్లు "
        "లేదా నంబర్లు లేవు. {n} మంది కంటే తక్కువ పౌరుల నుండి లెక్కించిన సంఖ్య ఖాళీగా ఉంటుంది.",
        "none": "ఇంకా ఏదీ ప్రచురించలేదు.",
        "rows": "{rows} వరుసలు, {suppressed} దాచబడ్డాయి",
        "generated": "ప్రచురించిన సమయం",
        "other": "English",
    },
}


def _language(request: Request) -> str:
    lang = request.query_params.get("lang")
    if lang in ("te", "en"):
        return lang
    accept = request.headers.get("accept-language", "")
    return "en" if accept.lower().startswith("en") else "te"


def _preview(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8") as handle:
        rows = []
        for index, row in enumerate(csv.reader(handle)):
            if index > PREVIEW_ROWS:
                break
            rows.append(row)
        return rows


def build_open_data_router(lake: Lake) -> APIRouter:
    router = APIRouter(prefix="/open-data", include_in_schema=False)

    def datasets() -> dict[str, Any]:
        return read_manifest(lake.open_data) or {"datasets": [], "generated_at": None}

    @router.get("")
    def page(request: Request) -> Response:
        lang = _language(request)
        manifest = datasets()
        shown = [
            {**d, "preview": _preview(lake.open_data / f"{d['name']}.csv")}
            for d in manifest["datasets"]
            if (lake.open_data / f"{d['name']}.csv").exists()
        ]
        return _templates.TemplateResponse(
            request,
            "open_data.html",
            {
                "lang": lang,
                "w": WORDS[lang],
                "min_citizens": MIN_CITIZENS,
                "datasets": shown,
                "generated_at": manifest.get("generated_at"),
            },
        )

    @router.get("/{name}.{extension}")
    def download(name: str, extension: str) -> Response:
        known = {d["name"] for d in datasets()["datasets"]}
        path = lake.open_data / f"{name}.{extension}"
        if name not in known or extension not in ("csv", "parquet") or not path.exists():
            return HTMLResponse("<!doctype html><title>404</title><h1>404</h1>", status_code=404)
        media = (
            "text/csv; charset=utf-8" if extension == "csv" else "application/vnd.apache.parquet"
        )
        return FileResponse(path, media_type=media, filename=path.name)

    return router
