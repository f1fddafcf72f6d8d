"""The dependency direction of docs/architecture.md, checked on the import graph.

The layers themselves are the import-linter contract in pyproject.toml; these tests run it,
and check what a contract cannot see: imports hidden inside functions, registration by import,
and the web framework kept out of the domain."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from importlinter.cli import lint_imports

import manamitra
from manamitra.fields import BUILT_IN_FIELD_TYPES, FIELD_TYPES, OPTION_PROVIDERS
from manamitra.payments.fulfil import FULFILLERS
from manamitra.services.case_document import attach_document
from manamitra.services.catalog_check import load_checked_catalog
from manamitra.services.document_check import check_sent_document
from manamitra.services.kind import EVENT_HANDLERS, SERVICE_KINDS, UNSOLICITED_HANDLERS
from manamitra.services.registry import register_all

ROOT = Path(manamitra.__file__).parent
PROJECT = ROOT.parent.parent
DOMAIN = (
    "conversation",
    "services",
    "fields",
    "departments",
    "documents",
    "trust",
    "payments",
    "bookings",
    "grievances",
    "catalog",
    "messaging",
)
# The entry points may import late (a command loads only what it runs).
LATE_IMPORTS_ALLOWED = ("cli/", "app.py")


def _modules() -> list[tuple[str, Path]]:
    return [(str(p.relative_to(ROOT)), p) for p in ROOT.rglob("*.py")]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_the_layers_contract_holds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PROJECT)
    assert lint_imports(config_filename="pyproject.toml", no_cache=True, no_logo=True) == 0


def test_imports_inside_functions_say_why_they_are_not_at_the_top() -> None:
    unexplained = []
    for relative, path in _modules():
        if relative.startswith(LATE_IMPORTS_ALLOWED):
            continue
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        for function in ast.walk(ast.parse(source)):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if not isinstance(node, ast.Import | ast.ImportFrom):
                    continue
                above = lines[node.lineno - 2].strip()
                if not above.startswith("#"):
                    unexplained.append(f"{relative}:{node.lineno}")
    assert unexplained == []


def test_importing_the_kinds_registers_nothing() -> None:
    probe = (
        "import manamitra.app, manamitra.services.booking, manamitra.services.grievance\n"
        "from manamitra.fields import FIELD_TYPES, OPTION_PROVIDERS\n"
        "from manamitra.payments.fulfil import FULFILLERS\n"
        "from manamitra.services.kind import EVENT_HANDLERS, SERVICE_KINDS, UNSOLICITED_HANDLERS\n"
        "print(len(FIELD_TYPES), len(OPTION_PROVIDERS), len(FULFILLERS), len(SERVICE_KINDS),"
        " len(EVENT_HANDLERS), len(UNSOLICITED_HANDLERS))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.split() == ["0"] * 6


def test_register_all_fills_every_registry_the_catalogue_needs_once() -> None:
    register_all()
    register_all()  # the composition root and the fixtures may both call it
    catalog = load_checked_catalog()
    assert {spec.kind for spec in catalog.services.values()} <= set(SERVICE_KINDS)
    assert {cls.name for cls in BUILT_IN_FIELD_TYPES} <= set(FIELD_TYPES)
    assert "apsrtc_stops" in OPTION_PROVIDERS
    assert {"bill", "donation", "booking"} <= set(FULFILLERS)
    assert "order" in EVENT_HANDLERS
    assert [attach_document, check_sent_document] == UNSOLICITED_HANDLERS


def test_domain_packages_never_import_the_web_framework() -> None:
    offenders = []
    for relative, path in _modules():
        if relative.split("/")[0] not in DOMAIN:
            continue
        for name in _imports(path):
            if name.split(".")[0] in {"fastapi", "starlette", "uvicorn"}:
                offenders.append(f"{relative} imports {name}")
    assert offenders == []
