"""The platform's parts: the long-lived adapters the composition root (`app.py`) builds once —
the catalogue, the data key, the department systems, the document issuer, payments, the trust
service, the sent-document checker, the outbox sender's wake-up, the Graph API's media — held in
one frozen, typed container that every layer reads instead of a string-keyed dict.

Each role is a Protocol here, in the core that every layer may import; the implementations live
in their own layers (`departments.reference`, `documents.issue`, `pipeline.document_check`,
`channels.whatsapp`…) and meet only in `app.py` (or in a test's builder, tests/support/parts.py).
A part that is missing, or that does not play its role, is refused when the container is built:
the platform does not start, rather than fail halfway through a citizen's application.

The types named only in annotations (`Catalog`, `Record`, `Payments`…) are imported for the type
checker alone: this module depends on nothing above the core when it runs.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from manamitra.errors import ErrorCode, ManamitraError
from manamitra.observability import Metrics
from manamitra.privacy import Cipher

if TYPE_CHECKING:
    from manamitra.catalog.loader import Catalog
    from manamitra.departments.base import Record
    from manamitra.documents.issue import Draft, Issued
    from manamitra.messaging.inbound import Media
    from manamitra.payments.service import Payments
    from manamitra.pipeline.media import MediaLocation
    from manamitra.trust.service import TrustService
    from manamitra.trust.verify import Result


class MissingPartError(ManamitraError):
    """The composition root left out a part, or gave one that does not play its role."""

    code = ErrorCode.PART_MISSING


@runtime_checkable
class RecordLookup(Protocol):
    """A register to look a record up in (lookup kind); None when there is no such record,
    DepartmentUnavailableError when the system does not answer."""

    def lookup(self, source: str, identifier: str) -> Record | None: ...


@runtime_checkable
class DocumentSource(Protocol):
    """A register that gives a copy of a record (download kind)."""

    def document(self, source: str, identifier: str) -> Record | None: ...


@runtime_checkable
class DepartmentSystems(RecordLookup, DocumentSource, Protocol):
    """Both roles: the embedded reference systems, the HTTP adapter, or a routing of the two."""


@runtime_checkable
class DocumentIssuer(Protocol):
    """Issues signed documents (PDF, signature, log entry and row together, or nothing) and
    checks the ones citizens send back."""

    def issue(self, session: Any, **kwargs: Any) -> Issued: ...

    def issue_draft(self, session: Any, draft: Draft) -> Issued: ...

    def verify_upload(self, session: Any, data: bytes) -> Result | None: ...


@runtime_checkable
class DocumentCheck(Protocol):
    """Takes a certificate a citizen sent, to verify it outside the worker's transaction;
    False when it is too busy to take it now."""

    def submit(self, citizen: str, media: Media, lang: str) -> bool: ...


@runtime_checkable
class SenderWakeup(Protocol):
    """Asks the outbox sender to send now rather than at its next poll (after a commit)."""

    def notify(self) -> None: ...


@runtime_checkable
class MediaSource(Protocol):
    """Where a citizen's photo or document is fetched from (the Graph API)."""

    async def media_info(self, media_id: str) -> MediaLocation: ...

    async def download_media(self, url: str, *, max_bytes: int) -> bytes: ...


@dataclass(frozen=True)
class Parts:
    """The platform's parts, built once. Field names are the keys of the old
    `runtime.services` dict, so `services["documents"]` reads `parts.documents`."""

    catalog: Catalog
    privacy: Cipher
    departments: DepartmentSystems
    documents: DocumentIssuer
    payments: Payments
    trust: TrustService
    document_check: DocumentCheck
    sender: SenderWakeup
    graph: MediaSource
    metrics: Metrics

    def __post_init__(self) -> None:
        for part in fields(self):
            value = getattr(self, part.name)
            if value is None:
                raise MissingPartError(
                    f"the platform part {part.name!r} ({_ROLES[part.name]}) is missing: "
                    "app.py builds every part before the platform starts"
                )
            role = _PROTOCOLS.get(part.name)
            if role is not None and not isinstance(value, role):
                raise MissingPartError(
                    f"the platform part {part.name!r} is a {type(value).__name__}, "
                    f"which does not play its role ({_ROLES[part.name]}: {role.__name__})"
                )


_ROLES = {
    "catalog": "the checked service catalogue",
    "privacy": "the cipher that seals personal data",
    "departments": "the department systems behind lookups and downloads",
    "documents": "the document issuer",
    "payments": "the payment gateway and how bills are presented",
    "trust": "keys, signatures and the transparency log",
    "document_check": "the queue that verifies certificates citizens send",
    "sender": "the outbox sender's wake-up",
    "graph": "the Graph API's media downloads",
    "metrics": "the Prometheus metrics",
}

_PROTOCOLS: dict[str, type] = {
    "privacy": Cipher,
    "departments": DepartmentSystems,
    "documents": DocumentIssuer,
    "document_check": DocumentCheck,
    "sender": SenderWakeup,
    "graph": MediaSource,
    "metrics": Metrics,
}
