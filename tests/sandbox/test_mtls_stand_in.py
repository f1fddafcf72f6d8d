"""The mutual-TLS stand-in: the declared engine with the client certificate gets the record;
a client without one is refused at the handshake."""

from __future__ import annotations

import ssl
from pathlib import Path

import httpx
import pytest

from manamitra.departments.auth import Credentials
from manamitra.departments.declaration import MutualTlsAuth, load_declarations
from manamitra.departments.declared import DeclaredDepartment
from manamitra.departments.fixtures import FixtureServer
from manamitra.departments.reference import embedded_systems
from manamitra.errors import DepartmentUnavailableError
from manamitra.sandbox.mtls import MtlsListener, make_certificates


def test_serp_over_mutual_tls_needs_the_client_certificate(tmp_path: Path) -> None:
    declaration = load_declarations()["serp"]
    assert isinstance(declaration.auth, MutualTlsAuth)
    listener = MtlsListener.start(
        FixtureServer(declaration, embedded_systems()), tmp_path, declaration.auth
    )
    try:
        engine = DeclaredDepartment(
            declaration, listener.credentials, base_url=listener.url, sleep=lambda _s: None
        )
        record = engine.lookup("pension", "1020304051")
        assert record is not None and record.fact("pension_type", "te") == "వృద్ధాప్య"
        engine.close()

        ca = listener.credentials.get(declaration.auth.ca)
        with pytest.raises(httpx.HTTPError):
            httpx.get(
                f"{listener.url}/pensioners/1020304051",
                verify=ssl.create_default_context(cafile=ca),
                timeout=5,
            )

        # a certificate from another CA: refused at the handshake
        other = make_certificates(tmp_path / "other")
        stranger = DeclaredDepartment(
            declaration,
            Credentials(
                {
                    declaration.auth.cert: str(other["client"]),
                    declaration.auth.key: str(other["client-key"]),
                    declaration.auth.ca: ca,
                }
            ),
            base_url=listener.url,
            sleep=lambda _s: None,
        )
        with pytest.raises(DepartmentUnavailableError):
            stranger.lookup("pension", "1020304051")
    finally:
        listener.stop()
