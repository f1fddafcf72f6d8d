"""The platform's parts: the long-lived adapters the composition root (`app.py`) builds once —
the catalogue, the data key, the department systems and their health board (and, in the demo,
their sandbox stand-ins), the document issuer, payments, the trust service, the sent-document
checker, the outbox sender's wake-up, the Graph API's media, the speech provider, the data lake
(and an operator's understanding model, where one is configured) — held in one frozen, typed
container that every layer reads instead of a string-keyed dict.

Each role is a Protocol here, in the core that every layer may import; the implementations live
in their own layers (`departments.reference`, `documents.issue`, `pipeline.document_check`,
`channels.whatsapp`…) and meet only in `app.py` (or in a test's builder, tests/support/parts.py).
A part that is missing, or that does not play its role, is refused when the container is built:
the platform does not start, rather than fail halfway through a citizen's application. The two
optional parts are None where a deployment honestly has none: `department_stand_ins` outside the
demo (no department is answered by a sandbox stand-in), `understanding_model` unless MM_LLM_URL
names one (the platform then understands free text fully offline).

The types named only in annotations (`Catalog`, `Record`, `Payments`…) are imported for the type
checker alone: this module depends on nothing above the core when it runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from manamitra.errors import ErrorCode, ManamitraError
from manamitra.observability import Metrics
from manamitra.privacy import Cipher

if TYPE_CHECKING:
    from manamitra.catalog.loader import Catalog
    from manamitra.catalog.schema import ServiceSpec
    from manamitra.departments.base import Record
    from manamitra.departments.declaration import Declaration
    from manamitra.departments.health import DepartmentHealth
    from manamitra.documents.issue import Draft, Issued
    from manamitra.lake.layout import Lake
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
    """A register to look a record up in (lookup kind), given the key and the service's other
    answers (a declared department's request may carry them); None when there is no such
    record, DepartmentUnavailableError when the system does not answer."""

    def lookup(
        self, source: str, identifier: str, answers: Mapping[str, Any] | None = None
    ) -> Record | None: ...


@runtime_checkable
class DocumentSource(Protocol):
    """A register that gives a copy of a record (download kind)."""

    def document(
        self, source: str, identifier: str, answers: Mapping[str, Any] | None = None
    ) -> Record | None: ...


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


@runtime_checkable
class DepartmentBoard(Protocol):
    """The declared departments as the process wired them: each one's declaration and health
    (calls, errors, latency, circuit), which of them call their live API (`engines`) and which
    are answered by a sandbox stand-in (`stand_ins`)."""

    @property
    def health(self) -> Iterable[DepartmentHealth]: ...

    @property
    def declarations(self) -> Mapping[str, Declaration]: ...

    @property
    def engines(self) -> Mapping[str, Any]: ...

    @property
    def stand_ins(self) -> Mapping[str, Any]: ...


@runtime_checkable
class DepartmentStandIn(Protocol):
    """A declared department's sandbox stand-in (demo): answers its API from the reference
    registers, counts the calls it took, and can be switched down to rehearse an outage."""

    down: bool
    calls: int


@runtime_checkable
class SpeechService(Protocol):
    """Voice notes to text and replies to voice (Bhashini, or the local provider)."""

    name: str

    async def transcribe(self, wav: bytes, lang: str) -> str: ...

    async def synthesise(self, text: str, lang: str) -> bytes: ...


@runtime_checkable
class UnderstandingModel(Protocol):
    """An operator's chat-completion model for free text the local engine cannot place: given
    the citizen's words and the candidate services, the id of one of them, or None."""

    def __call__(self, text: str, candidates: list[ServiceSpec], lang: str) -> str | None: ...


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
    department_health: DepartmentBoard
    speech: SpeechService
    lake: Lake
    department_stand_ins: Mapping[str, DepartmentStandIn] | None = None
    understanding_model: UnderstandingModel | None = None

    def __post_init__(self) -> None:
        for part in fields(self):
            value = getattr(self, part.name)
            if value is None and part.name in _OPTIONAL:
                continue
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
    "department_health": "the declared departments' health board",
    "speech": "the speech provider for voice notes and spoken replies",
    "lake": "the data lake the analytics and open data read",
    "department_stand_ins": "the declared departments' sandbox stand-ins (demo only)",
    "understanding_model": "the operator's model for free text (MM_LLM_URL, optional)",
}

# parts a deployment may honestly lack: None there, never a stand-in in production
_OPTIONAL = frozenset({"department_stand_ins", "understanding_model"})

_PROTOCOLS: dict[str, type] = {
    "privacy": Cipher,
    "departments": DepartmentSystems,
    "documents": DocumentIssuer,
    "document_check": DocumentCheck,
    "sender": SenderWakeup,
    "graph": MediaSource,
    "metrics": Metrics,
    "department_health": DepartmentBoard,
    "speech": SpeechService,
    "understanding_model": UnderstandingModel,
}
