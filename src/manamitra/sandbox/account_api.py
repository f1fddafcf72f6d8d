"""The simulator's levers on the business account (tests and demos):

POST /sandbox/api/templates/status   {"name", "language", "status", "reason"?}  e.g. PAUSED
POST /sandbox/api/templates/quality  {"name", "language", "quality"}            GREEN|YELLOW|RED
POST /sandbox/api/number-quality     {"event", "current_limit"?}                FLAGGED|DOWNGRADE…
GET  /sandbox/api/templates          what the emulator holds

Each sends the webhook Meta would (`message_template_status_update`,
`message_template_quality_update`, `phone_number_quality_update`).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from manamitra.sandbox.emulator import GraphEmulator


class TemplateStatusIn(BaseModel):
    name: str = Field(min_length=1, max_length=512)
    language: str = Field(min_length=2, max_length=16)
    status: str = Field(pattern=r"^(APPROVED|REJECTED|PAUSED|DISABLED|PENDING|FLAGGED|REINSTATED)$")
    reason: str | None = None


class TemplateQualityIn(BaseModel):
    name: str = Field(min_length=1, max_length=512)
    language: str = Field(min_length=2, max_length=16)
    quality: str = Field(pattern=r"^(GREEN|YELLOW|RED|UNKNOWN)$")


class NumberQualityIn(BaseModel):
    event: str = Field(pattern=r"^(FLAGGED|UNFLAGGED|DOWNGRADE|UPGRADE|ONBOARDING)$")
    current_limit: str = "TIER_10K"


def build_account_router(emulator: GraphEmulator) -> APIRouter:
    router = APIRouter(prefix="/sandbox/api", tags=["sandbox"])
    book = emulator.templates

    @router.get("/templates")
    async def listed() -> list[dict[str, Any]]:
        return book.page(100, None, "")["data"]

    @router.post("/templates/status")
    async def status(body: TemplateStatusIn) -> dict[str, str]:
        await book.set_status(body.name, body.language, body.status, body.reason)
        return {"status": body.status}

    @router.post("/templates/quality")
    async def quality(body: TemplateQualityIn) -> dict[str, str]:
        await book.set_quality(body.name, body.language, body.quality)
        return {"quality": body.quality}

    @router.post("/number-quality")
    async def number_quality(body: NumberQualityIn) -> dict[str, str]:
        await book.number_quality(body.event, body.current_limit)
        return {"event": body.event}

    return router
