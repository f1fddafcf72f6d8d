"""The audit trail: every officer action, append-only, each row chained to the one before.

The console only ever inserts here; `verify_chain` recomputes every hash, so an edit made
behind the console's back (in the database) shows as a broken link.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from manamitra import clock
from manamitra.store.models.console import AuditEntry

GENESIS = "0" * 64


def _digest(
    prev: str, at: str, actor: str, action: str, target: str, detail: dict[str, Any]
) -> str:
    body = json.dumps([prev, at, actor, action, target, detail], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(body.encode()).hexdigest()


def append(
    db: Session, actor: str, action: str, target: str | None = None, **detail: Any
) -> AuditEntry:
    last = db.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1).with_for_update())
    prev = last.hash if last is not None else GENESIS
    at = clock.now().replace(microsecond=0)
    clean = {k: str(v) for k, v in detail.items() if v is not None}
    row = AuditEntry(
        at=at,
        actor=actor,
        action=action,
        target=target,
        detail=clean,
        prev_hash=prev,
        hash=_digest(prev, at.isoformat(), actor, action, target or "", clean),
    )
    db.add(row)
    db.flush()
    return row


def verify_chain(db: Session) -> int | None:
    """The id of the first row whose hash does not hold, or None when the chain is whole."""
    prev = GENESIS
    for row in db.scalars(select(AuditEntry).order_by(AuditEntry.id)):
        at = clock.as_utc(row.at).isoformat()
        expected = _digest(prev, at, row.actor, row.action, row.target or "", row.detail)
        if row.prev_hash != prev or row.hash != expected:
            return row.id
        prev = row.hash
    return None
