"""Embedded reference systems: department registers seeded from registers/*.yaml, deterministic.

Each data file maps a source name to its records, keyed by identifier::

    ration_card:
      "2810453712": {holder: {en: Lakshmi Devi K, te: కె. లక్ష్మీదేవి}, status: {...}, ...}

Lookups normalise the identifier (upper case, no spaces) the way the identifier field does.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from manamitra.departments.base import Record
from manamitra.yamlio import load_yaml

DATA_DIR = Path(__file__).parent / "registers"


def normalise_identifier(text: str) -> str:
    return re.sub(r"\s+", "", text).upper()


class EmbeddedSystems:
    """Every seeded register in memory; implements RecordLookup and DocumentSource."""

    def __init__(self, registers: dict[str, dict[str, dict[str, Any]]]) -> None:
        self.registers = {
            source: {normalise_identifier(str(k)): v for k, v in records.items()}
            for source, records in registers.items()
        }

    @classmethod
    def from_directory(cls, directory: Path = DATA_DIR) -> EmbeddedSystems:
        registers: dict[str, dict[str, dict[str, Any]]] = {}
        for path in sorted(directory.glob("*.yaml")):
            loaded = load_yaml(path.read_text(encoding="utf-8")) or {}
            for source, records in loaded.items():
                registers.setdefault(source, {}).update(records or {})
        return cls(registers)

    def sources(self) -> list[str]:
        return sorted(self.registers)

    def identifiers(self, source: str) -> list[str]:
        return list(self.registers.get(source, {}))

    def lookup(
        self, source: str, identifier: str, answers: Mapping[str, Any] | None = None
    ) -> Record | None:
        facts = self.registers.get(source, {}).get(normalise_identifier(identifier))
        if facts is None:
            return None
        rows = tuple(facts.get("rows", ()))
        return Record(
            source=source,
            identifier=normalise_identifier(identifier),
            facts={k: v for k, v in facts.items() if k != "rows"},
            rows=rows,
        )

    def document(
        self, source: str, identifier: str, answers: Mapping[str, Any] | None = None
    ) -> Record | None:
        return self.lookup(source, identifier)


@cache
def embedded_systems() -> EmbeddedSystems:
    return EmbeddedSystems.from_directory()
