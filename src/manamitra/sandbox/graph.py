"""The emulator's Graph API over HTTP: the routes Meta serves for one business number.

    POST   /{version}/{phone_number_id}/messages   send (all types) or mark as read
    POST   /{version}/{phone_number_id}/media      upload (multipart: file, type, messaging_product)
    GET    /{version}/{waba_id}/message_templates  templates, paged (limit, after)
    POST   /{version}/{waba_id}/message_templates  create a template (approved after a delay)
    GET    /{version}/{media_id}                   media URL and facts
    DELETE /{version}/{media_id}                   delete media
    GET    /_media/{media_id}?expires=…&hash=…     the bytes (bearer token, URL valid 5 minutes)

Every refusal is Meta's `{"error": {...}}` body with Meta's HTTP status.
"""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from manamitra.sandbox import graph_error
from manamitra.sandbox.emulator import GraphEmulator
from manamitra.sandbox.graph_error import GraphError

_VERSION = re.compile(r"^v\d+\.\d+$")


def _error_response(error: GraphError) -> JSONResponse:
    headers = (
        {"WWW-Authenticate": 'OAuth "Facebook Platform" "invalid_token"'}
        if (error.status == 401)
        else None
    )
    return JSONResponse(error.to_response_body(), status_code=error.status, headers=headers)


def build_graph_app(emulator: GraphEmulator) -> Starlette:
    """A Starlette app serving the Graph API; mount it where MM_GRAPH_API_URL points."""

    def _check_version(request: Request) -> None:
        version = request.path_params["version"]
        if not _VERSION.match(version):
            raise graph_error.unknown_object(version, request.method)

    async def messages(request: Request) -> Response:
        emulator.authorize(request.headers.get("authorization"))
        _check_version(request)
        try:
            body: Any = json.loads(await request.body() or b"null")
        except ValueError:
            raise graph_error.param("Invalid JSON for postbody") from None
        result = await emulator.send(request.path_params["phone_number_id"], body)
        return JSONResponse(result)

    async def upload(request: Request) -> Response:
        emulator.authorize(request.headers.get("authorization"))
        _check_version(request)
        emulator.check_phone_number_id(request.path_params["phone_number_id"], "POST")
        form = await request.form(max_part_size=1024 * 1024)
        try:
            file = form.get("file")
            if not isinstance(file, UploadFile):
                raise graph_error.param("The parameter file is required.")
            declared = form.get("type")
            mime_type = (
                declared
                if isinstance(declared, str) and declared
                else file.content_type or "application/octet-stream"
            )
            product = form.get("messaging_product")
            data = await file.read()
            result = emulator.upload(
                request.path_params["phone_number_id"],
                data=data,
                mime_type=mime_type,
                filename=file.filename,
                messaging_product=product if isinstance(product, str) else None,
            )
        finally:
            await form.close()
        return JSONResponse(result)

    async def media_info(request: Request) -> Response:
        emulator.authorize(request.headers.get("authorization"))
        _check_version(request)
        phone_number_id = request.query_params.get("phone_number_id")
        if phone_number_id is not None:
            emulator.check_phone_number_id(phone_number_id, "GET")
        # Where the emulator is mounted (e.g. /sandbox/graph), so the download URL resolves.
        tail = f"/{request.path_params['version']}/{request.path_params['object_id']}"
        prefix = request.url.path[: -len(tail)] if request.url.path.endswith(tail) else ""
        base = f"{request.url.scheme}://{request.url.netloc}{prefix}/"
        return JSONResponse(emulator.media_info(request.path_params["object_id"], base))

    async def media_delete(request: Request) -> Response:
        emulator.authorize(request.headers.get("authorization"))
        _check_version(request)
        phone_number_id = request.query_params.get("phone_number_id")
        if phone_number_id is not None:
            emulator.check_phone_number_id(phone_number_id, "DELETE")
        return JSONResponse(emulator.delete_media(request.path_params["object_id"]))

    async def media_download(request: Request) -> Response:
        emulator.authorize(request.headers.get("authorization"))
        item = emulator.download(
            request.path_params["media_id"],
            request.query_params.get("expires", ""),
            request.query_params.get("hash", ""),
        )
        headers = {}
        if item.filename:
            headers["Content-Disposition"] = f'attachment; filename="{item.filename}"'
        return Response(item.data, media_type=item.mime_type, headers=headers)

    async def list_templates(request: Request) -> Response:
        emulator.authorize(request.headers.get("authorization"))
        _check_version(request)
        emulator.templates.check_account(request.path_params["account_id"])
        try:
            limit = int(request.query_params.get("limit", "25"))
        except ValueError:
            raise graph_error.param("Param limit must be a number") from None
        base = str(request.url.replace(query=""))
        return JSONResponse(emulator.templates.page(limit, request.query_params.get("after"), base))

    async def create_template(request: Request) -> Response:
        emulator.authorize(request.headers.get("authorization"))
        _check_version(request)
        emulator.templates.check_account(request.path_params["account_id"])
        try:
            body: Any = json.loads(await request.body() or b"null")
        except ValueError:
            raise graph_error.param("Invalid JSON for postbody") from None
        return JSONResponse(emulator.templates.create(body))

    async def on_graph_error(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, GraphError)
        return _error_response(exc)

    async def on_http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        error = graph_error.unknown_object(
            request.url.path.strip("/").split("/")[-1] or "/", request.method
        )
        error.status = exc.status_code if exc.status_code in (404, 405) else 400
        return _error_response(error)

    routes = [
        Route("/_media/{media_id}", media_download, methods=["GET"]),
        Route("/{version}/{phone_number_id}/messages", messages, methods=["POST"]),
        Route("/{version}/{phone_number_id}/media", upload, methods=["POST"]),
        Route("/{version}/{account_id}/message_templates", list_templates, methods=["GET"]),
        Route("/{version}/{account_id}/message_templates", create_template, methods=["POST"]),
        Route("/{version}/{object_id}", media_info, methods=["GET"]),
        Route("/{version}/{object_id}", media_delete, methods=["DELETE"]),
    ]
    handlers: dict[Any, Any] = {GraphError: on_graph_error, HTTPException: on_http_error}
    return Starlette(routes=routes, exception_handlers=handlers)
