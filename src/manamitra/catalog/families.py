"""Families of services and shared steps: a spec `extends:` a family and names shared steps.

Services of one family (record copies, duplicate certificates, welfare status lookups…) differ
in their own fields and facts, not in the frame around them. The frame is written once, in
`catalog/families.yaml` (or in a service file's own `families:` block)::

    steps:                       # shared steps, named
      aadhaar: {id: aadhaar, type: aadhaar, prompt: {en: "Aadhaar number?", te: "ఆధార్ నంబర్?"}}
    families:
      sachivalayam_application:  # a partial spec
        kind: application
        office: {en: "Village or Ward Sachivalayam", te: "గ్రామ లేదా వార్డు సచివాలయం"}
        steps: [applicant_name, aadhaar, own_steps, district, mandal, village, consent]
        application: {}

    services:
    - id: revenue.duplicate_certificate
      extends: sachivalayam_application
      steps: [{id: certificate_number, type: text, prompt: {...}}]

How a spec is resolved, before it is validated as a ServiceSpec:

- `extends: NAME` starts from the family (which may itself extend another); mappings merge key
  by key (the spec wins), anything else the spec gives replaces the family's value;
- `steps`: the family's `own_steps` marker is where the spec's own steps go; a family without
  the marker has its steps replaced by the spec's, if the spec gives any. A family extending
  another fills its parent's marker the same way, unless its steps hold a marker of their own
  (then they are a new frame);
- a step written as a string is the shared step of that name; `{use: NAME, …}` is the shared
  step with the keys given changed.

Every family and shared step is checked when the catalogue loads: an unknown family or step,
a loop of families, or a key no spec has names the file and the entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from manamitra.catalog.schema import ServiceSpec
from manamitra.errors import SpecError
from manamitra.yamlio import load_yaml

FAMILIES_FILE = Path(__file__).parent / "families.yaml"
OWN_STEPS = "own_steps"
EXTENDS = "extends"
SPEC_KEYS = frozenset(ServiceSpec.model_fields)


class Families:
    """The named steps and families one catalogue load resolves specs against."""

    def __init__(
        self, steps: Mapping[str, dict[str, Any]], families: Mapping[str, dict[str, Any]]
    ) -> None:
        self.steps = dict(steps)
        self.families = dict(families)

    @classmethod
    def from_file(cls, path: Path = FAMILIES_FILE) -> Families:
        if not path.exists():
            return cls({}, {})
        raw = load_yaml(path.read_text(encoding="utf-8")) or {}
        if not isinstance(raw, dict) or set(raw) - {"steps", "families"}:
            raise SpecError(f"{path.name}: expected `steps:` and `families:` mappings")
        steps = raw.get("steps") or {}
        families = raw.get("families") or {}
        found = cls(_mapping(steps, f"{path.name}: steps"), _mapping(families, path.name))
        found.check(path.name)
        return found

    def with_local(self, local: Any, where: str) -> Families:
        """These families plus a service file's own `families:` block."""
        if not local:
            return self
        mine = _mapping(local, f"{where}: families")
        clash = sorted(set(mine) & set(self.families))
        if clash:
            raise SpecError(f"{where}: families.{clash[0]}: also defined in families.yaml")
        merged = Families(self.steps, {**self.families, **mine})
        merged.check(where, only=set(mine))
        return merged

    def check(self, where: str, only: set[str] | None = None) -> None:
        for name, step in self.steps.items():
            if not isinstance(step, dict) or step.get("id") != name:
                raise SpecError(f"{where}: steps.{name}: a step whose `id` is {name!r}")
        for name in sorted(only if only is not None else self.families):
            family = self.families[name]
            unknown = set(family) - SPEC_KEYS - {EXTENDS}
            if unknown:
                raise SpecError(f"{where}: families.{name}.{sorted(unknown)[0]}: unknown key")
            try:
                resolved = self._family(name, ())
                self.expand_steps(resolved.get("steps", []), allow_marker=True)
            except SpecError as exc:
                raise SpecError(f"{where}: families.{name}: {exc}") from exc

    def resolve(self, document: dict[str, Any]) -> dict[str, Any]:
        """The spec as written, with its family and shared steps filled in."""
        if not isinstance(document, dict):
            raise SpecError("expected a mapping")
        spec = dict(document)
        name = spec.pop(EXTENDS, None)
        if name is not None:
            base = self._family(str(name), ())
            own = spec.pop("steps", None)
            spec = _merge(base, spec)
            frame = base.get("steps")
            if frame is not None:
                spec["steps"] = _fill(frame, own or [])
            if own is not None and (frame is None or OWN_STEPS not in frame):
                spec["steps"] = own
        if "steps" in spec:
            spec["steps"] = self.expand_steps(spec["steps"], allow_marker=False)
        return spec

    def expand_steps(self, steps: Any, *, allow_marker: bool) -> list[Any]:
        if not isinstance(steps, list):
            raise SpecError("steps: must be a list")
        expanded: list[Any] = []
        for index, step in enumerate(steps):
            if step == OWN_STEPS:
                if not allow_marker:
                    raise SpecError(f"steps[{index}]: `{OWN_STEPS}` outside a family")
                expanded.append(step)
            elif isinstance(step, str):
                expanded.append(self._shared(step, index))
            elif isinstance(step, dict) and "use" in step:
                changes = {k: v for k, v in step.items() if k != "use"}
                expanded.append({**self._shared(str(step["use"]), index), **changes})
            elif isinstance(step, dict) and isinstance(step.get("steps"), list):
                inner = self.expand_steps(step["steps"], allow_marker=False)
                expanded.append({**step, "steps": inner})
            else:
                expanded.append(step)
        return expanded

    def _shared(self, name: str, index: int) -> dict[str, Any]:
        if name not in self.steps:
            raise SpecError(f"steps[{index}]: no shared step {name!r}")
        return dict(self.steps[name])

    def _family(self, name: str, seen: tuple[str, ...]) -> dict[str, Any]:
        if name in seen:
            raise SpecError(f"extends: families loop: {' → '.join((*seen, name))}")
        family = self.families.get(name)
        if family is None:
            raise SpecError(f"extends: unknown family {name!r}")
        parent = family.get(EXTENDS)
        own = {k: v for k, v in family.items() if k != EXTENDS}
        if parent is None:
            return own
        base = self._family(str(parent), (*seen, name))
        merged = _merge(base, own)
        frame, steps = base.get("steps"), own.get("steps")
        # Steps with their own marker are a new frame; without one, they fill the parent's.
        if frame is not None and steps is not None and OWN_STEPS not in steps:
            merged["steps"] = _fill(frame, steps)
        return merged


def _fill(frame: list[Any], steps: list[Any]) -> list[Any]:
    """The frame with `steps` where its marker is; a frame without one is left as it is."""
    if OWN_STEPS not in frame:
        return list(frame)
    at = frame.index(OWN_STEPS)
    return [*frame[:at], *steps, *frame[at + 1 :]]


def _mapping(value: Any, where: str) -> dict[str, dict[str, Any]]:
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        raise SpecError(f"{where}: expected a mapping of names to mappings")
    return value


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged
