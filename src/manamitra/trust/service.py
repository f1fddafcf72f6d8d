"""The trust service the rest of the platform calls: sign, register, revoke, verify online,
publish checkpoints and the status list. Built once by the composition root.

    trust = TrustService.from_settings(settings)
    with database.unit_of_work() as session:
        trust.revoke(session, "AP-INC-2026-000042", reason="issued_in_error", actor="tahsildar:17")
    trust.verify_online(session, qr_text).to_json()   # {"verdict", "claims", "reasons"}
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from manamitra import clock
from manamitra.errors import NotFoundError, PayloadError
from manamitra.settings import Settings
from manamitra.store.models.trust import IssuedDocument, TrustRepository
from manamitra.trust import cose, entry, payload
from manamitra.trust import status as status_list
from manamitra.trust.cose import Signer
from manamitra.trust.keys import LOG_OWNER, FileKeyStore, KeyInfo, KeyRing, KeySource, Role
from manamitra.trust.log import TransparencyLog, origin_for
from manamitra.trust.verify import Result, Revocation, verify


class _RegisterRevocations:
    """Online revocation: the register, read in the verifier's own transaction."""

    def __init__(self, repo: TrustRepository) -> None:
        self.repo = repo

    def revocation(self, number: str) -> Revocation | None:
        doc = self.repo.document(number)
        if doc is None or doc.revoked_at is None:
            return None
        code = doc.revocation_reason or ""
        return Revocation(
            number,
            status_list.reason_label(code),
            doc.revoked_at,
            status_list.reason_label(code, "te"),
        )


@dataclass(frozen=True)
class Sealing:
    """A signed QR for a document about to be registered."""

    qr_text: str
    kid: str
    cose_bytes: bytes
    signature: bytes
    url_token: str


class TrustService:
    def __init__(self, keys: KeySource, *, public_url: str, checkpoint_file: Path | None) -> None:
        self.keys = keys
        self.public_url = public_url.rstrip("/")
        self.log = TransparencyLog(origin_for(public_url), self._log_key, checkpoint_file)

    @classmethod
    def from_settings(cls, settings: Settings) -> TrustService:
        return cls(
            FileKeyStore(settings.resolved_keys_dir),
            public_url=settings.public_url,
            checkpoint_file=settings.data_dir / "log" / "checkpoint",
        )

    # -- keys ----------------------------------------------------------------------------------

    def keyring(self) -> KeyRing:
        return self.keys.keyring()

    def _log_key(self) -> tuple[Signer, KeyInfo]:
        info = self.keyring().active(LOG_OWNER)
        if info is None:
            raise NotFoundError("no log key: run `manamitra keys init`")
        return self.keys.signer(info.kid), info

    def create_key(self, repo: TrustRepository, owner: str, role: Role = "issuer") -> KeyInfo:
        """A new active key for `owner`, retiring its previous one; both changes are logged."""
        previous = self.keyring().active(owner)
        info = self.keys.create(owner, role)
        assert info is not None
        self._log_key_created(repo, info)
        if previous is not None:
            retired = self.keys.retire(previous.kid)
            self.log.append(
                repo,
                "key",
                entry.key_event(
                    event="retired",
                    kid=retired.kid,
                    owner=owner,
                    role=retired.role,
                    public=retired.public,
                    at=retired.retired_at or clock.now(),
                ),
            )
        return info

    def _log_key_created(self, repo: TrustRepository, info: KeyInfo) -> None:
        self.log.append(
            repo,
            "key",
            entry.key_event(
                event="created",
                kid=info.kid,
                owner=info.owner,
                role=info.role,
                public=info.public,
                at=info.created_at,
            ),
        )

    def ensure_keys(self, repo: TrustRepository, owners: list[str]) -> None:
        """Keys for the log and each owner that has none yet (first start, demo, tests); safe
        when several workers start together: the key store decides who creates."""
        wanted: list[tuple[str, Role]] = [(LOG_OWNER, "log"), *((o, "issuer") for o in owners)]
        for owner, role in wanted:
            if self.keyring().active(owner) is None:
                info = self.keys.create(owner, role, if_missing=True)
                if info is not None:
                    self._log_key_created(repo, info)

    def issuer(self, repo: TrustRepository, owner: str) -> Signer:
        info = self.keyring().active(owner)
        if info is None:
            self.ensure_keys(repo, [owner])
            info = self.keyring().active(owner)
            assert info is not None
        return self.keys.signer(info.kid)

    # -- issuing -------------------------------------------------------------------------------

    def verify_url(self, number: str, token: str) -> str:
        return f"{self.public_url}/v/{number}-{token}"

    def seal(
        self,
        repo: TrustRepository,
        claims: payload.Claims,
        owner: str,
        url_token: str | None = None,
    ) -> Sealing:
        signer = self.issuer(repo, owner)
        qr_text, envelope = payload.seal_envelope(claims, signer)
        signature = cose.parse_sign1(envelope).signature
        return Sealing(qr_text, signer.kid, envelope, signature, url_token or "")

    @staticmethod
    def new_url_token() -> str:
        return secrets.token_hex(3)

    def register(
        self,
        repo: TrustRepository,
        claims: payload.Claims,
        sealing: Sealing,
        *,
        pdf_sha256: str,
        media_key: str,
    ) -> int:
        """Record the issued document and append its issuance to the log; returns the index.
        A number already issued raises ConflictError (from the table's key, not a query
        first). Only `manamitra.documents.issue` calls it, inside the savepoint that undoes
        the entry with the document when anything in the issue fails."""
        index = self.log.append(
            repo,
            "issue",
            entry.issuance(
                doc_type=claims.doc_type,
                number=claims.number,
                kid=sealing.kid,
                issued_at=claims.issued_at,
                signature=sealing.signature,
                holder_en=claims.holder_en,
                holder_te=claims.holder_te,
                pdf_sha256=pdf_sha256,
                cose_bytes=sealing.cose_bytes,
            ),
        )
        repo.add_document(
            number=claims.number,
            doc_type=claims.doc_type,
            kid=sealing.kid,
            qr_text=sealing.qr_text,
            url_token=sealing.url_token,
            pdf_sha256=pdf_sha256,
            media_key=media_key,
            log_index=index,
            issued_at=claims.issued_at,
            valid_until=claims.expires_at,
        )
        return index

    # -- revoking and verifying ----------------------------------------------------------------

    def revoke(
        self, session: Any, number: str, reason: str, actor: str, note: str = ""
    ) -> IssuedDocument:
        """An officer's revocation: effective online at once, logged, and in the next status
        list. `reason` is a code from `trust.status.REASONS`."""
        if reason not in status_list.REASONS:
            raise PayloadError(f"unknown revocation reason {reason!r}")
        repo = TrustRepository(session)
        doc = repo.document(number, lock=True)
        if doc is None:
            raise NotFoundError(f"no issued document {number}")
        if doc.revoked_at is not None:
            return doc
        moment = clock.now()
        doc.revoked_at, doc.revocation_reason = moment, reason
        doc.revocation_note, doc.revoked_by = note or None, actor
        self.log.append(
            repo, "revoke", entry.revocation(number=number, reason_code=reason, at=moment)
        )
        return doc

    def verify_online(self, session: Any, text: str) -> Result:
        return verify(text, self.keyring(), _RegisterRevocations(TrustRepository(session)))

    def verify_link(self, session: Any, number: str, token: str) -> Result | None:
        """The verdict for a printed verification link, or None if the link is not ours."""
        repo = TrustRepository(session)
        doc = repo.document(number)
        if doc is None or not secrets.compare_digest(doc.url_token, token):
            return None
        return verify(doc.qr_text, self.keyring(), _RegisterRevocations(repo))

    def issuance_entry(
        self, session: Any, number: str, cose_sha256: str
    ) -> tuple[int, bytes] | None:
        """The log entry of a document's issuance, for someone who holds the document (the
        COSE hash proves it): lets an outside verifier ask for its inclusion proof."""
        repo = TrustRepository(session)
        doc = repo.document(number)
        if doc is None:
            return None
        try:
            sealed = payload.unseal(doc.qr_text)
        except PayloadError:
            return None
        if not secrets.compare_digest(entry.sha256_hex(sealed.cose_bytes), cose_sha256.lower()):
            return None
        rows = repo.entries(int(doc.log_index), int(doc.log_index) + 1)
        return (rows[0][0], rows[0][2]) if rows else None

    def status_list(self, session: Any) -> str:
        repo = TrustRepository(session)
        self.ensure_keys(repo, [])
        revoked = {
            entry.number_hash(d.number): (d.revocation_reason or "", d.revoked_at)
            for d in repo.revoked()
            if d.revoked_at is not None
        }
        signer, _ = self._log_key()
        return status_list.sign(status_list.StatusList(clock.now(), revoked), signer)

    def publish_checkpoint(self, database: Any) -> str:
        """Sign (if the tree grew) and commit a checkpoint, then publish it; its note text."""
        with database.unit_of_work() as session:
            repo = TrustRepository(session)
            self.ensure_keys(repo, [])
            row = self.log.sign_checkpoint(repo)
            note = row.note
        self.log.publish(note)
        return note


def checkpoint_publisher(
    trust: TrustService, database: Any, owners: list[str], every: float = 30.0
) -> Callable[[asyncio.Event], Awaitable[None]]:
    """A background job: make sure keys exist, then sign and publish a checkpoint whenever
    the log has grown, so witnesses always find a fresh one at the file and the URL."""

    async def run(stop: asyncio.Event) -> None:
        def prepare() -> None:
            with database.unit_of_work() as session:
                trust.ensure_keys(TrustRepository(session), owners)

        await asyncio.to_thread(prepare)
        while not stop.is_set():
            await asyncio.to_thread(trust.publish_checkpoint, database)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=every)

    return run
