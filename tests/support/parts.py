"""The platform's parts for tests that run without the app: one builder, every part explicit.

The department systems are the embedded reference (demo) systems, documents are signed by a
trust service whose keys live in a temporary folder kept for the test session, payments go to
an in-memory sandbox gateway, and the edges that need the network or the app's background jobs
(the Graph API, the sent-document queue, the sender's wake-up, the speech provider) are
recording or refusing stand-ins; no declared department is wired (an empty health board, no
sandbox stand-ins), the data lake is an empty temporary folder and no understanding model is
configured (free text understood offline, as by default).
Pass any part by name to use another: `build_parts(departments=Down())`.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from manamitra.catalog.loader import Catalog
from manamitra.departments.health import HealthBoard
from manamitra.departments.reference import embedded_systems
from manamitra.departments.wiring import WiredDepartments
from manamitra.documents import DocumentService
from manamitra.lake.layout import Lake
from manamitra.messaging.inbound import Media
from manamitra.observability import Metrics
from manamitra.parts import Parts
from manamitra.payments.service import Payments
from manamitra.pipeline.media import MediaLocation
from manamitra.privacy import Cipher
from manamitra.sandbox.gateway import SandboxGateway
from manamitra.services.catalog_check import load_checked_catalog
from manamitra.trust import TrustService
from manamitra.trust.keys import FileKeyStore

# A fixed data key: sealed values in a test are stable and readable by any part built here.
TEST_CIPHER = Cipher(bytes(range(32)))


@dataclass
class RecordingDocumentCheck:
    """The sent-document queue, without its background job: remembers what was submitted."""

    accept: bool = True
    submitted: list[tuple[str, Media, str]] = field(default_factory=list)

    def submit(self, citizen: str, media: Media, lang: str) -> bool:
        if self.accept:
            self.submitted.append((citizen, media, lang))
        return self.accept


@dataclass
class RecordingSender:
    """The outbox sender's wake-up: counts the times it was asked to send now."""

    wakes: int = 0

    def notify(self) -> None:
        self.wakes += 1


class NoGraph:
    """The Graph API is not reachable from a test without the app's local emulator."""

    async def media_info(self, media_id: str) -> MediaLocation:
        raise AssertionError(f"a test without the app asked the Graph API for media {media_id}")

    async def download_media(self, url: str, *, max_bytes: int) -> bytes:
        raise AssertionError(f"a test without the app downloaded {url}")


class NoSpeech:
    """The speech provider is the speech worker's (tests/pipeline, tests/journeys); the
    conversation only queues voice notes for it, so a test engine never calls it."""

    name = "no-speech"

    async def transcribe(self, wav: bytes, lang: str) -> str:
        raise AssertionError("a test without the speech worker transcribed a voice note")

    async def synthesise(self, text: str, lang: str) -> bytes:
        raise AssertionError("a test without the speech worker spoke a reply")


def no_declared_departments() -> WiredDepartments:
    """The health board of a process with no declared department wired (every register on the
    embedded reference systems)."""
    return WiredDepartments(embedded_systems(), HealthBoard(), {})


@cache
def test_lake() -> Lake:
    """An empty data lake in a temporary folder kept for the test session."""
    folder = Path(tempfile.mkdtemp(prefix="mm-test-lake-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return Lake(folder)


@cache
def test_catalog() -> Catalog:
    return load_checked_catalog()


@cache
def test_trust() -> TrustService:
    folder = Path(tempfile.mkdtemp(prefix="mm-test-keys-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return TrustService(
        FileKeyStore(folder / "keys"), public_url="https://verify.test", checkpoint_file=None
    )


def sandbox_payments() -> Payments:
    gateway = SandboxGateway("engine-test-secret", checkout_base="http://testserver")
    return Payments(gateway=gateway, public_url="http://testserver")


_SHARED: Any = object()


def build_parts(catalog: Catalog | None = _SHARED, **given: Any) -> Parts:
    """Every part, the test's own where given (None included: to see it refused). A new sandbox
    gateway and new recording stand-ins each call; the catalogue, keys and trust service are
    shared by the session."""
    trust = given.pop("trust", _SHARED)
    if trust is _SHARED:
        trust = test_trust()
    parts: dict[str, Any] = {
        "catalog": test_catalog() if catalog is _SHARED else catalog,
        "privacy": TEST_CIPHER,
        "departments": embedded_systems(),
        "documents": DocumentService(trust or test_trust()),
        "payments": sandbox_payments(),
        "trust": trust,
        "document_check": RecordingDocumentCheck(),
        "sender": RecordingSender(),
        "graph": NoGraph(),
        "metrics": Metrics(),
        "department_health": no_declared_departments(),
        "speech": NoSpeech(),
        "lake": test_lake(),
        "department_stand_ins": None,
        "understanding_model": None,
    }
    unknown = set(given) - set(parts)
    if unknown:
        raise TypeError(f"no such platform part: {sorted(unknown)}")
    parts.update(given)
    return Parts(**parts)
