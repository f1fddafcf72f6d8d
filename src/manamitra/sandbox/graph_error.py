"""Graph API errors as Meta answers them: HTTP status plus the `{"error": {...}}` body.

Meta's shape, kept field for field so that clients (ours, pywa) parse the emulator's answers
exactly as they parse Meta's:

    {"error": {"message": "(#131009) Parameter value is not valid", "type": "OAuthException",
               "code": 131009, "error_data": {"messaging_product": "whatsapp", "details": "…"},
               "fbtrace_id": "A1b2…"}}
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

PARAM_INVALID = 100
PARAM_VALUE_INVALID = 131009
ACCESS_TOKEN_INVALID = 190
THROUGHPUT_LIMIT = 130429
PAIR_RATE_LIMIT = 131056
REENGAGEMENT = 131047
UNDELIVERABLE = 131026
MARKETING_CAP = 131049
TEMPLATE_PAUSED = 132015
TEMPLATE_MISSING = 132001
MEDIA_UPLOAD = 131053
UNKNOWN = 1
SERVICE_UNAVAILABLE = 2

ERROR_CODES_HREF = "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"

# Titles Meta gives each code, in sync errors (after "(#code) ") and in failed statuses.
TITLES: dict[int, str] = {
    PARAM_INVALID: "Invalid parameter",
    PARAM_VALUE_INVALID: "Parameter value is not valid",
    ACCESS_TOKEN_INVALID: "Invalid OAuth access token - Cannot parse access token",
    THROUGHPUT_LIMIT: "Rate limit hit",
    PAIR_RATE_LIMIT: "(Business Account, Consumer Account) pair rate limit hit",
    REENGAGEMENT: "Re-engagement message",
    UNDELIVERABLE: "Message undeliverable",
    MEDIA_UPLOAD: "Media upload error",
    MARKETING_CAP: "Message failed to send because of per-user marketing message limit",
    TEMPLATE_PAUSED: "Template is paused",
    TEMPLATE_MISSING: "Template name does not exist in the translation",
    UNKNOWN: "An unknown error occurred",
    SERVICE_UNAVAILABLE: "Service temporarily unavailable",
}

DETAILS: dict[int, str] = {
    THROUGHPUT_LIMIT: "Cloud API message throughput has been reached.",
    PAIR_RATE_LIMIT: "Message failed to send because there were too many messages sent from "
    "this phone number to the same phone number in a short period of time.",
    REENGAGEMENT: "Message failed to send because more than 24 hours have passed since the "
    "customer last replied to this number.",
    UNDELIVERABLE: "Message Undeliverable.",
    MARKETING_CAP: "This message was not delivered to maintain healthy ecosystem engagement.",
    TEMPLATE_PAUSED: "Template is paused due to low quality so it cannot be sent in a "
    "template message.",
    TEMPLATE_MISSING: "Template name does not exist in the translation.",
}


def fbtrace_id() -> str:
    return secrets.token_urlsafe(16)[:23]


@dataclass
class GraphError(Exception):
    """A refusal the emulator answers with; `to_response_body` gives Meta's exact JSON."""

    code: int
    details: str | None = None
    status: int = 400
    message: str | None = None
    subcode: int | None = None
    whatsapp_data: bool = True

    def __post_init__(self) -> None:
        super().__init__(self.text)

    @property
    def text(self) -> str:
        if self.message is not None:
            return self.message
        title = TITLES.get(self.code, "An unknown error occurred")
        # Meta prefixes the code for permission/parameter errors, not for auth errors.
        return title if self.code == ACCESS_TOKEN_INVALID else f"(#{self.code}) {title}"

    def to_response_body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"message": self.text, "type": "OAuthException", "code": self.code}
        if self.subcode is not None:
            error["error_subcode"] = self.subcode
        if self.whatsapp_data and self.details is not None:
            error["error_data"] = {"messaging_product": "whatsapp", "details": self.details}
        error["fbtrace_id"] = fbtrace_id()
        return {"error": error}


def invalid_token() -> GraphError:
    return GraphError(ACCESS_TOKEN_INVALID, status=401, whatsapp_data=False)


def unknown_object(object_id: str, method: str) -> GraphError:
    """What Graph says for an id it does not know, or a path it does not serve."""
    return GraphError(
        PARAM_INVALID,
        message=f"Unsupported {method.lower()} request. Object with ID '{object_id}' does not "
        "exist, cannot be loaded due to missing permissions, or does not support this "
        "operation. Please read the Graph API documentation at "
        "https://developers.facebook.com/docs/graph-api",
        subcode=33,
        whatsapp_data=False,
    )


def param(details: str) -> GraphError:
    """Code 100: a required parameter is missing or has the wrong type."""
    return GraphError(PARAM_INVALID, details=details)


def value(details: str) -> GraphError:
    """Code 131009: a parameter has a value Meta does not accept (lengths, counts)."""
    return GraphError(PARAM_VALUE_INVALID, details=details)


def failed_status_error(code: int, details: str | None = None) -> dict[str, Any]:
    """One entry of a `failed` status's `errors` list."""
    title = TITLES.get(code, "An unknown error occurred")
    return {
        "code": code,
        "title": title,
        "message": title,
        "error_data": {"details": details or DETAILS.get(code, title)},
        "href": ERROR_CODES_HREF,
    }
