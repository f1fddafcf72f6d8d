"""The spec a conversation runs on: the current one, the current one after a declared migration
of its answers, or the version it started on, kept in the store (never a broken conversation).

    flow["spec"] = begin(db, spec)                 # when a service starts: its version recorded
    spec = resolve(db, catalog_spec, flow)         # every turn after
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.orm import Session

from manamitra import clock
from manamitra.catalog.schema import ServiceSpec
from manamitra.catalog.versions import digest, migrate_answers, spec_json, stamp
from manamitra.store.models import ServiceSpecVersion

log = logging.getLogger(__name__)

_kept: dict[tuple[str, str], ServiceSpec] = {}


def begin(db: Session | None, spec: ServiceSpec) -> dict[str, Any]:
    """Record this version of the spec (once) and return the stamp the flow keeps."""
    marked = stamp(spec)
    if db is not None and db.get(ServiceSpecVersion, (spec.id, marked["digest"])) is None:
        db.add(
            ServiceSpecVersion(
                service_id=spec.id,
                digest=marked["digest"],
                version=spec.version,
                spec=spec_json(spec),
                recorded_at=clock.now(),
            )
        )
        db.flush()
    return marked


def _kept_spec(db: Session | None, service_id: str, wanted: str) -> ServiceSpec | None:
    key = (service_id, wanted)
    if key not in _kept:
        if db is None:
            return None
        row = db.get(ServiceSpecVersion, key)
        if row is None:
            return None
        _kept[key] = ServiceSpec.model_validate(row.spec)
    return _kept[key]


def resolve(db: Session | None, current: ServiceSpec, flow: dict[str, Any]) -> ServiceSpec:
    marked = flow.get("spec")
    if not marked or marked.get("digest") == digest(current):
        return current
    moved = migrate_answers(current, flow.get("answers") or {}, int(marked.get("version", 1)))
    if moved is not None:
        _move(db, current, flow, moved)
        return current
    kept = _kept_spec(db, current.id, str(marked.get("digest")))
    if kept is not None:
        return kept
    log.warning("spec version not kept; on the current one", extra={"service": current.id})
    flow["spec"] = begin(db, current)
    return current


def _move(
    db: Session | None, current: ServiceSpec, flow: dict[str, Any], moved: dict[str, Any]
) -> None:
    """The flow's answers under the current version; the review asked again if a new question
    is now open (the citizen answers it before submitting)."""
    flow["answers"] = moved
    flow["history"] = [[key] for key in moved if not key.startswith("_")]
    flow["labels"] = {k: v for k, v in (flow.get("labels") or {}).items() if k in moved}
    flow["spec"] = begin(db, current)
    if flow.get("phase") in ("confirm", "edit", "failed"):
        flow["phase"] = "steps"
    flow["migrated"] = True  # the runner asks afresh instead of reading this turn as an answer
    log.info("conversation migrated to the current spec", extra={"service": current.id})
