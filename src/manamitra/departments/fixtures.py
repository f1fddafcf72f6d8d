"""A declared department's stand-in, served from fixtures: the embedded reference registers,
shaped as the declaration says the department answers.

    server = FixtureServer(declaration, embedded_systems())
    httpx.Client(transport=httpx.MockTransport(server.handle))     # in process
    sandbox/departments.py mounts it over HTTP; sandbox/mtls.py behind mutual TLS

It checks what the real system would: the API key, or an OAuth2 client-credentials token it
issued (and answers the token endpoint), then routes by method and path template. `down` makes
it answer 503, as a department in trouble does (the sandbox's switch for trying health and
circuits).
"""

from __future__ import annotations

import base64
import json
import re
import secrets
from typing import Any
from urllib.parse import parse_qs

import httpx

from manamitra.departments.auth import sandbox_credentials
from manamitra.departments.declaration import (
    ApiKeyAuth,
    Declaration,
    OAuth2Auth,
    Operation,
    placeholders,
)
from manamitra.departments.mapping import write_record
from manamitra.departments.reference import EmbeddedSystems


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", template)
    regex = "".join(
        (
            "(?P<identifier>[^/]+)"
            if part == "{identifier}"
            else "[^/]*"
            if part.startswith("{")
            else re.escape(part)
        )
        for part in parts
    )
    return re.compile(f"^{regex}$")


def _json(status: int, body: Any) -> httpx.Response:
    return httpx.Response(status, json=body)


class FixtureServer:
    def __init__(
        self, declaration: Declaration, data: EmbeddedSystems, prefix: str | None = None
    ) -> None:
        self.declaration = declaration
        self.data = data
        # where the stand-in is mounted; by default the path of the declared base URL
        self.prefix = (
            prefix if prefix is not None else httpx.URL(declaration.base_url).path
        ).rstrip("/")
        self.down = False
        self.calls = 0
        self._tokens: set[str] = set()
        self._routes = [(op, _pattern(op.path)) for op in declaration.operations]
        self._credentials = sandbox_credentials(declaration)

    # ---- authentication ----------------------------------------------------------------
    def _token(self, request: httpx.Request, auth: OAuth2Auth) -> httpx.Response:
        expected = "Basic " + base64.b64encode(
            f"{self._credentials.get(auth.client_id)}:"
            f"{self._credentials.get(auth.client_secret)}".encode()
        ).decode("ascii")
        form = parse_qs(request.content.decode("utf-8", "replace"))
        if request.headers.get("Authorization") != expected:
            return _json(401, {"error": "invalid_client"})
        if form.get("grant_type") != ["client_credentials"]:
            return _json(400, {"error": "unsupported_grant_type"})
        token = secrets.token_urlsafe(24)
        self._tokens.add(token)
        return _json(200, {"access_token": token, "token_type": "Bearer", "expires_in": 3600})

    def _authorised(self, request: httpx.Request) -> bool:
        auth = self.declaration.auth
        if isinstance(auth, ApiKeyAuth):
            return request.headers.get(auth.header) == self._credentials.get(auth.key)
        if isinstance(auth, OAuth2Auth):
            given = request.headers.get("Authorization", "").removeprefix("Bearer ")
            return given in self._tokens
        return True  # none, or mutual TLS: the listener checked the certificate

    # ---- routing ---------------------------------------------------------------------------
    def handle(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        path = request.url.path
        if self.prefix and path.startswith(self.prefix):
            path = path[len(self.prefix) :]
        auth = self.declaration.auth
        if isinstance(auth, OAuth2Auth) and request.method == "POST" and path == auth.token_path:
            return self._token(request, auth)
        if self.down:
            return _json(503, {"error": {"code": "MAINTENANCE"}})
        if not self._authorised(request):
            return _json(401, {"error": {"code": "UNAUTHORISED"}})
        if self.declaration.probe is not None and path == self.declaration.probe:
            return _json(200, {"status": "ok"})
        for operation, pattern in self._routes:
            matched = pattern.match(path)
            if matched is None or request.method != operation.method:
                continue
            identifier = self._identifier(operation, request, matched)
            if identifier is None:
                return _json(400, {"error": {"code": "IDENTIFIER_MISSING"}})
            return self._answer(operation, identifier)
        return _json(404, {"error": {"code": "NO_SUCH_RESOURCE"}})

    @staticmethod
    def _identifier(
        operation: Operation, request: httpx.Request, matched: re.Match[str]
    ) -> str | None:
        if "identifier" in matched.groupdict():
            return httpx.URL(path="/" + matched.group("identifier")).path[1:]
        for name, template in operation.query.items():
            if "identifier" in placeholders(template):
                return request.url.params.get(name)
        for name, template in operation.body.items():
            if "identifier" in placeholders(template):
                try:
                    value = json.loads(request.content or b"{}").get(name)
                except (ValueError, AttributeError):
                    return None
                return None if value is None else str(value)
        return None

    def _answer(self, operation: Operation, identifier: str) -> httpx.Response:
        record = self.data.lookup(operation.source, identifier)
        if record is None:
            return _json(404, {"error": {"code": "NOT_FOUND"}})
        return _json(200, write_record(operation.response, record))
