"""Imports flow one way: documents → trust; trust and documents never import the web edge,
the command line or SQLAlchemy (the store's TrustRepository does the SQL)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "manamitra"
FORBIDDEN = {
    "trust": (
        "manamitra.documents",
        "manamitra.web",
        "manamitra.cli",
        "manamitra.channels",
        "sqlalchemy",
    ),
    "documents": ("manamitra.web", "manamitra.cli", "manamitra.channels", "sqlalchemy"),
}


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_keeps_its_dependency_direction(package: str) -> None:
    files = sorted((SRC / package).glob("*.py"))
    assert files
    for path in files:
        bad = {
            name
            for name in _imports(path)
            if any(name == f or name.startswith(f + ".") for f in FORBIDDEN[package])
        }
        assert not bad, f"{path.name} imports {sorted(bad)}"
