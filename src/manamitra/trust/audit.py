"""Replaying the whole log to prove it was never rewritten.

The audit recomputes every leaf hash from the stored entry bytes, rebuilds the tree as it
goes (checking each stored subtree hash it completes), compares the root at every stored
checkpoint, checks each checkpoint's signature, proves consistency between consecutive
checkpoints (and from any checkpoint a witness saved earlier), and checks that every key in
the key set had its creation logged. Memory stays O(log n): only the frontier is kept.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from manamitra.errors import PayloadError
from manamitra.store.models.trust import TrustRepository
from manamitra.trust import checkpoint as cp
from manamitra.trust import entry, merkle
from manamitra.trust.keys import KeyRing
from manamitra.trust.log import TransparencyLog

BATCH = 5000


@dataclass
class AuditReport:
    size: int = 0
    entries_checked: int = 0
    nodes_checked: int = 0
    checkpoints_checked: int = 0
    consistency_proofs: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _check_nodes(
    repo: TrustRepository, nodes: dict[tuple[int, int], bytes], report: AuditReport
) -> None:
    keys = list(nodes)
    for start in range(0, len(keys), 400):
        chunk = keys[start : start + 400]
        try:
            stored = repo.fetch_nodes(chunk)
        except LookupError as exc:
            report.problems.append(f"stored subtree hashes missing: {exc}")
            return
        for key in chunk:
            if stored[key] != nodes[key]:
                report.problems.append(f"stored subtree hash {key} does not match the entries")
        report.nodes_checked += len(chunk)


def audit(
    repo: TrustRepository,
    log: TransparencyLog,
    keyring: KeyRing,
    witnessed: list[str] | None = None,
) -> AuditReport:
    report = AuditReport()
    size, frontier_bytes = repo.head()
    report.size = size
    log_keys = keyring.log_keys()

    checkpoints: dict[int, bytes] = {}
    witnessed_roots: dict[int, bytes] = {}
    for row in repo.checkpoints():
        try:
            signed = cp.verify(row.note, log_keys, origin=log.origin)
        except PayloadError as exc:
            report.problems.append(f"checkpoint at size {row.size}: {exc}")
            continue
        if signed.size != row.size or signed.root != bytes(row.root_hash):
            report.problems.append(f"checkpoint at size {row.size} differs from its signed note")
        checkpoints[signed.size] = signed.root
        report.checkpoints_checked += 1
    for note in witnessed or []:
        try:
            signed = cp.verify(note, log_keys, origin=log.origin)
        except PayloadError as exc:
            report.problems.append(f"witnessed checkpoint: {exc}")
            continue
        if signed.size > size:
            report.problems.append(
                f"witnessed checkpoint of size {signed.size} is beyond "
                f"the log's {size}: the log was truncated"
            )
        else:
            witnessed_roots[signed.size] = signed.root

    frontier: list[bytes] = []
    logged_kids: set[str] = set()
    index = 0
    while index < size:
        rows = repo.entries(index, min(size, index + BATCH))
        completed: dict[tuple[int, int], bytes] = {}
        for position, leaf, data in rows:
            if position != index:
                report.problems.append(f"entry {index} is missing")
                return report
            if merkle.leaf_hash(data) != leaf:
                report.problems.append(f"entry {index}: stored leaf hash does not match its data")
            try:
                fields = entry.decode(data)
                if fields.get("kind") == "key" and fields.get("event") == "created":
                    logged_kids.add(str(fields.get("kid")))
            except ValueError:
                report.problems.append(f"entry {index} is not a canonical JSON entry")
            frontier, done = merkle.frontier_append(frontier, index, merkle.leaf_hash(data))
            completed.update({(lv, ix): h for lv, ix, h in done})
            index += 1
            root = checkpoints.get(index)
            if root is not None and merkle.frontier_root(frontier) != root:
                report.problems.append(f"the entries do not give the signed root at size {index}")
            seen = witnessed_roots.get(index)
            if seen is not None and merkle.frontier_root(frontier) != seen:
                report.problems.append(
                    f"a witnessed checkpoint at size {index} is not in this "
                    "log's history: a split view or a rewrite"
                )
        report.entries_checked += len(rows)
        _check_nodes(repo, completed, report)
        if not rows:
            report.problems.append(f"entries stop at {index}, the head says {size}")
            return report
    if b"".join(frontier) != frontier_bytes:
        report.problems.append("the head's frontier does not match the entries")
    if 0 in checkpoints and checkpoints[0] != merkle.EMPTY_ROOT:
        report.problems.append("checkpoint of the empty tree has the wrong root")

    sizes = sorted(s for s in checkpoints if 0 < s <= size)
    for first, second in itertools.pairwise(sizes):
        proof = log.consistency(repo, first, second)
        if not merkle.verify_consistency(
            first, second, checkpoints[first], checkpoints[second], proof
        ):
            report.problems.append(f"no consistency between checkpoints {first} and {second}")
        report.consistency_proofs += 1

    for key in keyring.keys.values():
        if key.kid not in logged_kids:
            report.problems.append(
                f"key {key.kid} is in the key set but its creation was never logged"
            )
    return report
