"""The root of every error the platform raises on purpose, with a stable code.

    ManamitraError
    ├── SignatureError            webhook signature missing or wrong
    ├── PayloadError              a body we cannot parse
    ├── SpecError                 a service spec that does not validate
    ├── ValidationError           a citizen's answer that does not fit a field
    ├── DepartmentUnavailableError  a department system that did not answer
    ├── DepartmentRefusedError    a department that answered no, with words for the citizen
    ├── NotFoundError             a record that does not exist
    ├── GraphApiError             the Graph API refused a request
    └── ConflictError             a state change that lost a race (seat taken, case moved)

Citizen-facing text comes from the message catalogues keyed by `code`, never from str(exc).
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    SIGNATURE_MISSING = "signature_missing"
    SIGNATURE_INVALID = "signature_invalid"
    PAYLOAD_INVALID = "payload_invalid"
    SPEC_INVALID = "spec_invalid"
    ANSWER_INVALID = "answer_invalid"
    DEPARTMENT_UNAVAILABLE = "department_unavailable"
    DEPARTMENT_REFUSED = "department_refused"
    NOT_FOUND = "not_found"
    GRAPH_API = "graph_api"
    CONFLICT = "conflict"
    FORBIDDEN = "forbidden"
    NOT_ISSUED = "not_issued"
    SPEECH_UNAVAILABLE = "speech_unavailable"
    SPEECH_REJECTED = "speech_rejected"


class ManamitraError(Exception):
    code: ErrorCode = ErrorCode.PAYLOAD_INVALID

    def __init__(self, message: str = "", *, code: ErrorCode | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code


class SignatureError(ManamitraError):
    code = ErrorCode.SIGNATURE_INVALID


class PayloadError(ManamitraError):
    code = ErrorCode.PAYLOAD_INVALID


class SpecError(ManamitraError):
    code = ErrorCode.SPEC_INVALID


class ValidationError(ManamitraError):
    """A citizen's answer did not fit; `message_key` names the catalogue text to show."""

    code = ErrorCode.ANSWER_INVALID

    def __init__(self, message_key: str, **params: object) -> None:
        super().__init__(message_key)
        self.message_key = message_key
        self.params = params


class DepartmentUnavailableError(ManamitraError):
    """`department` names the declared department system, when one is known."""

    code = ErrorCode.DEPARTMENT_UNAVAILABLE

    def __init__(self, message: str = "", *, department: str | None = None) -> None:
        super().__init__(message)
        self.department = department


class DepartmentRefusedError(ManamitraError):
    """The department answered, but refused (a blocked card, a sealed record): `message` is
    its declared explanation for the citizen, {"en": …, "te": …}, from the declaration."""

    code = ErrorCode.DEPARTMENT_REFUSED

    def __init__(self, message: dict[str, str], *, department: str | None = None) -> None:
        super().__init__(message.get("en", ""))
        self.message = message
        self.department = department


class NotFoundError(ManamitraError):
    code = ErrorCode.NOT_FOUND


class GraphApiError(ManamitraError):
    code = ErrorCode.GRAPH_API

    def __init__(self, message: str, *, status: int, error_code: int | None, retry: bool) -> None:
        super().__init__(message)
        self.status = status
        self.error_code = error_code
        self.retry = retry


class ConflictError(ManamitraError):
    code = ErrorCode.CONFLICT


class ForbiddenError(ManamitraError):
    code = ErrorCode.FORBIDDEN


class NotIssuedError(ManamitraError):
    """A document could not be issued; none of the issue's writes remain."""

    code = ErrorCode.NOT_ISSUED
