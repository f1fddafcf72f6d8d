"""Security headers on every page and API answer the platform serves over HTTP.

The Content-Security-Policy allows scripts only from our own origin (no inline script, no
eval), so an injected `<script>` in a citizen's text shown on a console page cannot run; pages
cannot be framed (clickjacking); no page leaks its URL (which may carry a document number) to
another site. Inline `style` stays allowed: it cannot run code. FastAPI's own API docs page
loads its scripts from a CDN and inline, so it is served without the policy.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
)
WITHOUT_POLICY = ("/api/docs", "/api/redoc")


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.policy = (b"content-security-policy", CONTENT_SECURITY_POLICY.encode())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = HEADERS
        if not scope["path"].startswith(WITHOUT_POLICY):
            extra = (*HEADERS, self.policy)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [
                    *message.get("headers", []),
                    *(header for header in extra if header[0] not in present),
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)
