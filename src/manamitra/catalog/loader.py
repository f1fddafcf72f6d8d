"""Loading and checking every spec: a spec error names the file and the field."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError as PydanticValidationError

from manamitra.catalog.documents import with_document_steps
from manamitra.catalog.families import FAMILIES_FILE, Families
from manamitra.catalog.parse_cache import ParseCache
from manamitra.catalog.schema import (
    CATEGORIES,
    DepartmentSpec,
    ServiceSpec,
    StepSpec,
)
from manamitra.errors import SpecError
from manamitra.yamlio import load_yaml

SERVICES_DIR = Path(__file__).parent / "services"
DEPARTMENTS_FILE = Path(__file__).parent / "departments.yaml"

StepChecker = Callable[[ServiceSpec, StepSpec], None]
KindChecker = Callable[[ServiceSpec], None]


@dataclass
class Catalog:
    """Every department and service, in menu order, with lookups by id, category, department."""

    departments: dict[str, DepartmentSpec]
    services: dict[str, ServiceSpec]
    sources: dict[str, Path] = field(default_factory=dict)

    def service(self, service_id: str) -> ServiceSpec | None:
        return self.services.get(service_id)

    def in_category(self, category: str) -> list[ServiceSpec]:
        return sorted(
            (s for s in self.services.values() if s.category == category),
            key=lambda s: (s.order, s.id),
        )

    def departments_in(self, category: str) -> list[DepartmentSpec]:
        ids = {s.department for s in self.services.values() if s.category == category}
        return sorted((self.departments[d] for d in ids), key=lambda d: d.name.en)

    def in_department(self, department: str, category: str | None = None) -> list[ServiceSpec]:
        return sorted(
            (
                s
                for s in self.services.values()
                if s.department == department and (category is None or s.category == category)
            ),
            key=lambda s: (s.order, s.id),
        )


def _describe(error: PydanticValidationError) -> str:
    parts = []
    for item in error.errors():
        location = ".".join(str(p) for p in item["loc"]) or "(document)"
        parts.append(f"{location}: {item['msg']}")
    return "; ".join(parts)


def _parse(data: bytes) -> Any:
    return load_yaml(data.decode("utf-8"))


def _read_spec_file(path: Path, cache: ParseCache | None) -> Any:
    data = path.read_bytes()
    try:
        if cache is None:
            return _parse(data)
        return cache.parsed(str(path.resolve()), data, _parse)
    except UnicodeDecodeError as exc:
        raise SpecError(f"{path.name}: not UTF-8 text: {exc}") from exc
    except yaml.YAMLError as exc:
        raise SpecError(f"{path.name}: not valid YAML: {exc}") from exc


def _documents(
    path: Path, families: Families, cache: ParseCache | None
) -> Iterable[tuple[str, dict[str, Any]]]:
    """Each spec of a file with its family and shared steps filled in."""
    loaded = _read_spec_file(path, cache)
    if isinstance(loaded, dict) and "services" in loaded:
        items = loaded["services"]
        if not isinstance(items, list):
            raise SpecError(f"{path.name}: services: must be a list")
        local = families.with_local(loaded.get("families"), path.name)
        for index, item in enumerate(items):
            where = f"{path.name}: services[{index}]"
            yield where, _resolved(local, item, where)
    elif isinstance(loaded, dict):
        yield path.name, _resolved(families, loaded, path.name)
    else:
        raise SpecError(f"{path.name}: expected a mapping (one spec) or `services:` list")


def _resolved(families: Families, item: Any, where: str) -> dict[str, Any]:
    try:
        return families.resolve(item)
    except SpecError as exc:
        raise SpecError(f"{where}: {exc}") from exc


def load_departments(path: Path = DEPARTMENTS_FILE) -> dict[str, DepartmentSpec]:
    raw = load_yaml(path.read_text(encoding="utf-8")) or {}
    departments: dict[str, DepartmentSpec] = {}
    for index, item in enumerate(raw.get("departments", [])):
        try:
            spec = DepartmentSpec.model_validate(item)
        except PydanticValidationError as exc:
            raise SpecError(f"{path.name}: departments[{index}]: {_describe(exc)}") from exc
        if spec.id in departments:
            raise SpecError(f"{path.name}: departments[{index}].id: {spec.id!r} used twice")
        departments[spec.id] = spec
    return departments


def load_catalog(
    services_dir: Path = SERVICES_DIR,
    departments_file: Path = DEPARTMENTS_FILE,
    *,
    families_file: Path = FAMILIES_FILE,
    check_step: StepChecker | None = None,
    check_kind: KindChecker | None = None,
    cache: ParseCache | None = None,
) -> Catalog:
    """Load and validate every spec; the first error raises SpecError naming file and field.

    With a `cache`, a spec file whose bytes it has seen is not parsed again (every check
    still runs) and the cache is saved once the whole catalogue has passed."""
    with _collector_paused():
        catalog = _load(
            services_dir, departments_file, families_file, check_step, check_kind, cache
        )
    if cache is not None:
        cache.save()
    return catalog


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while the catalogue is built: its ~200,000 new objects
    would otherwise set off full collections over the whole heap the imports left (half the
    load's time on a loaded machine). The specs hold no cycles; the collector resumes after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _load(
    services_dir: Path,
    departments_file: Path,
    families_file: Path,
    check_step: StepChecker | None,
    check_kind: KindChecker | None,
    cache: ParseCache | None,
) -> Catalog:
    departments = load_departments(departments_file)
    families = Families.from_file(families_file)
    services: dict[str, ServiceSpec] = {}
    sources: dict[str, Path] = {}
    for path in sorted(services_dir.rglob("*.yaml")):
        for where, document in _documents(path, families, cache):
            try:
                spec = ServiceSpec.model_validate(document)
            except PydanticValidationError as exc:
                raise SpecError(f"{where}: {_describe(exc)}") from exc
            spec = with_document_steps(spec)
            if spec.id in services:
                raise SpecError(f"{where}: id: {spec.id!r} also defined in {sources[spec.id].name}")
            if spec.department not in departments:
                raise SpecError(f"{where}: department: unknown department {spec.department!r}")
            if spec.category not in CATEGORIES:
                raise SpecError(f"{where}: category: unknown category {spec.category!r}")
            try:
                if check_step is not None:
                    for step in _all_steps(spec.steps):
                        check_step(spec, step)
                if check_kind is not None:
                    check_kind(spec)
            except SpecError as exc:
                raise SpecError(f"{where}: {exc}") from exc
            services[spec.id] = spec
            sources[spec.id] = path
    return Catalog(departments=departments, services=services, sources=sources)


def _all_steps(steps: tuple[StepSpec, ...]) -> list[StepSpec]:
    found: list[StepSpec] = []
    for step in steps:
        found.append(step)
        found.extend(_all_steps(step.steps))
    return found
