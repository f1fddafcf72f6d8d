"""The transparency log over the database: append inside the caller's transaction, prove, and
sign checkpoints.

Appends lock the head row, so two issuers never take the same index; the head keeps the
frontier (one hash per complete subtree), so an append writes the entry, its leaf and the
subtrees it completes (two rows on average) and reads nothing else. Proofs read O(log n)
stored subtree hashes in one query.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from manamitra import clock
from manamitra.errors import NotFoundError, PayloadError
from manamitra.store.models.trust import LogCheckpoint, TrustRepository
from manamitra.trust import checkpoint as cp
from manamitra.trust import merkle
from manamitra.trust.cose import Signer
from manamitra.trust.keys import KeyInfo

HASH = merkle.HASH_SIZE


def origin_for(public_url: str) -> str:
    """The checkpoint origin: the public host and the log's path, as C2SP suggests."""
    parts = urlsplit(public_url)
    return f"{parts.netloc or 'manamitra.local'}{parts.path.rstrip('/')}/log"


def _split_frontier(raw: bytes) -> list[bytes]:
    return [raw[i : i + HASH] for i in range(0, len(raw), HASH)]


@dataclass(frozen=True)
class InclusionProof:
    leaf_index: int
    tree_size: int
    audit_path: list[bytes]

    def to_json(self) -> dict[str, object]:
        return {
            "leaf_index": self.leaf_index,
            "tree_size": self.tree_size,
            "audit_path": [h.hex() for h in self.audit_path],
        }


class TransparencyLog:
    """One log, identified by its origin and signed by the log key that `log_key()` returns."""

    def __init__(
        self,
        origin: str,
        log_key: Callable[[], tuple[Signer, KeyInfo]],
        checkpoint_file: Path | None = None,
    ) -> None:
        self.origin = origin
        self.log_key = log_key
        self.checkpoint_file = checkpoint_file

    # -- writing -------------------------------------------------------------------------------

    def append(self, repo: TrustRepository, kind: str, data: bytes) -> int:
        """Add an entry in the caller's transaction; it is in the log when that commits."""
        size, packed = repo.lock_head()
        leaf = merkle.leaf_hash(data)
        frontier, completed = merkle.frontier_append(_split_frontier(packed), size, leaf)
        moment = clock.now()
        repo.add_entry(size, leaf, kind, data, moment, completed)
        repo.set_head(size + 1, b"".join(frontier), moment)
        return size

    def sign_checkpoint(self, repo: TrustRepository) -> LogCheckpoint:
        """The latest checkpoint, signing a new one first if the tree has grown since.

        Call it in a transaction of its own and publish only after commit: a checkpoint
        must never name a tree that a rollback then unmakes."""
        size, frontier = repo.lock_head()
        latest = repo.latest_checkpoint()
        if latest is not None and int(latest.size) == size:
            return latest
        root = merkle.frontier_root(_split_frontier(frontier))
        signer, key = self.log_key()
        note = cp.sign(cp.Checkpoint(self.origin, size, root), signer, key.public)
        return repo.add_checkpoint(size, root, note, clock.now())

    def publish(self, note: str) -> None:
        """Write the checkpoint where witnesses and mirrors pick it up (atomically)."""
        if self.checkpoint_file is None:
            return
        self.checkpoint_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.checkpoint_file.with_suffix(".tmp")
        tmp.write_text(note, "utf-8")
        tmp.replace(self.checkpoint_file)

    # -- reading -------------------------------------------------------------------------------

    def size(self, repo: TrustRepository) -> int:
        return repo.head()[0]

    def root(self, repo: TrustRepository, size: int | None = None) -> bytes:
        current, frontier = repo.head()
        if size is None or size == current:
            return merkle.frontier_root(_split_frontier(frontier))
        self._check_size(size, current)
        return merkle.tree_root(size, repo.fetch_nodes)

    def entries(
        self, repo: TrustRepository, start: int, end: int, limit: int = 1000
    ) -> list[tuple[int, bytes, bytes]]:
        size = repo.head()[0]
        if start < 0 or end < start:
            raise PayloadError("entries need 0 ≤ start ≤ end")
        return repo.entries(start, min(end, size, start + limit))

    def inclusion(
        self, repo: TrustRepository, leaf_hash: bytes, tree_size: int | None = None
    ) -> InclusionProof:
        current = repo.head()[0]
        size = current if tree_size is None else tree_size
        self._check_size(size, current)
        index = repo.find_leaf(leaf_hash, size)
        if index is None:
            raise NotFoundError("no entry with that leaf hash in a tree of that size")
        return InclusionProof(index, size, merkle.inclusion_proof(index, size, repo.fetch_nodes))

    def inclusion_by_index(self, repo: TrustRepository, index: int, tree_size: int) -> list[bytes]:
        self._check_size(tree_size, repo.head()[0])
        return merkle.inclusion_proof(index, tree_size, repo.fetch_nodes)

    def consistency(self, repo: TrustRepository, first: int, second: int) -> list[bytes]:
        self._check_size(second, repo.head()[0])
        if not 0 <= first <= second:
            raise PayloadError("consistency needs 0 ≤ first ≤ second")
        return merkle.consistency_proof(first, second, repo.fetch_nodes)

    @staticmethod
    def _check_size(size: int, current: int) -> None:
        if not 0 <= size <= current:
            raise PayloadError(f"tree size {size} is beyond the log's {current}")
