"""The phone simulator page: several WhatsApp-like phones side by side, served without a build."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from manamitra.sandbox.emulator import GraphEmulator

HERE = Path(__file__).parent
STATIC_DIR = HERE / "static"
_templates = Jinja2Templates(directory=str(HERE / "templates"))


def build_page_router(emulator: GraphEmulator, default_phones: list[tuple[str, str]]) -> APIRouter:
    router = APIRouter(tags=["sandbox"])

    @router.get("/sandbox", response_class=HTMLResponse, include_in_schema=False)
    @router.get("/sandbox/", response_class=HTMLResponse, include_in_schema=False)
    async def simulator(request: Request) -> HTMLResponse:
        if not emulator.state.phones():
            for number, name in default_phones:
                emulator.state.add_phone(number, name)
        return _templates.TemplateResponse(
            request,
            "simulator.html",
            {
                "business_name": "Mana Mitra",
                "display_number": emulator.business.display_number,
            },
        )

    return router
