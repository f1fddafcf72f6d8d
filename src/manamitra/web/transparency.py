"""The transparency log over HTTP, for verifiers, monitors and witnesses.

GET /log/checkpoint                                   C2SP signed checkpoint (text)
GET /log/entries?start=I&end=J                        {"entries": [{"index", "leaf_hash", "data"}]}
GET /log/proof/inclusion?leaf_hash=HEX&tree_size=N    {"leaf_index", "tree_size", "audit_path"}
GET /log/proof/consistency?first=M&second=N           {"first", "second", "proof"}
"""

from __future__ import annotations

import base64

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, PlainTextResponse

from manamitra.errors import NotFoundError, PayloadError
from manamitra.store import Database
from manamitra.store.models.trust import TrustRepository
from manamitra.trust import TrustService

MAX_ENTRIES = 1000


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def build_transparency_router(trust: TrustService, database: Database) -> APIRouter:
    router = APIRouter(prefix="/log", tags=["transparency log"])
    log = trust.log

    @router.get("/checkpoint", response_class=PlainTextResponse)
    def checkpoint() -> PlainTextResponse:
        note = trust.publish_checkpoint(database)
        return PlainTextResponse(note, headers={"Cache-Control": "no-cache"})

    @router.get("/entries")
    def entries(start: int = Query(ge=0), end: int = Query(ge=0)) -> JSONResponse:
        if end < start:
            return _error(400, "end must not be before start")
        with database.unit_of_work() as session:
            rows = log.entries(TrustRepository(session), start, end, limit=MAX_ENTRIES)
        return JSONResponse(
            {
                "entries": [
                    {"index": i, "leaf_hash": h.hex(), "data": base64.b64encode(d).decode("ascii")}
                    for i, h, d in rows
                ]
            }
        )

    @router.get("/proof/inclusion")
    def inclusion(
        leaf_hash: str = Query(pattern=r"^[0-9a-fA-F]{64}$"), tree_size: int = Query(ge=1)
    ) -> JSONResponse:
        try:
            with database.unit_of_work() as session:
                proof = log.inclusion(TrustRepository(session), bytes.fromhex(leaf_hash), tree_size)
        except NotFoundError as exc:
            return _error(404, str(exc))
        except PayloadError as exc:
            return _error(400, str(exc))
        return JSONResponse(proof.to_json())

    @router.get("/proof/consistency")
    def consistency(first: int = Query(ge=0), second: int = Query(ge=0)) -> JSONResponse:
        try:
            with database.unit_of_work() as session:
                proof = log.consistency(TrustRepository(session), first, second)
        except PayloadError as exc:
            return _error(400, str(exc))
        return JSONResponse({"first": first, "second": second, "proof": [h.hex() for h in proof]})

    @router.get("/document")
    def document_entry(
        number: str = Query(max_length=64), cose_sha256: str = Query(pattern=r"^[0-9a-fA-F]{64}$")
    ) -> JSONResponse:
        """The issuance entry of a document, for a holder of it (the COSE hash proves that)."""
        with database.unit_of_work() as session:
            found = trust.issuance_entry(session, number, cose_sha256)
        if found is None:
            return _error(404, "no issuance entry for that document")
        index, data = found
        return JSONResponse({"index": index, "data": base64.b64encode(data).decode("ascii")})

    return router
