"""The declared departments' stand-ins over HTTP, so the contract kit (and anyone with curl) can
call them as they would the department:

    /sandbox/departments/{id}/…                      the department's declared API, from fixtures
    POST /sandbox/api/departments/{id}/down          {"down": true} makes it answer 503

    manamitra departments check civil_supplies --url http://127.0.0.1:8000/sandbox/departments/civil_supplies
"""

from __future__ import annotations

import httpx
from fastapi import APIRouter, HTTPException, Request, Response
from pydantic import BaseModel

from manamitra.departments.fixtures import FixtureServer

PREFIX = "/sandbox/departments"


class DownSwitch(BaseModel):
    down: bool


def build_department_stand_in_router(stand_ins: dict[str, FixtureServer]) -> APIRouter:
    router = APIRouter()
    over_http = {
        name: FixtureServer(server.declaration, server.data, prefix=f"{PREFIX}/{name}")
        for name, server in stand_ins.items()
    }

    @router.api_route(f"{PREFIX}/{{name}}/{{rest:path}}", methods=["GET", "POST"])
    async def stand_in(name: str, rest: str, request: Request) -> Response:
        server = over_http.get(name)
        if server is None:
            raise HTTPException(404, "no such declared department")
        server.down = stand_ins[name].down
        forwarded = httpx.Request(
            request.method,
            str(request.url),
            headers=request.headers.raw,
            content=await request.body(),
        )
        answer = server.handle(forwarded)
        return Response(
            answer.content, status_code=answer.status_code, media_type="application/json"
        )

    @router.post("/sandbox/api/departments/{name}/down")
    async def set_down(name: str, switch: DownSwitch) -> dict[str, object]:
        if name not in stand_ins:
            raise HTTPException(404, "no such declared department")
        stand_ins[name].down = switch.down
        return {"department": name, "down": switch.down}

    return router
