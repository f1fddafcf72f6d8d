"""The dependency direction of docs/architecture.md, checked on the import graph."""

from __future__ import annotations

import ast
from pathlib import Path

import manamitra

ROOT = Path(manamitra.__file__).parent
EDGES = ("channels", "console", "sandbox", "cli", "web")
# Who may import an edge package: the composition root and the CLI that starts things.
ALLOWED_IMPORTERS = {"app.py", "cli", "demo.py", "demo_identities.py"}
DOMAIN = (
    "conversation",
    "services",
    "departments",
    "documents",
    "trust",
    "payments",
    "bookings",
    "grievances",
    "catalog",
)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def _modules() -> list[tuple[str, Path]]:
    return [(str(p.relative_to(ROOT)), p) for p in ROOT.rglob("*.py")]


def test_edge_packages_are_imported_only_by_the_composition_root() -> None:
    offenders = []
    for relative, path in _modules():
        top = relative.split("/")[0]
        for name in _imports(path):
            parts = name.split(".")
            if len(parts) < 2 or parts[0] != "manamitra" or parts[1] not in EDGES:
                continue
            if parts[1] == top or top in ALLOWED_IMPORTERS:
                continue
            offenders.append(f"{relative} imports {name}")
    assert offenders == []


def test_domain_packages_never_import_the_web_framework() -> None:
    offenders = []
    for relative, path in _modules():
        if relative.split("/")[0] not in DOMAIN:
            continue
        for name in _imports(path):
            if name.split(".")[0] in {"fastapi", "starlette", "uvicorn"}:
                offenders.append(f"{relative} imports {name}")
    assert offenders == []
