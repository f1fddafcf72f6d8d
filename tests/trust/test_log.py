"""The database log: appends serialise (no two issuers share an index), proofs from stored
subtrees verify, and the audit catches rewritten history and split views."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import update

from manamitra.store import Database
from manamitra.store.models.trust import LogEntry, TrustRepository
from manamitra.trust import checkpoint as cp
from manamitra.trust import merkle
from manamitra.trust.audit import audit
from tests.trust.builders import setup_keys, trust_service


@pytest.fixture
def trust(tmp_path: Path, database: Database):
    service = trust_service(tmp_path)
    setup_keys(database, service)
    return service


def _append(database: Database, trust, count: int, tag: str = "e") -> list[int]:
    indexes = []
    for i in range(count):
        with database.unit_of_work() as session:
            indexes.append(
                trust.log.append(TrustRepository(session), "test", f'{{"{tag}":{i}}}'.encode())
            )
    return indexes


def test_proofs_from_the_store_verify_for_every_entry(database: Database, trust) -> None:
    _append(database, trust, 21)
    note = trust.publish_checkpoint(database)
    head = cp.verify(note, trust.keyring().log_keys())
    with database.unit_of_work() as session:
        repo = TrustRepository(session)
        rows = trust.log.entries(repo, 0, head.size)
        assert merkle.root_of([leaf for _, leaf, _ in rows]) == head.root
        for index, leaf, _ in rows:
            proof = trust.log.inclusion(repo, leaf, head.size)
            assert proof.leaf_index == index
            assert merkle.verify_inclusion(index, head.size, leaf, proof.audit_path, head.root)
        for first in range(1, head.size + 1):
            path = trust.log.consistency(repo, first, head.size)
            assert merkle.verify_consistency(
                first, head.size, trust.log.root(repo, first), head.root, path
            )


def test_concurrent_appends_take_distinct_contiguous_indexes(database: Database, trust) -> None:
    with database.unit_of_work() as session:
        start = trust.log.size(TrustRepository(session))
    results: list[int] = []
    lock = threading.Lock()

    def worker(tag: str) -> None:
        got = _append(database, trust, 8, tag)
        with lock:
            results.extend(got)

    threads = [threading.Thread(target=worker, args=(f"w{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == list(range(start, start + 32))
    with database.unit_of_work() as session:
        assert audit(TrustRepository(session), trust.log, trust.keyring()).ok


def test_audit_catches_a_consistently_rewritten_entry(database: Database, trust) -> None:
    _append(database, trust, 6)
    trust.publish_checkpoint(database)
    _append(database, trust, 3, "later")
    trust.publish_checkpoint(database)
    with database.unit_of_work() as session:
        report = audit(TrustRepository(session), trust.log, trust.keyring())
    assert report.ok, report.problems
    assert report.consistency_proofs >= 1

    forged = b'{"e":"rewritten"}'
    with database.unit_of_work() as session:
        session.execute(
            update(LogEntry)
            .where(LogEntry.index == 4)
            .values(data=forged, leaf_hash=merkle.leaf_hash(forged))
        )
    with database.unit_of_work() as session:
        report = audit(TrustRepository(session), trust.log, trust.keyring())
    assert not report.ok
    assert any("signed root" in p or "subtree" in p for p in report.problems)


def test_audit_catches_a_split_view_from_a_witness(database: Database, trust) -> None:
    _append(database, trust, 5)
    trust.publish_checkpoint(database)
    signer, key = trust.log.log_key()
    fake = cp.sign(
        cp.Checkpoint(trust.log.origin, 3, merkle.leaf_hash(b"other")), signer, key.public
    )
    with database.unit_of_work() as session:
        report = audit(TrustRepository(session), trust.log, trust.keyring(), [fake])
    assert any("split view" in p for p in report.problems)


def test_checkpoint_is_c2sp_text_signed_by_the_log_key(database: Database, trust) -> None:
    _append(database, trust, 2)
    note = trust.publish_checkpoint(database)
    lines = note.split("\n")
    assert lines[0] == trust.log.origin and lines[1].isdigit() and lines[3] == ""
    assert lines[4].startswith("\u2014 " + trust.log.origin + " ")
    tampered = note.replace(lines[1], str(int(lines[1]) + 1), 1)
    with pytest.raises(Exception, match="no trusted key"):
        cp.verify(tampered, trust.keyring().log_keys())
    assert trust.log.checkpoint_file is not None
    assert trust.log.checkpoint_file.read_text() == note
