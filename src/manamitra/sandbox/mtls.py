"""A mutual-TLS listener standing in for a department that declared `auth: mutual_tls`.

    listener = MtlsListener.start(server, folder)    # https://127.0.0.1:PORT, its own CA
    listener.credentials                             # our client certificate, key, and its CA

It makes a throwaway CA, a server certificate for 127.0.0.1 and a client certificate (in
`folder`), serves the department's fixture server over TLS and refuses any client without a
certificate from that CA, as the department's gateway would.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from manamitra.departments.auth import Credentials
from manamitra.departments.declaration import MutualTlsAuth
from manamitra.departments.fixtures import FixtureServer


def _key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _write_key(key: ec.EllipticCurvePrivateKey, path: Path) -> None:
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    path.chmod(0o600)


def _certificate(
    name: str,
    key: ec.EllipticCurvePrivateKey,
    issuer: x509.Name | None,
    signer: ec.EllipticCurvePrivateKey,
    *,
    ca: bool = False,
    usage: x509.ObjectIdentifier | None = None,
) -> x509.Certificate:
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer or subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if usage is not None:
        builder = builder.add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
    if usage == ExtendedKeyUsageOID.SERVER_AUTH:
        builder = builder.add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
    return builder.sign(signer, hashes.SHA256())


def make_certificates(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    ca_key = _key()
    ca = _certificate("Mana Mitra sandbox department CA", ca_key, None, ca_key, ca=True)
    paths = {
        name: folder / f"{name}.pem"
        for name in ("ca", "server", "server-key", "client", "client-key")
    }
    paths["ca"].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    for role, usage in (
        ("server", ExtendedKeyUsageOID.SERVER_AUTH),
        ("client", ExtendedKeyUsageOID.CLIENT_AUTH),
    ):
        key = _key()
        cert = _certificate(f"sandbox {role}", key, ca.subject, ca_key, usage=usage)
        paths[role].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        _write_key(key, paths[f"{role}-key"])
    return paths


@dataclass
class MtlsListener:
    url: str
    credentials: Credentials
    _server: ThreadingHTTPServer

    @classmethod
    def start(cls, fixtures: FixtureServer, folder: Path, auth: MutualTlsAuth) -> MtlsListener:
        paths = make_certificates(folder)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(paths["server"], paths["server-key"])
        context.load_verify_locations(paths["ca"])
        context.verify_mode = ssl.CERT_REQUIRED  # no client certificate, no handshake

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                request = httpx.Request(
                    self.command,
                    f"https://127.0.0.1{self.path}",
                    headers=list(self.headers.items()),
                    content=self.rfile.read(length) if length else b"",
                )
                answer = fixtures.handle(request)
                self.send_response(answer.status_code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            do_GET = do_POST = _serve

            def log_message(self, format: str, *args: object) -> None:
                return  # the platform's own logs are enough

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        threading.Thread(target=server.serve_forever, daemon=True, name="sandbox-mtls").start()
        credentials = Credentials(
            {
                auth.cert: str(paths["client"]),
                auth.key: str(paths["client-key"]),
                auth.ca: str(paths["ca"]),
            }
        )
        base = httpx.URL(fixtures.declaration.base_url).path.rstrip("/")
        return cls(f"https://127.0.0.1:{server.server_address[1]}{base}", credentials, server)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def tls_stand_in(
    folder: Path,
) -> Callable[[FixtureServer, MutualTlsAuth], tuple[str, Credentials, Callable[[], None]]]:
    """For `wire_departments(tls_stand_in=…)`: one listener per mutual-TLS department."""

    def start(
        fixtures: FixtureServer, auth: MutualTlsAuth
    ) -> tuple[str, Credentials, Callable[[], None]]:
        listener = MtlsListener.start(fixtures, folder / fixtures.declaration.id, auth)
        return listener.url, listener.credentials, listener.stop

    return start
