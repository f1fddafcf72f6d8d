"""Builders for trust and document tests: a trust service on a temporary key directory, and a
demo income certificate issued through the real code path."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from manamitra.documents import Issued, Office, Officer, issue_document
from manamitra.store import Database
from manamitra.store.models.trust import TrustRepository
from manamitra.trust import TrustService
from manamitra.trust.keys import FileKeyStore

OFFICE = Office("AP-GNT-TAH-045", "Tahsildar Office, Guntur", "తహసీల్దార్ కార్యాలయం, గుంటూరు")
OFFICER = Officer("Tahsildar", "తహసీల్దార్", "K. Lakshmi")
INCOME_FACTS: dict[str, Any] = {
    "annual_income": 96000,
    "relation": "son",
    "parent_en": "Venkata Rao",
    "parent_te": "వెంకట రావు",
    "address_en": "Door 4-12, Brodipet, Guntur",
    "address_te": "ఇంటి నం. 4-12, బ్రాడీపేట, గుంటూరు",
}
HOLDER_EN, HOLDER_TE = "Ravi Kumar Reddy", "రవి కుమార్ రెడ్డి"


def trust_service(tmp_path: Path) -> TrustService:
    return TrustService(
        FileKeyStore(tmp_path / "keys"),
        public_url="https://verify.example.in",
        checkpoint_file=tmp_path / "log" / "checkpoint",
    )


def setup_keys(database: Database, trust: TrustService) -> None:
    with database.unit_of_work() as session:
        trust.ensure_keys(TrustRepository(session), ["revenue"])


def issue_income(
    database: Database,
    trust: TrustService,
    number: str = "AP-INC-2026-TEST01",
    *,
    issued_at: datetime | None = None,
    valid_until: datetime | None = None,
    **overrides: Any,
) -> Issued:
    with database.unit_of_work() as session:
        return issue_document(
            session,
            trust,
            doc_type="income",
            number=number,
            holder_name_en=HOLDER_EN,
            holder_name_te=HOLDER_TE,
            facts={**INCOME_FACTS, **overrides},
            office=OFFICE,
            officer=OFFICER,
            issued_at=issued_at,
            valid_until=valid_until,
        )


class AsgiClient:
    """A synchronous face on httpx's ASGI transport (Starlette's TestClient wants httpx2)."""

    def __init__(self, app: Any, base_url: str = "http://testserver") -> None:
        self.app = app
        self.base_url = base_url

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url=self.base_url) as client:
                return await client.request(method, path, **kwargs)

        return asyncio.run(go())

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)
