"""Which facts a declared department's answer carries, so a service spec that shows a fact its
department's declaration does not map is refused when the catalogue loads (not shown as "-" to a
citizen later)."""

from __future__ import annotations

from functools import cache

from manamitra.departments.declaration import load_declarations


@cache
def _mapped() -> dict[str, tuple[str, frozenset[str] | None, frozenset[str]]]:
    found: dict[str, tuple[str, frozenset[str] | None, frozenset[str]]] = {}
    for declaration in load_declarations().values():
        for operation in declaration.operations:
            response = operation.response
            facts = None if response.facts_at is not None else frozenset(response.facts)
            rows = frozenset(response.rows.fields) if response.rows is not None else frozenset()
            found[operation.source] = (declaration.id, facts, rows)
    return found


def unmapped(source: str, facts: set[str], row_fields: set[str]) -> tuple[str, str] | None:
    """(department, the first fact or row field its declaration does not map), or None."""
    entry = _mapped().get(source)
    if entry is None:
        return None
    department, mapped, rows = entry
    if mapped is not None:
        for fact in sorted(facts - mapped):
            return department, fact
    for field in sorted(row_fields - rows):
        return department, f"rows.{field}"
    return None
