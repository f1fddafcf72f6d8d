"""How a declared department's calls authenticate: an API key header, an OAuth2 client
credentials token (fetched, cached until just before it expires, fetched again on a 401), or a
mutual-TLS client certificate.

Declarations name environment variables; `Credentials` holds their values, read once by the
composition root. The sandbox's fixture server accepts `sandbox_credentials(declaration)`.
"""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass

import httpx

from manamitra.departments.declaration import (
    ApiKeyAuth,
    Declaration,
    MutualTlsAuth,
    OAuth2Auth,
)
from manamitra.errors import DepartmentUnavailableError

TOKEN_EARLY_SECONDS = 30


class CredentialsError(ValueError):
    """A live department whose declared variables are not set."""


@dataclass(frozen=True)
class Credentials:
    """The values behind a declaration's variables (API key, client id/secret, file paths)."""

    values: Mapping[str, str]

    def get(self, name: str) -> str:
        value = self.values.get(name)
        if not value:
            raise CredentialsError(f"{name} is not set")
        return value


def credentials_from_env(declaration: Declaration, env: Mapping[str, str]) -> Credentials:
    names = _names(declaration)
    missing = [name for name in names if not env.get(name)]
    if missing:
        raise CredentialsError(f"department {declaration.id}: set {', '.join(missing)}")
    return Credentials({name: env[name] for name in names})


def _names(declaration: Declaration) -> list[str]:
    auth = declaration.auth
    if isinstance(auth, ApiKeyAuth):
        return [auth.key]
    if isinstance(auth, OAuth2Auth):
        return [auth.client_id, auth.client_secret]
    if isinstance(auth, MutualTlsAuth):
        return [auth.cert, auth.key, auth.ca]
    return []


def sandbox_credentials(declaration: Declaration) -> Credentials:
    """What the sandbox's stand-in of this department accepts (mutual TLS: see sandbox/mtls)."""
    auth = declaration.auth
    values: dict[str, str] = {}
    if isinstance(auth, ApiKeyAuth):
        values[auth.key] = f"sandbox-key-{declaration.id}"
    elif isinstance(auth, OAuth2Auth):
        values[auth.client_id] = f"sandbox-client-{declaration.id}"
        values[auth.client_secret] = f"sandbox-secret-{declaration.id}"
    return Credentials(values)


class ApiKey(httpx.Auth):
    def __init__(self, header: str, key: str) -> None:
        self.header = header
        self.key = key

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers[self.header] = self.key
        yield request


class ClientCredentials(httpx.Auth):
    """RFC 6749 §4.4: POST grant_type=client_credentials with HTTP Basic client auth."""

    requires_response_body = True

    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: str,
        scope: str | None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.token_url = token_url
        self.client_id = client_id
        self.client_secret = client_secret
        self.scope = scope
        self._clock = clock
        self._token: str | None = None
        self._expires = 0.0
        self._lock = threading.Lock()

    def _token_request(self) -> httpx.Request:
        form = {"grant_type": "client_credentials"}
        if self.scope:
            form["scope"] = self.scope
        request = httpx.Request("POST", self.token_url, data=form)
        return next(httpx.BasicAuth(self.client_id, self.client_secret).auth_flow(request))

    def _keep(self, response: httpx.Response) -> None:
        response.read()
        if response.status_code != 200:
            raise DepartmentUnavailableError(f"token endpoint: HTTP {response.status_code}")
        try:
            body = response.json()
            self._token = str(body["access_token"])
            lifetime = float(body.get("expires_in", 3600))
        except (ValueError, KeyError, TypeError) as exc:
            raise DepartmentUnavailableError("token endpoint: unreadable answer") from exc
        self._expires = self._clock() + max(0.0, lifetime - TOKEN_EARLY_SECONDS)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        with self._lock:
            fresh = self._token is not None and self._clock() < self._expires
        if not fresh:
            self._keep((yield self._token_request()))
        request.headers["Authorization"] = f"Bearer {self._token}"
        response = yield request
        if response.status_code == 401:
            # the department revoked or rotated the token before it said it would expire
            self._keep((yield self._token_request()))
            request.headers["Authorization"] = f"Bearer {self._token}"
            yield request


def client_auth(
    declaration: Declaration, credentials: Credentials, base_url: str
) -> httpx.Auth | None:
    auth = declaration.auth
    if isinstance(auth, ApiKeyAuth):
        return ApiKey(auth.header, credentials.get(auth.key))
    if isinstance(auth, OAuth2Auth):
        token_url = (
            auth.token_path
            if auth.token_path.startswith("https://")
            else base_url + auth.token_path
        )
        return ClientCredentials(
            token_url,
            credentials.get(auth.client_id),
            credentials.get(auth.client_secret),
            auth.scope,
        )
    return None


def tls_context(declaration: Declaration, credentials: Credentials) -> ssl.SSLContext | None:
    """Mutual TLS: our client certificate, and only the department's CA trusted."""
    auth = declaration.auth
    if not isinstance(auth, MutualTlsAuth):
        return None
    context = ssl.create_default_context(cafile=credentials.get(auth.ca))
    context.load_cert_chain(credentials.get(auth.cert), credentials.get(auth.key))
    return context
