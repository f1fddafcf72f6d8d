"""Versions of a service in flight: each revision of a spec has a digest, a conversation keeps
the version and digest it started on, and a declared migration moves its answers forward.

    stamp(spec)                               -> {"version": 2, "digest": "3f9c…"}
    migrate_answers(spec, answers, from_version) -> answers under the current spec, or None
                                                 when no declared migration leads there

Migrations apply in order of their `from` version (goflow's spec migrations, per service): a
conversation at version 1 with migrations from 1 and from 2 takes both.
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson

from manamitra.catalog.schema import ServiceSpec

_digests: dict[int, str] = {}


def spec_json(spec: ServiceSpec) -> dict[str, Any]:
    return spec.model_dump(mode="json", by_alias=True, exclude_defaults=True)


def digest(spec: ServiceSpec) -> str:
    """SHA-256 of the spec's canonical JSON (first 16 hex), remembered per spec object."""
    key = id(spec)
    found = _digests.get(key)
    if found is None:
        found = hashlib.sha256(
            orjson.dumps(spec_json(spec), option=orjson.OPT_SORT_KEYS)
        ).hexdigest()[:16]
        _digests[key] = found
    return found


def stamp(spec: ServiceSpec) -> dict[str, Any]:
    return {"version": spec.version, "digest": digest(spec)}


def migrate_answers(
    spec: ServiceSpec, answers: dict[str, Any], from_version: int
) -> dict[str, Any] | None:
    steps = {m.from_version: m for m in spec.migrations}
    moved = dict(answers)
    version = from_version
    while version < spec.version:
        migration = steps.get(version)
        if migration is None:
            return None
        for old, new in migration.rename.items():
            if old in moved:
                moved[new] = moved.pop(old)
        for name in migration.drop:
            moved.pop(name, None)
        moved.update(migration.set)
        version = next((v for v in sorted(steps) if v > version), spec.version)
    known = {step.id for step in spec.steps}
    return {k: v for k, v in moved.items() if k in known or k.startswith("_")}
